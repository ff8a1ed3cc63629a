"""The full-precision vectors of one vector space, as the shard stores them: what a compressed index rescores with.

A compressed graph holds only codes, so its candidates are rescored with the float32 vectors read back from the
shard's object store (SQLite, the source of truth). The shard hands each index one `StoredVectors`: two callables,
so the vector layer never imports the storage layer."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np


class StoredVectors:
    def __init__(self, name: str, slot_docs: Callable[[], np.ndarray],
                 read: Callable[[str, list[int]], dict[int, bytes]]) -> None:
        self.name = name
        self._slot_docs = slot_docs      # current slot -> store doc array (valid under the shard's locks)
        self._read = read                # (vector name, docs) -> {doc: float32 blob}; safe from any thread

    def docs(self, slots: np.ndarray) -> np.ndarray:
        """Stable store keys of slots (a copy). Call where slots are meaningful: under the shard's read or write
        lock; the docs stay valid afterwards, so a background thread can load them later."""
        return self._slot_docs()[np.asarray(slots, dtype=np.int64)]

    def load(self, docs: np.ndarray, dim: int) -> tuple[np.ndarray, np.ndarray]:
        """(found mask over `docs`, float32 rows of the found ones). A doc is missing when its object was deleted
        after the caller resolved it."""
        blobs = self._read(self.name, docs.tolist())
        found = np.fromiter((d in blobs for d in docs.tolist()), dtype=bool, count=len(docs))
        data = b"".join(blobs[d] for d in docs[found].tolist())
        return found, np.frombuffer(data, dtype=np.float32).reshape(-1, dim)
