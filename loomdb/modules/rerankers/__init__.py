"""Reranker modules by Weaviate module name (`RERANKERS`, part of the registry's table)."""
from __future__ import annotations

from collections.abc import Callable

from ..capabilities import Reranker
from .dummy import DummyReranker
from .hosted import cohere, jinaai, voyageai

RERANKERS: dict[str, Callable[[], Reranker]] = {
    "reranker-dummy": DummyReranker, "reranker-cohere": cohere, "reranker-voyageai": voyageai,
    "reranker-jinaai": jinaai}
