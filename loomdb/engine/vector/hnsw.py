"""Approximate vector search: HNSW (faiss' IndexHNSWFlat) over one vector space, with Weaviate's knobs.

faiss was chosen by measurement (reference/dependency-facts.md §1): wheels for Linux, macOS and Windows, a C++
bitmap selector for allow-lists, about 75% of hnswlib's single-query speed (hnswlib needs a compiler).

faiss gives vectors sequential *labels* and cannot delete them, so the index keeps label -> slot and
slot -> label maps: a delete or overwrite only clears the map (a tombstone, excluded through the selector), and
shard compaction renumbers slots without touching the graph. Filtered search follows Weaviate's rule: an
allow-list no larger than `flatSearchCutoff` (and than the nodes a graph search would visit) is searched exactly
over the stored vectors, a larger one through the graph with the allow-list as a selector (exact fallback if the
graph returns too few hits). faiss' selector walk is Weaviate's "sweeping": it still travels through disallowed
nodes and only keeps allowed ones, so its beam holds fewer allowed nodes than its ef; the filtered ef is therefore
widened as the share falls (and never below the ef that reaches recall 0.95 for the graph's maxConnections), and
that wider beam's cost is what the exact path is weighed against. `filterStrategy` "acorn" is accepted and searched
the same way (faiss has no two-hop walk over this graph).

Compression (Weaviate's PQ/SQ/BQ/RQ, `quantizers.py`): once due, the graph is rebuilt over codes in the background
(the same rebuild as the tombstone cleanup) and swapped in at a later write, dropping the float32 graph; searches
then over-fetch by code distance and rescore with the full vectors from the shard's store (`stored.py`).
"""
from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..arrays import GrowableArray
from .checks import check_query, check_vector
from .distances import distances, normalise
from .flat import gathered_distances
from .index import VectorIndexStats
from .omp import threads_for_add
from .quantizers import Quantizer, code_distances, configured, rescore_candidates, sample_rows
from .rebuild import BackgroundBuild
from .stored import StoredVectors

try:
    import faiss
except ImportError:  # pragma: no cover - faiss-cpu is a declared dependency
    faiss = None

_FAISS_METRIC = {"cosine": "METRIC_INNER_PRODUCT", "dot": "METRIC_INNER_PRODUCT", "l2-squared": "METRIC_L2",
                 "manhattan": "METRIC_L1"}
HNSW_METRICS = frozenset(_FAISS_METRIC)
_MAX_EF = 4096
# A filtered walk's beam starts at the ef where the graph reaches recall@10 0.95 for its maxConnections (~
# _RECALL_EF_X_M2 / M^2, at least _RECALL_EF_MIN, or the configured ef if wider) and widens by share**-_WIDEN.
# Measured 100k x 128, efConstruction 128 (faiss' selector walk, recall at ef 32 / 64 / 128 / 256 / 512):
# M=16 unfiltered 0.75 / 0.89 / 0.954 / 0.989, 50% allowed 0.70 / 0.85 / 0.94 / 0.984, 10% allowed ef 256 0.949,
# 512 0.988; M=8 unfiltered 0.55 / 0.70 / 0.81 / 0.91 / 0.958, 50% ef 512 0.945, 10% ef 1024 0.944, 2048 0.976.
# The configured ef alone (32) left every share at ~0.75 (M=16), hence the floor.
_RECALL_EF_X_M2 = 40_960
_RECALL_EF_MIN = 80
_WIDEN = 0.5
# A filtered search is exact when the allowed rows are fewer than the nodes the graph would visit (~ef x
# maxConnections, both scaled by the dimension alike): measured 100k x 128, 10% allowed: exact over 10k rows
# 0.95 ms vs the graph (ef 316, ~10k visits) 0.70 ms; Jeopardy 1536-d, 10%: 970 exact rows beat the graph.
_CLEANUP_MIN = 1_000        # a write rebuilds the graph without tombstones once there are at least this many ...
_CLEANUP_SHARE = 0.3        # ... and they make up this share of the graph (Weaviate cleans tombstones too)
# Weaviate repairs the graph around tombstones every cleanupIntervalSeconds; here a cleanup is a rebuild, O(graph),
# so each cycle rebuilds only when tombstones make up at least this share (writes trigger the rule above sooner)
_CYCLE_SHARE = 0.1
_UNTRAINED_SAMPLE = 100_000  # sample for codes that need no training (RQ: only its vector norms set the range)
log = logging.getLogger("loomdb.vector")


