"""The workload presets: what one operation of each sends, and what its results mean afterwards (recall for the
ANN ones, reads vs writes for the mixed one). Each is an `Operation` for the load generator; payloads are built
in `prepare` so that client-side data generation is not counted as server latency."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
from weaviate.classes.data import DataObject
from weaviate.classes.query import Filter

from .dataset import category

# run in this order: writes last (tenants has a collection of its own)
WORKLOADS = ("near_vector", "filtered", "bm25", "hybrid", "tenants", "mixed", "import", "load")
READ_ONLY = ("near_vector", "bm25", "hybrid")      # the ones allowed on a user's own collection
ANN = ("near_vector", "filtered")                  # recall is measured next to QPS


@dataclass(frozen=True)
class QuerySet:
    """What queries draw from: vectors (as plain lists, converted once) and words, cycled by op index."""

    vectors: list[list[float]]
    words: list[str]

    def vector(self, i: int) -> tuple[int, list[float]]:
        slot = i % len(self.vectors)
        return slot, self.vectors[slot]

    def word(self, i: int) -> str:
        return self.words[i % len(self.words)]


class NearVector:
    """near_vector top-k, optionally restricted by a filter; returns (query slot, ids found) for recall."""

    def __init__(self, collection: Any, queries: QuerySet, k: int, where: Any = None,
                 target_vector: str | None = None) -> None:
        self._collection, self._queries, self._k = collection, queries, k
        self._where, self._target_vector = where, target_vector

    def prepare(self, i: int) -> tuple[int, list[float]]:
        return self._queries.vector(i)

    def execute(self, payload: tuple[int, list[float]]) -> tuple[int, list[uuid.UUID]]:
        slot, vector = payload
        found = self._collection.query.near_vector(near_vector=vector, limit=self._k, filters=self._where,
                                                   target_vector=self._target_vector, return_properties=[])
        return slot, [o.uuid for o in found.objects]


class Bm25:
    def __init__(self, collection: Any, queries: QuerySet, k: int) -> None:
        self._collection, self._queries, self._k = collection, queries, k

    def prepare(self, i: int) -> str:
        return self._queries.word(i)

    def execute(self, word: str) -> int:
        return len(self._collection.query.bm25(query=word, limit=self._k, return_properties=[]).objects)


class Hybrid:
    def __init__(self, collection: Any, queries: QuerySet, k: int, target_vector: str | None = None) -> None:
        self._collection, self._queries, self._k, self._target_vector = collection, queries, k, target_vector

    def prepare(self, i: int) -> tuple[str, list[float]]:
        return self._queries.word(i), self._queries.vector(i)[1]

    def execute(self, payload: tuple[str, list[float]]) -> int:
        word, vector = payload
        return len(self._collection.query.hybrid(query=word, vector=vector, limit=self._k,
                                                 target_vector=self._target_vector, return_properties=[]).objects)


class ObjectMaker:
    """Fresh objects for writes, like the data set's (same dims, words and buckets), seeded per op."""

    def __init__(self, dims: int, words: list[str], seed: int) -> None:
        self._dims, self._words, self._seed = dims, words, seed

    def make(self, i: int, count: int) -> list[DataObject[dict[str, Any], None]]:
        rng = np.random.default_rng([self._seed, 1_000_003, i])
        vectors = rng.normal(size=(count, self._dims)).astype(np.float32)
        picks = rng.integers(0, len(self._words), size=(count, 8))
        buckets = rng.integers(0, 100, size=count)
        return [DataObject(properties={"text": " ".join(self._words[w] for w in picks[j]), "bucket": int(buckets[j]),
                                       "category": category(int(buckets[j])), "row": -1},
                           vector=vectors[j].tolist(), uuid=uuid.uuid4())
                for j in range(count)]


class Import:
    """One batch of `batch_size` new objects per op (objects/s = QPS x batch size)."""

    def __init__(self, collection: Any, maker: ObjectMaker, batch_size: int) -> None:
        self._collection, self._maker, self._batch_size = collection, maker, batch_size

    def prepare(self, i: int) -> list[DataObject[dict[str, Any], None]]:
        return self._maker.make(i, self._batch_size)

    def execute(self, batch: list[DataObject[dict[str, Any], None]]) -> int:
        result = self._collection.data.insert_many(batch)
        if result.has_errors:
            raise RuntimeError(next(iter(result.errors.values())).message)
        return len(batch)


def mixed_kind(seed: int, write_ratio: float, i: int) -> str:
    """Op i's kind in the mixed workload, drawn from its index alone (so the kind of a failed op is known too)."""
    return "write" if np.random.default_rng([seed, 7, i]).random() < write_ratio else "read"


class Mixed:
    """Reads (near_vector) and single-object writes, a `write_ratio` share of writes, drawn per op."""

    def __init__(self, reads: NearVector, collection: Any, maker: ObjectMaker, write_ratio: float,
                 seed: int) -> None:
        self._reads, self._collection, self._maker = reads, collection, maker
        self._write_ratio, self._seed = write_ratio, seed

    def prepare(self, i: int) -> tuple[str, Any]:
        if mixed_kind(self._seed, self._write_ratio, i) == "write":
            return "write", self._maker.make(i, 1)[0]
        return "read", self._reads.prepare(i)

    def execute(self, payload: tuple[str, Any]) -> str:
        kind, inner = payload
        if kind == "write":
            self._collection.data.insert(properties=inner.properties, vector=inner.vector, uuid=inner.uuid)
        else:
            self._reads.execute(inner)
        return kind


def bucket_cutoff(selectivity: float) -> int:
    """`bucket < cutoff` selects about `selectivity` of a generated set (buckets are uniform over 0..99)."""
    return max(1, min(100, round(selectivity * 100)))


def bucket_below(cutoff: int) -> Any:
    return Filter.by_property("bucket").less_than(cutoff)


class TenantNearVector:
    """near_vector on one tenant per op, tenants drawn uniformly (seeded by the op index): queries spread over
    every tenant as a multi-tenant application's users would spread them."""

    def __init__(self, collection: Any, tenants: tuple[str, ...], queries: QuerySet, k: int, seed: int) -> None:
        self._handles = [collection.with_tenant(name) for name in tenants]
        self._queries, self._k, self._seed = queries, k, seed

    def prepare(self, i: int) -> tuple[int, list[float]]:
        tenant = int(np.random.default_rng([self._seed, 19, i]).integers(0, len(self._handles)))
        return tenant, self._queries.vector(i)[1]

    def execute(self, payload: tuple[int, list[float]]) -> int:
        tenant, vector = payload
        return len(self._handles[tenant].query.near_vector(vector, limit=self._k, return_properties=[]).objects)
