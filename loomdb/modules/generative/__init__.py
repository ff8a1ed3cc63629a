"""Generative modules by Weaviate module name (`GENERATIVES`, part of the registry's table)."""
from __future__ import annotations

from collections.abc import Callable

from ..capabilities import Generative
from .anthropic import AnthropicGenerative
from .cohere import CohereGenerative
from .dummy import DummyGenerative
from .google import GoogleGenerative
from .mistral import MistralGenerative
from .ollama import OllamaGenerative
from .openai import OpenAIGenerative

GENERATIVES: dict[str, Callable[[], Generative]] = {
    module.name: module for module in (DummyGenerative, OpenAIGenerative, OllamaGenerative, AnthropicGenerative,
                                       CohereGenerative, MistralGenerative, GoogleGenerative)}
