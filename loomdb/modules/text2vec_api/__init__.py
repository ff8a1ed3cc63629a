"""Vectorizers that call a provider's HTTP embedding API (text2vec-openai lives in ../text2vec_openai.py).
`VECTORIZERS` is what the module registry reads: Weaviate module name -> factory."""
from __future__ import annotations

from collections.abc import Callable

from loomdb.modules.capabilities import Vectorizer

from .cohere import CohereVectorizer
from .google import GoogleVectorizer
from .huggingface import HuggingFaceVectorizer
from .jinaai import JinaAIVectorizer
from .mistral import MistralVectorizer
from .ollama import OllamaVectorizer
from .voyageai import VoyageAIVectorizer

VECTORIZERS: dict[str, Callable[[], Vectorizer]] = {
    cls.name: cls for cls in (CohereVectorizer, OllamaVectorizer, HuggingFaceVectorizer, VoyageAIVectorizer,
                              JinaAIVectorizer, MistralVectorizer, GoogleVectorizer)
}
