"""The one interface the shard and the query pipeline use on a vector space, whatever serves it (FlatIndex,
HnswIndex, DynamicIndex). The classes satisfy it structurally; `make_index` returns it, so mypy checks each of them
against it and callers never need to ask an index what it can do."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, Protocol

import numpy as np


class VectorIndexStats(NamedTuple):
    """What an index tells about itself for /v1/nodes and /metrics."""

    dimensions: int     # sum of the dimensions of its live vectors (a multi-vector: of every token row)
    size: int           # entries held, tombstones included
    tombstones: int     # dead entries still in the structure
    indexing: bool      # a background build (dynamic switch, compression, tombstone cleanup) is running


class VectorIndex(Protocol):
    """One vector space of a shard, addressed by shard slot. Writes, snapshots and maintenance are called under the
    shard's write lock; `search` under its read lock."""

    @property
    def metric(self) -> str:
        """Weaviate's distance name ("cosine", "dot", "l2-squared", "manhattan", "hamming")."""
        ...

    @property
    def dim(self) -> int | None:
        """The dimension, fixed by the first vector (None while the space is empty)."""
        ...

    @property
    def compression(self) -> str | None:
        """The codes the index stores now ("pq", "sq", "rq", "bq"), None = float32."""
        ...

    def configure(self, config: dict) -> None:
        """Apply (possibly updated) index settings from the class document's vectorIndexConfig."""
        ...

    # ---- writes
    def check(self, vector: np.ndarray, pending_dim: int | None = None) -> None:
        """Raise InvalidInput if `vector` cannot be added; `pending_dim` = the dimension an earlier vector of the
        same batch fixes while the space is still empty."""
        ...

    def add(self, first_slot: int, vectors: list[np.ndarray | None]) -> None:
        """Vectors of slots first_slot, first_slot+1, ... (None = that slot has none), already checked."""
        ...

    def add_rows(self, slots: np.ndarray, rows: np.ndarray) -> None:
        """Bulk load on open: `rows[i]` is the vector of slot `slots[i]` (ascending)."""
        ...

    def remove(self, slot: int) -> None:
        """The slot's object died (deleted or overwritten)."""
        ...

    def compact(self, keep: np.ndarray, remap: np.ndarray) -> None:
        """The shard dropped dead slots: `keep` masks the surviving old slots, `remap` maps old -> new slot."""
        ...

    # ---- snapshots (fast restart) and housekeeping
    def save_snapshot(self, path: Path, slot_docs: np.ndarray, seq: int) -> None:
        """Persist what is expensive to rebuild (a graph) at write sequence `seq`; `slot_docs` = slot -> doc."""
        ...

    def load_snapshot(self, path: Path, slot_docs: np.ndarray, changed_since: Callable[[int], np.ndarray]) -> bool:
        """Adopt a saved snapshot for the current slots; False when there is none usable (nothing changed)."""
        ...

    def slots_without_vector(self) -> np.ndarray:
        """Slots the index has no vector for: after `load_snapshot`, the ones to add from the store."""
        ...

    def due(self, now: float) -> bool:
        """Whether `maintain` has work now (read without locks; a stale answer only delays the work)."""
        ...

    def maintain(self, now: float) -> None:
        """Index housekeeping: swap in finished background builds, tombstone cleanup cycles."""
        ...

    def stats(self) -> VectorIndexStats:
        """Figures read at scrape time (no lock: a figure may be one write behind)."""
        ...

    # ---- reads
    def search(self, query: np.ndarray, k: int, allow: np.ndarray | None, max_distance: float | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Up to k (slots, distances), nearest first; `allow` = bool mask over slots (None = all)."""
        ...
