"""Weaviate's `dynamic` index: exact (flat) until the space holds more than `threshold` vectors, then HNSW.

The HNSW graph is built in a background thread from a copy of the vectors while the flat index keeps serving
(queries never wait for the build). Writes that arrive during the build are logged and replayed onto the graph
at the swap, which happens under the shard's write lock as soon as the build ends (`wake`) or at the next write.
Once it is a graph, the space is snapshotted and reloaded like any HNSW index.

Compression settings live in the `hnsw` block (as Weaviate's client sends them) and apply once the space is a
graph; the flat stage stays exact (Weaviate's flat BQ/RQ cache is not implemented)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from .flat import FlatIndex
from .hnsw import HnswIndex, log
from .index import VectorIndexStats
from .rebuild import BackgroundBuild
from .stored import StoredVectors


class DynamicIndex:
    """A `VectorIndex` that serves its space with a FlatIndex, then with an HnswIndex past the threshold."""

    def __init__(self, metric: str, config: dict | None = None, source: StoredVectors | None = None,
                 wake: Callable[[], None] | None = None) -> None:
        config = config or {}
        self.metric = metric
        self._source = source          # handed to the graph: what a compressed graph rescores with
        self._wake = wake              # asks the shard to run `maintain` when the background build ends
        self.threshold = int(config.get("threshold") or 10_000)
        self._hnsw_config = dict(config.get("hnsw") or {})
        self._active: FlatIndex | HnswIndex = FlatIndex(metric)
        self._build: BackgroundBuild | None = None
        self._count = 0

    @property
    def dim(self) -> int | None:
        return self._active.dim

    @property
    def compression(self) -> str | None:
        return self._active.compression

    @property
    def last_path(self) -> str:
        """How the latest search ran, once HNSW ("" while flat): query profiles' hnsw_flat_search."""
        return getattr(self._active, "last_path", "")

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self._active, HnswIndex) else "flat"

    def configure(self, config: dict) -> None:
        self._hnsw_config = dict(config.get("hnsw") or self._hnsw_config)
        if isinstance(self._active, HnswIndex):
            self._active.configure(self._hnsw_config)

    def check(self, vector: np.ndarray, pending_dim: int | None = None) -> None:
        self._active.check(vector, pending_dim)

    # ---- writes (called under the shard's write lock) -------------------------------------------------------
    def add(self, first_slot: int, vectors: list[np.ndarray | None]) -> None:
        self._swap_if_built()
        self._active.add(first_slot, vectors)
        self._count += sum(1 for v in vectors if v is not None and len(v))
        if self._build is not None:
            self._build.record("add", first_slot, vectors)
        elif isinstance(self._active, FlatIndex) and self._count > self.threshold:
            self._start_build(self._active)

    def remove(self, slot: int) -> None:
        self._active.remove(slot)
        if self._build is not None:
            self._build.record("remove", slot)

    def compact(self, keep: np.ndarray, remap: np.ndarray) -> None:
        self._active.compact(keep, remap)
        if self._build is not None:
            self._build.record("compact", keep, remap)

    def add_rows(self, slots: np.ndarray, rows: np.ndarray) -> None:
        """Bulk load on open (see HnswIndex.add_rows): a space past its threshold starts building its graph."""
        self._active.add_rows(slots, rows)
        self._count += len(slots)
        if isinstance(self._active, FlatIndex) and self._build is None and self._count > self.threshold:
            self._start_build(self._active)

    def _graph(self) -> HnswIndex:
        return HnswIndex(self.metric, self._hnsw_config, self._source, self._wake)

    # ---- snapshots and maintenance (the graph's, once there is one) -------------------------------------------
    def save_snapshot(self, path: Path, slot_docs: np.ndarray, seq: int) -> None:
        self._swap_if_built()
        self._active.save_snapshot(path, slot_docs, seq)

    def load_snapshot(self, path: Path, slot_docs: np.ndarray, changed_since: Callable[[int], np.ndarray]) -> bool:
        """A saved graph means the space had switched already: adopt it and stay HNSW."""
        graph = self._graph()
        if not graph.load_snapshot(path, slot_docs, changed_since):
            return False
        self._active = graph
        return True

    def slots_without_vector(self) -> np.ndarray:
        return self._active.slots_without_vector()

    def due(self, now: float) -> bool:
        build = self._build
        return (build is not None and (build.ready or build.failed)) or self._active.due(now)

    def maintain(self, now: float) -> None:
        self._swap_if_built()
        self._active.maintain(now)

    def _start_build(self, flat: FlatIndex) -> None:
        """Build the graph from a copy of the (active) flat index's vectors in a background thread."""
        slots = np.flatnonzero(flat.present_mask())
        vectors = flat.rows()[slots].copy()          # normalised already for cosine: HNSW re-normalises (no-op)
        n_slots = len(flat.present_mask())

        def build() -> HnswIndex:
            graph = self._graph()
            graph.add_rows(slots, vectors)
            graph.add(n_slots, [])          # slots past the last vector exist too
            return graph

        self._build = BackgroundBuild(build, "loomdb-dynamic-index", self._wake)

    def _swap_if_built(self) -> None:
        if self._build is not None and self._build.ready:
            self._active, self._build = self._build.finish(), None
        elif self._build is not None and self._build.failed:      # stay flat; the next add tries again
            log.warning("building the HNSW graph of a dynamic index failed: %s", self._build.error)
            self._build = None

    def wait_until_built(self, timeout: float | None = None) -> None:
        """For tests and benchmarks: block until a pending switch to HNSW has been built (and, in a shard, swapped
        in through `wake`; a bare index swaps at its next write)."""
        if self._build is not None:
            self._build.wait(timeout)

    def stats(self) -> VectorIndexStats:
        """The serving index's figures; indexing while the graph that will replace the flat index is built."""
        active = self._active.stats()
        return active._replace(indexing=active.indexing or self._build is not None)

    # ---- reads --------------------------------------------------------------------------------------------
    def search(self, query: np.ndarray, k: int, allow: np.ndarray | None, max_distance: float | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        return self._active.search(query, k, allow, max_distance)
