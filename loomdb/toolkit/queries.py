"""The query shapes the checks time on a collection's own data: fetch, near_vector with a stored vector, bm25
with a stored word, hybrid, and near_vector restricted by an id filter. One place builds them, so doctor's smoke
test and audit's profile measure the same calls."""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from weaviate.classes.query import Filter, MetadataQuery

_WORD = re.compile(r"[A-Za-z]{4,}")


@dataclass(frozen=True)
class Timed:
    value: Any
    latency_ms: float


def timed(call: Callable[[], Any]) -> Timed:
    start = time.perf_counter()
    value = call()
    return Timed(value, (time.perf_counter() - start) * 1000)


def stored_vector(obj: Any, vector_name: str | None) -> list[float] | None:
    """The object's vector for `vector_name` (None = the single/default vector), if it has a plain one."""
    vectors = obj.vector or {}
    vector = vectors.get(vector_name or "default") if vector_name else (
        vectors.get("default") if "default" in vectors else next(iter(vectors.values()), None))
    if vector is None or (vector and isinstance(vector[0], list)):     # absent, or a multi-vector
        return None
    return list(vector)


def stored_word(obj: Any, text_props: Sequence[str]) -> str | None:
    for prop in text_props:
        value = obj.properties.get(prop)
        text = " ".join(value) if isinstance(value, list) else value
        match = _WORD.search(text) if isinstance(text, str) else None
        if match:
            return match.group(0)
    return None


def fetch(collection: Any, limit: int = 1, include_vector: bool = True) -> Timed:
    return timed(lambda: collection.query.fetch_objects(limit=limit, include_vector=include_vector))


def near_vector(collection: Any, vector: Iterable[float], vector_name: str | None, limit: int,
                ids: Sequence[Any] | None = None) -> Timed:
    where = Filter.by_id().contains_any(list(ids)) if ids is not None else None
    plain = [float(x) for x in vector]
    return timed(lambda: collection.query.near_vector(
        near_vector=plain, target_vector=vector_name, limit=limit, filters=where,
        return_metadata=MetadataQuery(distance=True), return_properties=[]))


def bm25(collection: Any, word: str, limit: int = 10) -> Timed:
    return timed(lambda: collection.query.bm25(query=word, limit=limit, return_properties=[]))


def hybrid(collection: Any, word: str, vector: Iterable[float], vector_name: str | None, limit: int = 10) -> Timed:
    plain = [float(x) for x in vector]
    return timed(lambda: collection.query.hybrid(query=word, vector=plain, target_vector=vector_name, limit=limit,
                                                 return_properties=[]))
