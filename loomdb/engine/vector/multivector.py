"""A multi-vector (ColBERT-style) space: every object holds a matrix of token vectors and is ranked by MaxSim
(`maxsim.py`). A `VectorIndex` like the others; `dim` is the token width and `search` takes a query matrix.

The token matrices live back to back in one float32 matrix in slot order (a slot's rows are contiguous), so exact
MaxSim is one gather and one product per chunk. Candidates come, as in Weaviate's HNSW, from
- a token graph (the default): an `HnswIndex` whose "slots" are token rows; each query token proposes the
  documents owning its nearest tokens, and the union is ranked by exact MaxSim;
- MUVERA (`multivector.muvera.enabled`): an `HnswIndex` over one fixed dimensional encoding per document
  (`muvera.py`, inner product), its nearest documents ranked by exact MaxSim.
Filtered searches with at most `flatSearchCutoff` allowed documents, and tiny spaces, are exact (Weaviate's flat
multi search). Nothing is snapshotted: the space is rebuilt from the store on open (one token row per stored row,
see ObjectStore.load_vectors). Compression settings are kept in the config but not applied (float32 tokens).
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from ...entities.errors import InvalidInput
from ..arrays import GrowableArray
from .checks import check_query
from .distances import normalise
from .hnsw import HNSW_METRICS, HnswIndex, _nearest
from .index import VectorIndexStats
from .maxsim import maxsim_distances
from .muvera import MuveraEncoder

_QUANTIZERS = ("pq", "bq", "sq", "rq")


def _graph_config(config: dict) -> dict:
    """The hnsw settings for a candidate graph: everything but compression (the tokens stay float32)."""
    return {key: value for key, value in config.items() if key not in _QUANTIZERS}


class MultiVectorIndex:
    compression: str | None = None

    def __init__(self, metric: str, config: dict | None = None) -> None:
        config = config or {}
        self.metric = metric
        self.dim: int | None = None
        self._tokens: GrowableArray | None = None     # token rows, slot after slot (normalised for cosine)
        self._owner = GrowableArray(np.int64)         # token row -> slot
        self._start = GrowableArray(np.int64)         # slot -> its first token row
        self._count = GrowableArray(np.int64)         # slot -> its token rows (0 = no multi-vector)
        self._present = GrowableArray(bool)           # slot has a live multi-vector
        muvera = ((config.get("multivector") or {}).get("muvera") or {})
        self._muvera_settings = ((int(muvera["ksim"]), int(muvera["dprojections"]), int(muvera["repetitions"]))
                                 if muvera.get("enabled") is True else None)
        self._encoder: MuveraEncoder | None = None
        self._graph: HnswIndex | None = None
        if self._muvera_settings is not None:
            self._graph = HnswIndex("dot", _graph_config(config))
        elif metric in HNSW_METRICS:
            self._graph = HnswIndex(metric, _graph_config(config))
        self.configure(config)

    def configure(self, config: dict) -> None:
        """hnsw settings reach the candidate graph; the candidate source (tokens or MUVERA) stays as created."""
        self.flat_search_cutoff = int(config.get("flatSearchCutoff") or 40_000)
        if self._graph is not None:
            self._graph.configure(_graph_config(config))

    # ---- writes -------------------------------------------------------------------------------------------
    def check(self, vector: np.ndarray, pending_dim: int | None = None) -> None:
        """Weaviate's ValidateMultiBeforeInsert texts: one width for all tokens, the space's width once fixed."""
        if vector.ndim != 2 or vector.size == 0:
            raise InvalidInput("multi vector array consists of vectors with varying dimensions")
        dim = self.dim if self.dim is not None else pending_dim
        if dim is not None and vector.shape[1] != dim:
            raise InvalidInput(f"new node has a multi vector with length {vector.shape[1]} at position 0. "
                               f"Existing nodes have vectors with length {dim}")
        if not np.all(np.isfinite(vector)):
            raise InvalidInput("vector contains NaN or infinite values")

    def add(self, first_slot: int, vectors: list[np.ndarray | None]) -> None:
        """Token matrices of slots first_slot, first_slot+1, ... (None = none), already checked."""
        counts = np.array([len(v) if v is not None and v.size else 0 for v in vectors], np.int64)
        block = np.concatenate([v for v in vectors if v is not None and v.size]) if counts.any() else None
        self._append(first_slot, counts, block)

    def add_rows(self, slots: np.ndarray, rows: np.ndarray) -> None:
        """Bulk load on open: `rows[i]` is one token row of slot `slots[i]` (ascending, a slot's rows together)."""
        if not len(slots):
            return
        first = len(self._count)
        counts = np.bincount(slots - first, minlength=int(slots[-1]) + 1 - first).astype(np.int64)
        self._append(first, counts, rows)

    def _append(self, first_slot: int, counts: np.ndarray, block: np.ndarray | None) -> None:
        """Append slots first_slot, first_slot+1, ...: `counts[i]` token rows each, back to back in `block`."""
        gap = first_slot - len(self._count)
        if gap > 0:
            counts = np.concatenate((np.zeros(gap, np.int64), counts))
            first_slot -= gap
        slots = np.arange(first_slot, first_slot + len(counts), dtype=np.int64)
        if block is None:
            self._extend_slots(counts, np.zeros(len(counts), np.int64))
            return
        block = np.asarray(block, np.float32)
        if self.metric == "cosine":
            block = normalise(block)
        if self._tokens is None:
            self.dim = block.shape[1]
            self._tokens = GrowableArray(np.float32, width=self.dim)
            if self._muvera_settings is not None:
                self._encoder = MuveraEncoder(self.dim, *self._muvera_settings)
        first_row = len(self._tokens)
        self._extend_slots(counts, first_row + np.concatenate(([0], np.cumsum(counts)[:-1])))
        self._tokens.extend(block)
        self._owner.extend(np.repeat(slots, counts))
        if self._graph is None:
            return
        if self._encoder is not None:
            has = counts > 0
            encoded = self._encoder.encode_documents(block, counts[has])
            per_slot: list[np.ndarray | None] = [None] * len(counts)
            for i, row in zip(np.flatnonzero(has).tolist(), encoded):
                per_slot[i] = row
            self._graph.add(first_slot, per_slot)
        else:
            self._graph.add(first_row, list(block))

    def _extend_slots(self, counts: np.ndarray, starts: np.ndarray) -> None:
        self._count.extend(counts)
        self._start.extend(starts)
        self._present.extend(counts > 0)

    def remove(self, slot: int) -> None:
        if slot >= len(self._present) or not self._present[slot]:
            return
        self._present[slot] = False
        if self._graph is None:
            return
        if self._encoder is not None:
            self._graph.remove(slot)
        else:
            start = int(self._start[slot])
            for row in range(start, start + int(self._count[slot])):
                self._graph.remove(row)

    def compact(self, keep: np.ndarray, remap: np.ndarray) -> None:
        """Drop dead slots and their token rows (the token graph follows its rows, the MUVERA graph the slots)."""
        if self._tokens is not None:
            owner = self._owner.view()
            token_keep = keep[owner]
            token_remap = np.full(len(owner), -1, np.int64)
            token_remap[token_keep] = np.arange(int(token_keep.sum()))
            self._tokens.keep(token_keep)
            self._owner.keep(token_keep)
            kept_owner = self._owner.view()
            kept_owner[:] = remap[kept_owner]
            starts, has = self._start.view(), self._count.view() > 0
            starts[has] = token_remap[starts[has]]
            if self._graph is not None and self._encoder is None:
                self._graph.compact(token_keep, token_remap)
        for arr in (self._start, self._count, self._present):
            arr.keep(keep)
        if self._graph is not None and self._encoder is not None:
            self._graph.compact(keep, remap)

    # ---- snapshots and housekeeping -------------------------------------------------------------------------
    def save_snapshot(self, path: Path, slot_docs: np.ndarray, seq: int) -> None:
        return None      # rebuilt from the store on open

    def load_snapshot(self, path: Path, slot_docs: np.ndarray, changed_since: Callable[[int], np.ndarray]) -> bool:
        return False

    def slots_without_vector(self) -> np.ndarray:
        return np.flatnonzero(~self._present.view())

    def due(self, now: float) -> bool:
        return self._graph is not None and self._graph.due(now)

    def maintain(self, now: float) -> None:
        if self._graph is not None:
            self._graph.maintain(now)

    def stats(self) -> VectorIndexStats:
        """Dimensions of every live token row; size and tombstones of the graph (token rows or MUVERA
        encodings), or of the token rows when there is no graph."""
        present = self._present.view()
        tokens = int(self._count.view()[present].sum()) if len(present) else 0
        graph = self._graph.stats() if self._graph is not None else None
        return VectorIndexStats(tokens * (self.dim or 0), graph.size if graph else len(self._owner),
                                graph.tombstones if graph else 0, graph.indexing if graph else False)

    # ---- reads --------------------------------------------------------------------------------------------
    def search(self, query: np.ndarray, k: int, allow: np.ndarray | None, max_distance: float | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Up to k (slots, MaxSim distances), nearest first; `query` = a matrix of query tokens."""
        empty = (np.empty(0, np.int64), np.empty(0, np.float32))
        if self._tokens is None or self.dim is None or k <= 0:
            return empty
        q = np.asarray(query, np.float32)
        check_query(q, self.dim, multi=True)
        if self.metric == "cosine":
            q = normalise(q)
        mask = self._present.view()
        if allow is not None:
            mask = mask & allow[: len(mask)]
        allowed = int(np.count_nonzero(mask))
        if allowed == 0:
            return empty
        filtered = allow is not None and allowed < int(np.count_nonzero(self._present.view()))
        # exact when the allowed documents are few (Weaviate's flat multi search for filters), and when all the
        # token rows are no more than flatSearchCutoff: then one product beats a graph search per query token
        small = (allowed if filtered else len(self._owner)) <= self.flat_search_cutoff
        slots = None
        if self._graph is not None and allowed > k and not small:
            slots = self._candidates(q, k, mask if filtered else None)
            if len(slots) < min(k, allowed):       # the graph reached too few documents: be exact
                slots = None
        if slots is None:
            slots = np.flatnonzero(mask)
        dists = maxsim_distances(self._tokens.view(), self._start.view()[slots], self._count.view()[slots], q)
        if max_distance is not None:
            keep = dists <= max_distance
            slots, dists = slots[keep], dists[keep]
        return _nearest(slots, dists, k)

    def _candidates(self, q: np.ndarray, k: int, mask: np.ndarray | None) -> np.ndarray:
        """Documents proposed by the graph (sorted slots): MUVERA's nearest encodings, or the owners of each
        query token's nearest tokens."""
        graph = self._graph
        assert graph is not None
        pool = graph.ef_for(k)
        if self._encoder is not None:
            slots, _ = graph.search(self._encoder.encode_query(q), pool, mask)
            return np.unique(slots)
        token_allow = None if mask is None else mask[self._owner.view()]
        owner = self._owner.view()
        found = [owner[graph.search(token, pool, token_allow)[0]] for token in q]
        return np.unique(np.concatenate(found))
