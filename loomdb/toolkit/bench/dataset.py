"""The generated data set a bench run owns: seeded vectors, short texts and a `bucket` integer (0-99) so a filter
on `bucket < N` selects N % of the objects. It lives in a collection whose name carries a random suffix and a
fixed prefix, created by the run and dropped at its end, so a run never touches user data."""
from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.data import DataObject

COLLECTION_PREFIX = "LoomdbBench"
BUCKETS = 100
_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "bu", "da", "fe", "go", "hi", "ju", "pa")
_WORDS_PER_TEXT = 8
_NAMESPACE = uuid.UUID("6f1c9a52-2d0e-4d7b-9a8e-4c1b0b5e7a10")


def category(bucket: int) -> str:
    """A low-cardinality text property (10 values) derived from the bucket: what a text `group_by` groups on."""
    return f"cat{bucket % 10}"


def object_uuid(row: int) -> uuid.UUID:
    """Row n of every generated set has the same id, so results map back to rows without a property fetch."""
    return uuid.uuid5(_NAMESPACE, str(row))


def vocabulary(size: int = 512) -> list[str]:
    """Pronounceable, deterministic words (three syllables), so bm25 has real tokens to match."""
    n = len(_SYLLABLES)
    return ["".join(_SYLLABLES[(i // n**p) % n] for p in range(3)) for i in range(size)]


@dataclass
class Dataset:
    vectors: np.ndarray          # float32, one row per object, row n has id object_uuid(n)
    buckets: np.ndarray          # int, 0..BUCKETS-1
    texts: list[str]
    words: list[str]             # the vocabulary texts draw from (bm25 query terms)
    queries: np.ndarray          # float32 query vectors, from their own random stream (not stored rows)

    @classmethod
    def generate(cls, objects: int, dims: int, seed: int, queries: int = 100) -> Dataset:
        """The same arguments give the same data and queries (a run can be reproduced and checked)."""
        rng = np.random.default_rng(seed)
        vectors = rng.normal(size=(objects, dims)).astype(np.float32)
        query_vectors = np.random.default_rng([seed, 1]).normal(size=(queries, dims)).astype(np.float32)
        words = vocabulary()
        # a Zipf-like choice: frequent and rare words, as in real text
        weights = 1.0 / np.arange(1, len(words) + 1)
        picks = rng.choice(len(words), size=(objects, _WORDS_PER_TEXT), p=weights / weights.sum())
        texts = [" ".join(words[w] for w in row) for row in picks]
        return cls(vectors, rng.integers(0, BUCKETS, size=objects), texts, words, query_vectors)

    def object(self, row: int) -> DataObject[dict[str, Any], None]:
        bucket = int(self.buckets[row])
        return DataObject(properties={"text": self.texts[row], "bucket": bucket, "category": category(bucket),
                                      "row": row}, vector=self.vectors[row].tolist(), uuid=object_uuid(row))


def new_collection_name() -> str:
    return f"{COLLECTION_PREFIX}_{secrets.token_hex(4)}"


def create_collection(client, name: str, ef: int | None = None,   # noqa: ANN001 (weaviate client types)
                      multi_tenant: bool = False):
    """Cosine HNSW with the server's defaults (ef -1 = dynamic) unless `ef` is given, bm25-able `text`."""
    index = Configure.VectorIndex.hnsw(ef=ef) if ef is not None else Configure.VectorIndex.hnsw()
    return client.collections.create(
        name, vector_config=Configure.Vectors.self_provided(vector_index_config=index),
        multi_tenancy_config=Configure.multi_tenancy(enabled=True) if multi_tenant else None,
        properties=[Property(name="text", data_type=DataType.TEXT), Property(name="bucket", data_type=DataType.INT),
                    Property(name="category", data_type=DataType.TEXT), Property(name="row", data_type=DataType.INT)])


def load(collection, data: Dataset, rows: range, batch_size: int,   # noqa: ANN001
         progress: Callable[[int], None] | None = None) -> None:
    """Insert `rows` in batches; a failed object is an error (a bench over partial data would mislead)."""
    for start in range(rows.start, rows.stop, batch_size):
        chunk = range(start, min(start + batch_size, rows.stop))
        result = collection.data.insert_many([data.object(r) for r in chunk])
        if result.has_errors:
            first = next(iter(result.errors.values()))
            raise RuntimeError(f"loading the bench data set failed: {first.message}")
        if progress:
            progress(chunk.stop - rows.start)