def _cfg(config: dict, key: str, default):
    value = config.get(key, default)
    return default if value is None else value


class HnswIndex:
    """One vector space served by an HNSW graph (a `VectorIndex`, like FlatIndex).

    `source` = the space's full vectors in the shard's store; without it (a bare index) compression settings are
    ignored, since a compressed graph cannot rescore."""

    def __init__(self, metric: str, config: dict | None = None, source: StoredVectors | None = None,
                 wake: Callable[[], None] | None = None) -> None:
        """`wake` asks the owning shard to run `maintain` (under its write lock) when a background rebuild ends,
        so a finished graph is swapped in without waiting for the next write."""
        if faiss is None or metric not in HNSW_METRICS:
            raise ValueError(f"HNSW is not available for distance {metric!r}")
        self.metric = metric
        self.dim: int | None = None
        self._source = source
        self._wake = wake
        self._next_cycle = time.monotonic()     # next tombstone cleanup cycle (cleanupIntervalSeconds)
        self._index: Any = None      # a faiss IndexHNSW* (faiss' bundled hints lack most of what is used here)
        self._codec: Quantizer | None = None          # what the graph stores: None = float32 vectors
        self._label_slot = GrowableArray(np.int64)   # label -> slot (-1 = tombstone)
        self._slot_label = GrowableArray(np.int64)   # slot -> label (-1 = no vector)
        self._live = 0
        self.last_path = ""      # "graph" | "exact" | "exact-fallback": how the latest search ran (diagnostics)
        self.restored_from_snapshot = False
        self._rebuild: BackgroundBuild | None = None   # tombstone cleanup and/or (de)compression
        self._rebuild_failed = False                   # no new rebuild until the config changes
        self._refused: Quantizer | None = None         # a configured quantizer this space cannot use (logged)
        self._live_bits_cache: np.ndarray | None = None
        self._live_bits_total = 0
        self._has_vector_cache: np.ndarray | None = None    # slot_label >= 0, for filtered searches
        self._follows_cache: bool | None = None              # every label == its slot (see _labels_follow_slots)
        self._follows_total = 0
        self.configure(config or {})

    # ---- configuration ------------------------------------------------------------------------------------
    def configure(self, config: dict) -> None:
        """Apply (possibly updated) index settings; graph-shape settings only affect vectors added later."""
        self._config = dict(config)
        self.max_connections = int(_cfg(config, "maxConnections", 32))
        self.ef_construction = int(_cfg(config, "efConstruction", 128))
        self.ef = int(_cfg(config, "ef", -1))
        self.dynamic_ef_min = int(_cfg(config, "dynamicEfMin", 100))
        self.dynamic_ef_max = int(_cfg(config, "dynamicEfMax", 500))
        self.dynamic_ef_factor = int(_cfg(config, "dynamicEfFactor", 8))
        self.flat_search_cutoff = int(_cfg(config, "flatSearchCutoff", 40_000))
        self.cleanup_interval = float(_cfg(config, "cleanupIntervalSeconds", 300))
        self._wanted = configured(config) if self._source is not None else None   # (quantizer, training limit)
        self._rebuild_failed = False
        if self._index is not None:
            self._maybe_rebuild()       # compression enabled (or changed) on a populated space starts now if due

    def ef_for(self, k: int) -> int:
        """Weaviate's rule: ef -1 = clamp(k * dynamicEfFactor, dynamicEfMin, dynamicEfMax); never below k."""
        if self.ef < 0:
            ef = min(max(k * self.dynamic_ef_factor, self.dynamic_ef_min), self.dynamic_ef_max)
        else:
            ef = self.ef
        return max(ef, k)

    # ---- writes -------------------------------------------------------------------------------------------
    def check(self, vector: np.ndarray, pending_dim: int | None = None) -> None:
        check_vector(vector, self.dim if self.dim is not None else pending_dim)

    def _create(self, block: np.ndarray, codec: Quantizer | None) -> None:
        """Start an empty graph for `block`'s dimension storing `codec` codes (None = float32), trained on a sample
        of `block` when the codes need training."""
        self.dim = block.shape[1]
        self._codec = codec
        if codec is None:
            index = faiss.IndexHNSWFlat(self.dim, self.max_connections, getattr(faiss, _FAISS_METRIC[self.metric]))
        else:
            training_limit = self._wanted[1] if self._wanted else 0
            limit = max(training_limit if training_limit > 0 else _UNTRAINED_SAMPLE, codec.min_training)
            sample = block[sample_rows(len(block), limit)].astype(np.float32)
            if self.metric == "cosine":
                sample = normalise(sample)
            index = codec.new_index(self.dim, self.max_connections, self.metric, codec.prepare(sample))
        index.hnsw.efConstruction = self.ef_construction
        self._index = index

    def add(self, first_slot: int, vectors: list[np.ndarray | None]) -> None:
        """Vectors of slots first_slot, first_slot+1, ... (None = no vector), added to the graph in one call."""
        gap = first_slot - len(self._slot_label)
        if gap > 0:
            self._slot_label.extend(np.full(gap, -1, np.int64))
        present = [v is not None and len(v) > 0 for v in vectors]
        labels = np.full(len(vectors), -1, np.int64)
        if any(present):
            slots = np.arange(first_slot, first_slot + len(vectors), dtype=np.int64)[np.asarray(present)]
            labels[np.asarray(present)] = self._insert(np.stack([v for v, p in zip(vectors, present) if p]), slots)
        self._slot_label.extend(labels)
        if self._rebuild is not None:
            self._rebuild.record("add", first_slot, vectors)
        self._maybe_rebuild()

    def _insert(self, block: np.ndarray, slots: np.ndarray) -> np.ndarray:
        """Add vectors to the graph as new labels owned by `slots`; returns the labels. The first block decides
        the storage: codes straight away when compression is already due for it (a bulk load, BQ/RQ)."""
        block = np.asarray(block, dtype=np.float32)       # no copy when it is float32 already
        if self.metric == "cosine":
            block = normalise(block)
        if self._index is None:
            self._create(block, self._due_codec(len(block), block.shape[1]))
        if self._codec is not None:
            block = self._codec.prepare(block)
        start = self._index.ntotal
        with threads_for_add(len(block)):
            self._index.add(np.ascontiguousarray(block))
        self._label_slot.extend(slots)
        self._live += len(block)
        return np.arange(start, start + len(block), dtype=np.int64)

    def remove(self, slot: int) -> None:
        if slot < len(self._slot_label):
            label = int(self._slot_label[slot])
            if label >= 0:
                self._label_slot[label] = -1
                self._slot_label[slot] = -1
                self._live -= 1
                self._maps_changed()
        if self._rebuild is not None:
            self._rebuild.record("remove", slot)
        self._maybe_rebuild()

    def _maps_changed(self) -> None:
        """Drop the masks derived from the label <-> slot maps (call after any change but an append)."""
        self._live_bits_cache = None
        self._has_vector_cache = None
        self._follows_cache = None

    def _has_vector(self) -> np.ndarray:
        """Bool mask of slots with a vector in the graph, cached like the live bitmap (an O(slots) int compare
        per filtered query otherwise: ~0.3 ms at 1M)."""
        has = self._has_vector_cache
        if has is None or len(has) != len(self._slot_label):
            has = self._slot_label.view() >= 0
            self._has_vector_cache = has
        return has

    def _labels_follow_slots(self) -> bool:
        """Whether every vector's label is its slot (a graph only appended to: no compaction or rebuild yet), so
        a slot mask is already the label mask. Cached like the live bitmap."""
        ntotal = self._index.ntotal
        if self._follows_cache is None or self._follows_total != ntotal:
            label_slot = self._label_slot.view()
            self._follows_cache = bool(np.all((label_slot == np.arange(ntotal)) | (label_slot < 0)))
            self._follows_total = ntotal
        return self._follows_cache

    def _label_bits(self, slot_label: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Packed bitmap of the labels of the slots in `mask` (faiss' IDSelectorBitmap layout): one packbits
        over the mask when labels follow slots (1M slots: ~0.1 ms), else a scatter into a label mask."""
        ntotal = self._index.ntotal
        if len(mask) >= ntotal and self._labels_follow_slots():
            labels_ok = mask[:ntotal]
        else:
            labels_ok = np.zeros(ntotal, bool)
            labels_ok[slot_label[mask]] = True
        return np.packbits(labels_ok, bitorder="little")

    def _live_bits(self) -> np.ndarray:
        """Packed bitmap of live labels, cached until the maps change (writes replace the cached array, so a
        search holding the old one keeps a consistent view)."""
        bits = self._live_bits_cache
        if bits is None or self._live_bits_total != self._index.ntotal:
            bits = np.packbits(self._label_slot.view() >= 0, bitorder="little")
            self._live_bits_cache, self._live_bits_total = bits, self._index.ntotal
        return bits

    # ---- background rebuilds: tombstone cleanup, compression ------------------------------------------------
    def _due_codec(self, live: int, dim: int) -> Quantizer | None:
        """The configured quantizer if a space of `live` `dim`-dimensional vectors should be compressed now."""
        if self._wanted is None:
            return None
        codec, training_limit = self._wanted
        if live <= training_limit or live < codec.min_training:
            return None
        problem = codec.problem(dim)
        if problem is not None:
            if self._refused != codec:                # say it once per setting, not per write
                log.warning("vector compression not applied: %s", problem)
                self._refused = codec
            return None
        return codec

    def _target_codec(self) -> Quantizer | None:
        """What the graph should store now: the configured codes once due; codes once stored are kept, even if
        the config later disables compression (Weaviate never decompresses an index)."""
        if self._wanted is None:
            return self._codec
        if self._codec == self._wanted[0]:
            return self._codec
        return self._due_codec(self._live, self.dim) or self._codec

    def due(self, now: float) -> bool:
        """Whether `maintain` has work: a finished rebuild to swap in, or a cleanup cycle with tombstones. Read
        without locks (a stale answer only delays the work to the next tick)."""
        build = self._rebuild
        if build is not None:
            return build.ready or build.failed
        return self._index is not None and self.tombstones > 0 and now >= self._next_cycle

    def maintain(self, now: float) -> None:
        """Swap in a finished rebuild; every cleanupIntervalSeconds, clean tombstones up once they are a tenth of
        the graph. Called by the shard under its write lock (its maintenance timer, or `wake`)."""
        cycle = now >= self._next_cycle
        if cycle:
            self._next_cycle = now + self.cleanup_interval
        self._maybe_rebuild(cleanup_share=_CYCLE_SHARE if cycle else None)

    def _maybe_rebuild(self, cleanup_share: float | None = None) -> None:
        """Swap in a finished rebuild, or start one in the background when the graph should change codes or
        tombstones pile up (>= `cleanup_share` of the graph in a cleanup cycle, else the write-time rule). Called
        under the shard's write lock (writes, maintenance), so the swap never races a search."""
        build = self._rebuild
        if build is not None:
            if build.ready:
                self._adopt(build.finish())
            elif build.failed:
                log.warning("vector index rebuild failed, keeping the current graph: %s", build.error)
                self._rebuild, self._rebuild_failed = None, True
            return
        if self._index is None or self._rebuild_failed:
            return
        target = self._target_codec()
        ntotal = self._index.ntotal
        due = (max(1, cleanup_share * ntotal) if cleanup_share is not None
               else max(_CLEANUP_MIN, _CLEANUP_SHARE * ntotal))
        if target == self._codec and self.tombstones < due:
            return
        self._start_rebuild(target)

    def _start_rebuild(self, codec: Quantizer | None) -> None:
        """Build a tombstone-free graph of the live vectors storing `codec` codes in a background thread. The
        vectors come from the float graph itself, or (compressed graph) from the store."""
        label_slot = self._label_slot.view()
        live = label_slot >= 0
        slots = label_slot[live].copy()
        if self._codec is None:
            rows = self._stored()[live].copy()

            def load() -> tuple[np.ndarray, np.ndarray]:
                return slots, rows
        else:
            docs, source, dim = self._source.docs(slots), self._source, self.dim

            def load() -> tuple[np.ndarray, np.ndarray]:
                found, vectors = source.load(docs, dim)
                return slots[found], vectors
        n_slots, metric, config, source, wake = (len(self._slot_label), self.metric, self._config, self._source,
                                                 self._wake)

        def build() -> HnswIndex:
            graph = HnswIndex(metric, config, source, wake)
            graph._slot_label.extend(np.full(n_slots, -1, np.int64))
            have, vectors = load()
            if len(have):
                graph._create(vectors, codec)
                graph._slot_label[have] = graph._insert(vectors, have)
            return graph

        self._rebuild = BackgroundBuild(build, "loomdb-hnsw-rebuild", self._wake)

    def _adopt(self, graph: HnswIndex) -> None:
        """Replace the graph (and its maps) by a rebuilt one; the old graph is freed."""
        self._index, self._codec, self._label_slot, self._slot_label, self._live = (
            graph._index, graph._codec, graph._label_slot, graph._slot_label, graph._live)
        self._rebuild = None
        self._maps_changed()

    def wait_for_rebuild(self, timeout: float | None = None) -> None:
        """For tests and benchmarks: block until a pending rebuild (cleanup or compression) has been built (and, in
        a shard, swapped in through `wake`; a bare index swaps at its next write)."""
        if self._rebuild is not None:
            self._rebuild.wait(timeout)

    @property
    def compression(self) -> str | None:
        """The codes the graph stores now ("pq", "sq", "rq", "bq"), None = float32 (diagnostics, tests)."""
        return self._codec.kind if self._codec is not None else None

    def compact(self, keep: np.ndarray, remap: np.ndarray) -> None:
        """Shard slots were renumbered: follow them in both maps (the graph itself is untouched)."""
        self._slot_label.keep(keep)
        ls = self._label_slot.view()
        alive = ls >= 0
        ls[alive] = remap[ls[alive]]
        self._maps_changed()
        if self._rebuild is not None:
            self._rebuild.record("compact", keep, remap)

    def add_rows(self, slots: np.ndarray, rows: np.ndarray) -> None:
        """Bulk load on open: `rows[i]` is the vector of slot `slots[i]` (ascending, each slot without a vector
        yet); one matrix, no per-vector objects. After a float snapshot whose space is due for compression, the
        compression starts here."""
        if len(slots):
            gap = int(slots[-1]) + 1 - len(self._slot_label)
            if gap > 0:
                self._slot_label.extend(np.full(gap, -1, np.int64))
            self._slot_label[slots] = self._insert(rows, slots)
            self._maps_changed()
        self._maybe_rebuild()

    # ---- snapshots (fast restart) ---------------------------------------------------------------------------
    def save_snapshot(self, path: Path, slot_docs: np.ndarray, seq: int) -> None:
        """Write the graph and its label -> doc map; crash-safe (tmp files + rename, the map renamed last). A
        finished rebuild is swapped in first (the caller holds the writers off); one still running is not saved."""
        if self._rebuild is not None and self._rebuild.ready:
            self._adopt(self._rebuild.finish())
        if self._index is None:
            return
        ls = self._label_slot.view()
        label_doc = np.where(ls >= 0, slot_docs[np.maximum(ls, 0)], -1)
        faiss.write_index(self._index, str(path.with_suffix(".faiss.tmp")))
        with open(path.with_suffix(".map.tmp"), "wb") as f:
            np.save(f, label_doc)
            f.flush()
            os.fsync(f.fileno())
        meta = {"seq": seq, "metric": self.metric, "dim": self.dim, "maxConnections": self.max_connections,
                "efConstruction": self.ef_construction,
                "compression": self._codec.key() if self._codec is not None else None}
        path.with_suffix(".json.tmp").write_text(json.dumps(meta))
        os.replace(path.with_suffix(".faiss.tmp"), path.with_suffix(".faiss"))
        os.replace(path.with_suffix(".map.tmp"), path.with_suffix(".map"))
        os.replace(path.with_suffix(".json.tmp"), path.with_suffix(".json"))

    def load_snapshot(self, path: Path, slot_docs: np.ndarray, changed_since: Callable[[int], np.ndarray]) -> bool:
        """Adopt a snapshot for the current slots (`slot_docs` ascending); labels whose doc is gone or was
        rewritten after the snapshot become tombstones. Returns False (nothing changed) when there is no usable
        snapshot. The caller then adds vectors for the slots still without one (`slots_without_vector`).
        A compressed snapshot is used unless other codes are configured now (none configured: the space stays
        compressed, as in Weaviate); an uncompressed one always (the space compresses afterwards if due)."""
        try:
            meta = json.loads(path.with_suffix(".json").read_text())
            if (meta["metric"], meta["maxConnections"], meta["efConstruction"]) != \
                    (self.metric, self.max_connections, self.ef_construction):
                return False
            codec = Quantizer(**meta["compression"]) if meta.get("compression") else None
            if codec is not None and (self._source is None or (self._wanted is not None and
                                                               codec != self._wanted[0])):
                return False       # other codes than configured (compression switched off stays compressed)
            label_doc = np.load(path.with_suffix(".map"))
            index = faiss.read_index(str(path.with_suffix(".faiss")))
        except (OSError, ValueError, KeyError, TypeError, RuntimeError):
            return False
        if index.ntotal != len(label_doc):
            return False
        if len(slot_docs):
            pos = np.minimum(np.searchsorted(slot_docs, label_doc), len(slot_docs) - 1)
            ok = (label_doc >= 0) & (slot_docs[pos] == label_doc)      # the doc still exists
        else:
            pos, ok = np.zeros(len(label_doc), np.int64), np.zeros(len(label_doc), bool)
        rewritten = np.isin(label_doc, changed_since(int(meta["seq"])))
        ok &= ~rewritten
        label_slot = np.where(ok, pos, -1).astype(np.int64)
        slot_label = np.full(len(slot_docs), -1, np.int64)
        slot_label[label_slot[ok]] = np.flatnonzero(ok)
        self._index, self.dim, self._codec = index, int(meta["dim"]), codec
        self._label_slot = GrowableArray(np.int64, capacity=max(len(label_slot), 1024))
        self._label_slot.extend(label_slot)
        self._slot_label = GrowableArray(np.int64, capacity=max(len(slot_label), 1024))
        self._slot_label.extend(slot_label)
        self._live = int(ok.sum())
        self._maps_changed()
        self.restored_from_snapshot = True
        return True

    def slots_without_vector(self) -> np.ndarray:
        return np.flatnonzero(self._slot_label.view() < 0)

    @property
    def tombstones(self) -> int:
        return len(self._label_slot) - self._live

    def stats(self) -> VectorIndexStats:
        return VectorIndexStats(self._live * (self.dim or 0), len(self._label_slot), self.tombstones,
                                self._rebuild is not None)

    # ---- reads --------------------------------------------------------------------------------------------
    def _stored(self) -> np.ndarray:
        """The float graph's own copy of the vectors (no second copy is kept), viewed without copying."""
        n = self._index.ntotal
        storage = faiss.downcast_index(self._index.storage)
        return faiss.rev_swig_ptr(storage.get_xb(), n * self.dim).reshape(n, self.dim)

    def _to_distance(self, raw: np.ndarray) -> np.ndarray:
        if self.metric == "cosine":
            return 1.0 - raw
        if self.metric == "dot":
            return -raw
        return raw

    def search(self, query: np.ndarray, k: int, allow: np.ndarray | None, max_distance: float | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Up to k (slots, distances), nearest first, among allowed slots with a vector."""
        empty = (np.empty(0, np.int64), np.empty(0, np.float32))
        if self._index is None or k <= 0:
            return empty
        check_query(query, self.dim)
        q = query.astype(np.float32)
        if self.metric == "cosine":
            q = normalise(q)
        slot_label = self._slot_label.view()
        if allow is None:        # no O(slots) mask per unfiltered query: built only if a path needs it
            mask, allowed = None, self._live
        else:
            mask = self._has_vector() & allow[: len(slot_label)]
            allowed = int(np.count_nonzero(mask))
        if allowed == 0:
            return empty
        filtered = allow is not None and allowed < self._live
        exact_limit = min(self.flat_search_cutoff, self._filtered_ef(k, allowed) * self.max_connections)
        if allowed <= k or (filtered and allowed <= exact_limit):      # Weaviate: the cutoff is for filters
            slots, dists = self._exact(q, slot_label, mask, k)
            self.last_path = "exact"
        else:
            slots, dists, self.last_path = self._graph(q, slot_label, mask, allowed, k)
        if max_distance is not None:
            keep = dists <= max_distance
            slots, dists = slots[keep], dists[keep]
        return slots, dists.astype(np.float32)

    def _exact(self, q: np.ndarray, slot_label: np.ndarray, mask: np.ndarray | None, k: int):
        slots = np.flatnonzero(slot_label >= 0 if mask is None else mask)
        if self._codec is None:
            return _nearest(slots, gathered_distances(self.metric, self._stored(), slot_label[slots], q), k)
        # compressed (Weaviate's flat search over codes): rank the allowed rows by their decoded codes, rescore
        # the best candidates with full vectors
        approx = code_distances(self._index, self._codec.prepare(q), slot_label[slots])
        n = self._rescore_count(k)
        if len(slots) > n:
            part = np.argpartition(approx, n - 1)[:n]
            slots = slots[part]
        return self._rescore(q, slots, k)

    def _rescore_count(self, k: int) -> int:
        return rescore_candidates(self._config, self._codec.kind, k, self.ef_for(k))

    def _rescore(self, q: np.ndarray, slots: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The k nearest of candidate slots by exact distance from their full vectors in the store (a candidate
        whose object was deleted meanwhile is dropped)."""
        found, rows = self._source.load(self._source.docs(slots), self.dim)
        if self.metric == "cosine":
            rows = normalise(rows)
        return _nearest(slots[found], distances(self.metric, rows, q), k)

    def _filtered_ef(self, k: int, allowed: int) -> int:
        """The beam for a graph search among `allowed` of its nodes: from the ef that reaches recall 0.95 (or the
        configured ef, if wider), the fewer allowed, the wider."""
        base = max(self.ef_for(k), _RECALL_EF_MIN, _RECALL_EF_X_M2 // max(self.max_connections, 1) ** 2)
        share = allowed / max(self._index.ntotal, 1)
        return min(int(base / max(share, 1e-6) ** _WIDEN), _MAX_EF)

    def _graph(self, q: np.ndarray, slot_label: np.ndarray, mask: np.ndarray | None, allowed: int, k: int):
        ef = self.ef_for(k)
        selector = None
        bits = None
        if allowed < self._live or self.tombstones:
            if allowed == self._live:           # every live vector allowed: only tombstones to exclude
                bits = self._live_bits()
            else:
                bits = self._label_bits(slot_label, mask)
                ef = self._filtered_ef(k, allowed)
            selector = faiss.IDSelectorBitmap(self._index.ntotal, faiss.swig_ptr(bits))
        # compressed: over-fetch by code distance (n <= the unwidened ef), then rescore with full vectors
        n = k if self._codec is None else self._rescore_count(k)
        params = faiss.SearchParametersHNSW(efSearch=max(ef, n), sel=selector) if selector is not None else \
            faiss.SearchParametersHNSW(efSearch=max(ef, n))
        codes_q = q if self._codec is None else self._codec.prepare(q)
        raw, labels = self._index.search(codes_q[None, :], n, params=params)
        del bits
        labels = labels[0]
        found = labels >= 0
        if found.sum() < min(k, allowed):        # the graph could not reach enough allowed nodes: be exact
            return (*self._exact(q, slot_label, mask, k), "exact-fallback")
        slots = self._label_slot.view()[labels[found]]
        if self._codec is not None:
            return (*self._rescore(q, slots, k), "graph")
        return slots, self._to_distance(raw[0][found]), "graph"


def _nearest(slots: np.ndarray, dist: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k smallest distances, nearest first (ties by slot)."""
    if len(slots) > k:
        part = np.argpartition(dist, k - 1)[:k]
        slots, dist = slots[part], dist[part]
    order = np.lexsort((slots, dist))
    return slots[order], dist[order]
