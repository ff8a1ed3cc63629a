"""Exact (brute-force) vector search over a numpy matrix, restricted to an allow-list of slots."""
from __future__ import annotations

import numpy as np

from ...entities.errors import InvalidInput
from ..arrays import GrowableArray
from .distances import distances, normalise

_GATHER_BELOW = 0.5   # below this share of allowed rows, gather them instead of scoring every row


class FlatIndex:
    """One vector space of a shard. Rows are indexed by shard slot; a slot without a vector is simply absent.

    The dimension is fixed by the first vector and enforced afterwards (Weaviate's rule and error text)."""

    def __init__(self, metric: str) -> None:
        self.metric = metric
        self.dim: int | None = None
        self._rows: GrowableArray | None = None
        self._present = GrowableArray(bool)
        self._sqnorms = GrowableArray(np.float32)

    def check(self, vector: np.ndarray, pending_dim: int | None = None) -> None:
        """Raise InvalidInput if `vector` cannot be added (wrong length, not finite)."""
        dim = self.dim if self.dim is not None else pending_dim
        if dim is not None and len(vector) != dim:
            raise InvalidInput(
                f"new node has a vector with length {len(vector)}. Existing nodes have vectors with length {dim}")
        if not np.all(np.isfinite(vector)):
            raise InvalidInput("vector contains NaN or infinite values")

    def set(self, slot: int, vector: np.ndarray | None) -> None:
        """Record slot's vector (slots arrive in increasing order; a gap means 'no vector')."""
        self._grow_to(slot)
        if vector is None or len(vector) == 0:
            self._present.append(False)
            if self._rows is not None:
                self._rows.append(0.0)
            self._sqnorms.append(0.0)
            return
        if self.dim is None:
            self.dim = len(vector)
            self._rows = GrowableArray(np.float32, width=self.dim)
            self._rows.extend(np.zeros((len(self._present), self.dim), np.float32))
        self.check(vector)
        row = normalise(vector.astype(np.float32)) if self.metric == "cosine" else vector.astype(np.float32)
        self._rows.append(row)
        self._present.append(True)
        self._sqnorms.append(float(row @ row))

    def _grow_to(self, slot: int) -> None:
        while len(self._present) < slot:
            self.set(len(self._present), None)

    def remove(self, slot: int) -> None:
        if slot < len(self._present):
            self._present[slot] = False

    def search(self, query: np.ndarray, k: int, allow: np.ndarray | None, max_distance: float | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Up to k (slots, distances), nearest first. `allow` is a bool mask over slots (None = all)."""
        if self.dim is None or k <= 0:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        if len(query) != self.dim:
            raise InvalidInput(
                f"vector lengths don't match: {len(query)} vs {self.dim}")
        q = query.astype(np.float32)
        if self.metric == "cosine":
            q = normalise(q)
        n = len(self._present)
        mask = self._present.view()
        if allow is not None:
            mask = mask & allow[:n]
        candidates = np.flatnonzero(mask)
        if len(candidates) == 0:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        rows = self._rows.view()
        if len(candidates) < _GATHER_BELOW * n:
            dist = distances(self.metric, rows[candidates], q, self._sqnorms.view()[candidates])
            slots = candidates
        else:
            dist = distances(self.metric, rows, q, self._sqnorms.view())
            dist = dist[candidates]
            slots = candidates
        if max_distance is not None:
            keep = dist <= max_distance
            slots, dist = slots[keep], dist[keep]
        if len(slots) > k:
            part = np.argpartition(dist, k - 1)[:k]
            slots, dist = slots[part], dist[part]
        order = np.lexsort((slots, dist))
        return slots[order], dist[order].astype(np.float32)
