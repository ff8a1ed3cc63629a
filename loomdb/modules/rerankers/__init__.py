"""Reranker modules by Weaviate module name. `RERANKERS` is the lookup table the search use case reads until
the module registry (loomdb/modules/registry.py) takes over."""
from __future__ import annotations

from collections.abc import Callable

from ..capabilities import Reranker
from .dummy import DummyReranker
from .hosted import cohere, jinaai, voyageai
from .transformers import TransformersReranker

RERANKERS: dict[str, Callable[[], Reranker]] = {
    "reranker-dummy": DummyReranker, "reranker-cohere": cohere, "reranker-voyageai": voyageai,
    "reranker-jinaai": jinaai, "reranker-transformers": TransformersReranker}
