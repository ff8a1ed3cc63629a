"""Exact (brute-force) vector search over a numpy matrix, restricted to an allow-list of slots."""
from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..arrays import GrowableArray
from .checks import check_query, check_vector
from .distances import distances, normalise
from .index import VectorIndexStats

_GATHER_BELOW = 0.5   # below this share of allowed rows, gather them instead of scoring every row
# rows gathered per step into a buffer each search thread keeps: no allocation per query. In `loomdb serve`
# (settle_allocator: blocks >= 1 MiB mapped, the heap trimmed past 128 KiB) any large temporary, one gather or
# freed chunks alike, is fresh pages every query: Jeopardy 1536-d, 1,070 allowed rows, ~4 ms CPU of page faults
_GATHER_CHUNK_BYTES = 1 << 18
_gather_buffers = threading.local()


def _gather_buffer(rows_per_step: int, dim: int, dtype: np.dtype) -> np.ndarray:
    buf = getattr(_gather_buffers, "buf", None)
    if buf is None or buf.shape[1] != dim or buf.dtype != dtype or len(buf) < rows_per_step:
        buf = _gather_buffers.buf = np.empty((rows_per_step, dim), dtype)
    return buf


def gathered_distances(metric: str, rows: np.ndarray, picks: np.ndarray, query: np.ndarray,
                       row_sqnorms: np.ndarray | None = None) -> np.ndarray:
    """`distances(metric, rows[picks], query)` without materialising `rows[picks]`: the picked rows are copied
    step by step into this thread's reusable buffer."""
    dim = rows.shape[1]
    step = max(1, _GATHER_CHUNK_BYTES // max(dim * rows.itemsize, 1))
    buf = _gather_buffer(step, dim, rows.dtype)
    out = np.empty(len(picks), np.float32)
    for start in range(0, len(picks), step):
        part = picks[start:start + step]
        block = np.take(rows, part, axis=0, out=buf[:len(part)])
        out[start:start + len(part)] = distances(metric, block, query,
                                                 None if row_sqnorms is None else row_sqnorms[part])
    return out


class FlatIndex:
    """One vector space of a shard (a `VectorIndex`). Rows are indexed by shard slot; a slot without a vector is
    simply absent.

    The dimension is fixed by the first vector and enforced afterwards (Weaviate's rule and error text)."""

    compression: str | None = None   # always float32 (Weaviate's flat BQ/RQ cache is not implemented)

    def __init__(self, metric: str) -> None:
        self.metric = metric
        self.dim: int | None = None
        self._rows: GrowableArray | None = None
        self._present = GrowableArray(bool)
        self._sqnorms = GrowableArray(np.float32)

    def check(self, vector: np.ndarray, pending_dim: int | None = None) -> None:
        """Raise InvalidInput if `vector` cannot be added (wrong length, not finite)."""
        check_vector(vector, self.dim if self.dim is not None else pending_dim)

    def add(self, first_slot: int, vectors: list[np.ndarray | None]) -> None:
        """Record vectors for slots first_slot, first_slot+1, ... (None = that slot has none), in one
        matrix append. Slots arrive in increasing order; skipped slots get no vector. Vectors must have
        passed `check` already."""
        present = np.array([v is not None and len(v) > 0 for v in vectors], dtype=bool)
        rows = np.stack([v for v, p in zip(vectors, present) if p]) if present.any() else None
        self._append(first_slot, present, rows)

    def add_rows(self, slots: np.ndarray, rows: np.ndarray) -> None:
        """Bulk load on open: `rows[i]` is the vector of slot `slots[i]` (ascending, past every slot so far)."""
        if not len(slots):
            return
        start = len(self._present)
        present = np.zeros(int(slots[-1]) + 1 - start, bool)
        present[slots - start] = True
        self._append(start, present, rows)

    def _append(self, first_slot: int, present: np.ndarray, rows: np.ndarray | None) -> None:
        """Append slots first_slot, first_slot+1, ... as one block: `rows` holds one vector per True in
        `present` (None when there is none)."""
        self._pad_to(first_slot)
        if self.dim is None and rows is not None:
            self.dim = rows.shape[1]
            self._rows = GrowableArray(np.float32, width=self.dim)
            self._rows.extend(np.zeros((len(self._present), self.dim), np.float32))
        if self._rows is not None:
            block = np.zeros((len(present), self.dim), np.float32)
            if rows is not None:
                block[present] = rows
            if self.metric == "cosine":
                block = normalise(block)
            self._rows.extend(block)
            self._sqnorms.extend(np.einsum("ij,ij->i", block, block))
        else:
            self._sqnorms.extend(np.zeros(len(present), np.float32))
        self._present.extend(present)

    # an exact index has nothing to snapshot or maintain: it is rebuilt from the store on open
    def save_snapshot(self, path: Path, slot_docs: np.ndarray, seq: int) -> None:
        return None

    def load_snapshot(self, path: Path, slot_docs: np.ndarray, changed_since: Callable[[int], np.ndarray]) -> bool:
        return False

    def slots_without_vector(self) -> np.ndarray:
        return np.flatnonzero(~self._present.view())

    def due(self, now: float) -> bool:
        return False

    def maintain(self, now: float) -> None:
        return None

    def _pad_to(self, slot: int) -> None:
        gap = slot - len(self._present)
        if gap > 0:
            self._present.extend(np.zeros(gap, bool))
            self._sqnorms.extend(np.zeros(gap, np.float32))
            if self._rows is not None:
                self._rows.extend(np.zeros((gap, self.dim), np.float32))

    def configure(self, config: dict) -> None:
        """Exact search has no tunable settings."""

    def present_mask(self) -> np.ndarray:
        return self._present.view()

    def rows(self) -> np.ndarray:
        return self._rows.view() if self._rows is not None else np.empty((0, 0), np.float32)

    def compact(self, keep: np.ndarray, remap: np.ndarray) -> None:
        """Drop dead slots (`keep` masks the live ones), so search never scans rows of deleted objects; rows are
        positional, so the new numbering (`remap`) follows by itself."""
        self._present.keep(keep)
        self._sqnorms.keep(keep)
        if self._rows is not None:
            self._rows.keep(keep)

    def stats(self) -> VectorIndexStats:
        """Rows are positional: every slot up to the last holds one (a dead or vector-less slot a zero row)."""
        live = int(np.count_nonzero(self._present.view()))
        return VectorIndexStats(live * (self.dim or 0), len(self._present) if self.dim else 0, 0, False)

    def remove(self, slot: int) -> None:
        if slot < len(self._present):
            self._present[slot] = False

    def _exact_l2(self, rows: np.ndarray, q: np.ndarray, slots: np.ndarray, approx: np.ndarray, k: int,
                  max_distance: float | None) -> tuple[np.ndarray, np.ndarray]:
        """|r|^2 - 2 r.q + |q|^2 in float32 loses ~1e-7 * (|r|^2 + |q|^2) to cancellation (an object's distance
        to itself is not 0, near neighbours of large-norm vectors swap). Keep every candidate that could still be
        within the threshold / among the k nearest given that error bound, and recompute those as sum (r-q)^2."""
        slack = 1e-5 * (self._sqnorms.view()[slots] + float(q @ q)) + 1e-6
        lower = approx - slack
        keep = np.ones(len(slots), bool) if max_distance is None else lower <= max_distance
        if keep.sum() > k:
            upper = approx + slack
            kth = np.partition(upper[keep], k - 1)[k - 1]
            keep &= lower <= kth
        slots = slots[keep]
        diff = rows[slots] - q
        return slots, np.einsum("ij,ij->i", diff, diff)

    def search(self, query: np.ndarray, k: int, allow: np.ndarray | None, max_distance: float | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Up to k (slots, distances), nearest first. `allow` is a bool mask over slots (None = all)."""
        if self.dim is None or k <= 0:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        check_query(query, self.dim)
        q = query.astype(np.float32)
        if self.metric == "cosine":
            q = normalise(q)
        n = len(self._present)
        mask = self._present.view()
        if allow is not None:
            mask = mask & allow[:n]
        allowed = int(np.count_nonzero(mask))
        if allowed == 0:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        rows, sqnorms = self._rows.view(), self._sqnorms.view()
        if allowed < _GATHER_BELOW * n:       # few allowed rows: score only those
            slots = np.flatnonzero(mask)
            dist = gathered_distances(self.metric, rows, slots, q, sqnorms)
        else:                                  # most rows allowed: one pass over the whole matrix
            dist = distances(self.metric, rows, q, sqnorms)
            if allowed == n:
                slots = np.arange(n)
            else:
                slots = np.flatnonzero(mask)
                dist = dist[slots]
        if self.metric == "l2-squared":
            slots, dist = self._exact_l2(rows, q, slots, dist, k, max_distance)
        if max_distance is not None:
            keep = dist <= max_distance
            slots, dist = slots[keep], dist[keep]
        if len(slots) > k:
            part = np.argpartition(dist, k - 1)[:k]
            slots, dist = slots[part], dist[part]
        order = np.lexsort((slots, dist))
        return slots[order], dist[order].astype(np.float32)
