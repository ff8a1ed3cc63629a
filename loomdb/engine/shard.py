"""One shard: the durable object store plus every in-memory index derived from it.

Write path (the only one): validate -> commit to SQLite (fsync) -> apply to memory under the write lock, so
readers see a write wholly or not at all. Every overwrite gets a fresh slot and the old slot dies, so the
in-memory columns are append-only. Slots are dense and rebuilt from the store on open.
"""
from __future__ import annotations

import hashlib
import threading
import time
import uuid as uuid_mod
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from ..entities.errors import InvalidInput, ShardClosed
from ..entities.objects import ObjectWrite, StoredObject, uuid_from_bytes, uuid_to_bytes
from ..entities.shard_stats import INDEXING, READONLY, READY, ShardStats
from .arrays import GrowableArray
from .heap import TrimAfterBulkWrites, release_free_memory
from .inverted.columns import GeoColumn, ScalarColumn, TermsColumn, TextSortColumn
from .inverted.index_kinds import answers_filters, answers_keyword, drop_unindexed
from .inverted.refcolumn import RefColumn
from .inverted.searchable import SearchableIndex
from .inverted.valuecolumn import ValueColumn
from .rwlock import RWLock
from .schema.model import PropertySpec, VectorSpec
from .storage.object_store import ObjectRow, ObjectStore, StoreChange
from .uuid_index import UuidIndex
from .vector.factory import make_index
from .vector.index import VectorIndex
from .vector.stored import StoredVectors

_SCALAR_KINDS = ("int", "number", "boolean", "date")
_COMPACT_MIN_DEAD = 1024        # compact once this many slots are dead ...
_COMPACT_DEAD_SHARE = 0.25      # ... and they are at least this share of all slots
_TERM_KINDS = ("text", "uuid", "int", "number", "boolean", "date")


def make_column(spec: PropertySpec) -> ScalarColumn | TermsColumn | None:
    """The filter column for a property, or None when the property is not filterable by value."""
    if spec.is_reference:
        return RefColumn()      # target uuids per slot: by_ref / by_ref_count filters (query/references.py)
    if not answers_filters(spec):
        return None
    if not spec.is_array and spec.data_type in _SCALAR_KINDS:
        return ScalarColumn(spec.data_type)
    if spec.base_type in _TERM_KINDS:
        return TermsColumn(spec.base_type, spec.tokenization)
    if spec.data_type == "geoCoordinates":
        return GeoColumn()
    return None


def _finite_vectors(writes: list[ObjectWrite], positions: list[int]) -> dict[tuple[str, int], bool]:
    """Whether each non-empty vector of the writes at `positions` is all finite, keyed (space, write position):
    one isfinite over each space's vectors of the batch instead of one call per vector."""
    by_space: dict[str, tuple[list[int], list[np.ndarray]]] = {}
    for i in positions:
        for name, vec in writes[i].vectors.items():
            if vec.size:
                owners, vecs = by_space.setdefault(name, ([], []))
                owners.append(i)
                vecs.append(vec.ravel())      # a multi-vector's token rows as one run
    finite: dict[tuple[str, int], bool] = {}
    for name, (owners, vecs) in by_space.items():
        starts = np.cumsum([0] + [len(v) for v in vecs[:-1]])
        flags = np.logical_and.reduceat(np.isfinite(np.concatenate(vecs)), starts)
        finite.update(zip(((name, i) for i in owners), flags.tolist()))
    return finite


@dataclass
class _Group:
    """What the writes committed together see of each other: keys written (doc, created) or deleted (None) by
    earlier writes of the group, and vector dimensions fixed by them (an empty index takes the first)."""

    written: dict[bytes, tuple[int, int] | None] = field(default_factory=dict)
    pending_dims: dict[str, int] = field(default_factory=dict)

    def current(self, key: bytes, stored: Callable[[bytes], tuple[int, int] | None]) -> tuple[int, int] | None:
        """(doc, created) of the live object `key` once the group's earlier writes are applied."""
        return self.written[key] if key in self.written else stored(key)


@dataclass
class _Prepared:
    """One write of a group: its outcome, its part of the transaction and its memory apply (None: nothing to
    write)."""

    result: Any
    change: StoreChange | None = None
    apply: Callable[[], None] | None = None


class _Queued:
    """A write waiting for the group commit that takes it."""

    __slots__ = ("prepare", "finished", "result", "error")

    def __init__(self, prepare: Callable[[_Group], _Prepared]) -> None:
        self.prepare = prepare
        self.finished = False
        self.result: Any = None
        self.error: BaseException | None = None

    def finish(self, result: Any = None, error: BaseException | None = None) -> None:
        self.result, self.error, self.finished = result, error, True


STORE_READ_ONLY = "store is read-only"     # Weaviate's storagestate.ErrStatusReadOnly


def read_only_message(reason: str) -> str:
    """Weaviate's storagestate errors: with the reason the shard went READONLY for (the resource guard's), if any."""
    return f"{STORE_READ_ONLY} due to: {reason}" if reason else STORE_READ_ONLY


class Shard:
    """Objects of one collection (one tenant, later) and their indexes."""

    def __init__(self, path: Path, properties: dict[str, PropertySpec], vectors: dict[str, VectorSpec],
                 stopwords: frozenset[str] = frozenset()) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.name = self.path.name      # Weaviate's shard name, set by the owner (tenancy.py); query profiles
        self.store = ObjectStore(self.path / "objects.sqlite")
        self._write_lock = threading.Lock()   # held by the writer committing a group (commit + apply)
        self._queue_lock = threading.Lock()
        self._queue: list[_Queued] = []       # writes waiting for the next group commit
        self._mem = RWLock()                  # readers vs the short in-memory apply step
        self._docs = GrowableArray(np.int64)          # slot -> store doc
        self._uuids = GrowableArray("S16")            # slot -> uuid bytes (sortable big-endian)
        self._alive = GrowableArray(bool)
        self._created = GrowableArray(np.int64)
        self._updated = GrowableArray(np.int64)
        self._slot_of = UuidIndex()                   # uuid bytes -> live slot
        self._heap = TrimAfterBulkWrites()
        self._uuid_order: np.ndarray | None = None    # slots sorted by uuid, rebuilt lazily after writes
        self.columns: dict[str, ScalarColumn | TermsColumn | GeoColumn] = {}
        # whole lower-cased values of scalar text properties, only for sorting (query/sort.py)
        self.sort_columns: dict[str, TextSortColumn] = {}
        # whole stored values of properties aggregated by, where the filter column does not serve (aggregate.py)
        self.value_columns: dict[str, ValueColumn] = {}
        self.indexes: dict[str, VectorIndex] = {}     # vector space -> FlatIndex | HnswIndex | DynamicIndex
        self.searchable: dict[str, SearchableIndex] = {}     # BM25 postings per searchable text property
        self.properties: dict[str, PropertySpec] = {}
        self.status = READY     # READONLY refuses writes (config.update_shards), Weaviate's storagestate
        self._vector_inserts = 0      # vector index operations since open, for /metrics (under the write lock)
        self._vector_deletes = 0
        self.status_reason = ""     # why it is READONLY when not set by hand ("resource pressure")
        self.update_schema(properties, vectors, stopwords)
        self._next_doc = self.store.max_doc() + 1
        self._seq = self.store.max_seq()      # write sequence of the latest committed write
        self._load()

    def set_status(self, status: str, reason: str = "") -> None:
        """READY / READONLY, with the reason a READONLY write error names ("" = set by hand)."""
        self.status, self.status_reason = status, reason

    # ---- schema -------------------------------------------------------------------------------------------
    def update_schema(self, properties: dict[str, PropertySpec], vectors: dict[str, VectorSpec],
                      stopwords: frozenset[str] = frozenset()) -> None:
        """Create columns/indexes for properties and vector spaces that appeared (auto-schema, add_property), and
        drop those of property indexes turned off (config.delete_property_index); `stopwords` are dropped from
        word-tokenised filter values, as Weaviate drops them."""
        with self._mem.write():
            self.properties = dict(properties)
            drop_unindexed(self.columns, self.searchable, properties)
            for name, spec in properties.items():
                if name not in self.columns and (column := make_column(spec)) is not None:
                    self.columns[name] = column
                if name not in self.searchable and answers_keyword(spec):
                    self.searchable[name] = SearchableIndex(spec.tokenization)
            for column in self.columns.values():
                if isinstance(column, TermsColumn):
                    column.stopwords = stopwords
            for name, vspec in vectors.items():
                if name not in self.indexes:
                    # compressed graphs rescore with the full vectors in the store; background builds ask
                    # for `maintain` when they end, so their result is swapped in without waiting for a write
                    self.indexes[name] = make_index(vspec, self._source(name), self.maintain)
                else:
                    self.indexes[name].configure(vspec.index_config)

    def _source(self, name: str) -> StoredVectors:
        """One vector space's full vectors in the store, addressed by slot."""
        return StoredVectors(name, self._docs.view, self.store.vectors_of)

    # ---- open ---------------------------------------------------------------------------------------------
    def _load(self) -> None:
        """Rebuild every in-memory structure from the store (the store is the truth)."""
        for batch in self.store.scan_objects():
            self._append_slots([r[0] for r in batch], [r[1] for r in batch], [r[2] for r in batch],
                               [r[3] for r in batch], [orjson.loads(r[4]) for r in batch])
        all_docs = self._docs.view()
        for name, index in self.indexes.items():
            if index.load_snapshot(self._snapshot_path(name), all_docs, self.store.changed_since):
                missing = index.slots_without_vector()     # new or rewritten since the snapshot
                found, rows = self._source(name).load(all_docs[missing], index.dim)
                index.add_rows(missing[found], rows)
            else:
                docs, rows = self.store.load_vectors(name)
                index.add_rows(np.searchsorted(all_docs, docs), rows)
            del rows
        release_free_memory()       # the rebuild's temporaries (row blobs, JSON) leave resident heap holes

    def _append_slots(self, docs: list[int], uids: list[bytes], created: list[int], updated: list[int],
                      props: list[dict]) -> int:
        """Append live slots in bulk; returns the first new slot."""
        first = len(self._docs)
        self._docs.extend(docs)
        self._uuids.extend(uids)
        self._alive.extend(np.ones(len(docs), bool))
        self._created.extend(created)
        self._updated.extend(updated)
        self._slot_of.add_many(uids, range(first, first + len(docs)))
        for name, sort_column in self.sort_columns.items():
            sort_column.add(first, [p.get(name) for p in props])
        for name, value_column in self.value_columns.items():
            value_column.add(first, [p.get(name) for p in props])
        for name in self.columns.keys() | self.searchable.keys():
            values = [p.get(name) for p in props]
            if (column := self.columns.get(name)) is not None:
                column.add(first, values)
            if (index := self.searchable.get(name)) is not None:   # right after: tokenize() memo still warm
                index.add(first, values)
        return first

    # ---- writes -------------------------------------------------------------------------------------------
    def put(self, writes: list[ObjectWrite], now_ms: int, keep_created: bool = True) -> list[str | None]:
        """Insert-or-overwrite objects; returns one error message (or None) per write, in order.

        Vectors must already be resolved to vector names. One bad object never fails the others."""
        if self.status == READONLY:
            return [read_only_message(self.status_reason)] * len(writes)
        return self._commit(partial(self._prepare_put, writes, now_ms, keep_created))

    def delete(self, uuids: list[str]) -> list[bool]:
        """Delete objects by id; True for each id that existed."""
        if self.status == READONLY:
            raise InvalidInput(read_only_message(self.status_reason))
        return self._commit(partial(self._prepare_delete, [uuid_mod.UUID(u).bytes for u in uuids]))

    def _commit(self, prepare: Callable[[_Group], _Prepared]) -> Any:
        """Group commit: queue the write, then whoever holds the write lock commits everything queued in ONE
        transaction (one fsync) and applies it to memory in queue order. A writer whose write a previous holder
        committed just returns its outcome, so concurrent writers share an fsync instead of queueing behind each
        other's (each is still acknowledged only after its own rows are durable)."""
        queued = _Queued(prepare)
        with self._queue_lock:
            self._queue.append(queued)
        with self._write_lock:
            if not queued.finished:
                with self._queue_lock:
                    group, self._queue = self._queue, []
                self._commit_group(group)
        if queued.error is not None:
            raise queued.error
        return queued.result

    def _commit_group(self, group: list[_Queued]) -> None:
        """Prepare each queued write against the state left by the ones before it, commit them together, then
        apply them to memory under the write side of the readers-writer lock (readers see all or none)."""
        try:
            if self.store.closed:
                raise ShardClosed("the shard was closed while the request ran (tenant deactivated or collection "
                                  "deleted); retry the request")
            state = _Group()
            prepared: list[tuple[_Queued, _Prepared]] = []
            for queued in group:
                try:
                    prepared.append((queued, queued.prepare(state)))
                except Exception as exc:        # this writer's own failure; the others go on
                    queued.finish(error=exc)
            changes = [p.change for _, p in prepared if p.change is not None]
            if changes:
                seq = self._seq + 1
                self.store.commit(changes, seq)
                self._seq = seq
                with self._mem.write():
                    for _, p in prepared:
                        if p.apply is not None:
                            p.apply()
                    self._uuid_order = None
                    self._maybe_compact()
                self._heap.wrote(sum(len(c.rows) for c in changes))
            for queued, p in prepared:
                queued.finish(result=p.result)
        except BaseException as exc:
            for queued in group:
                if not queued.finished:
                    queued.finish(error=exc)
            if not isinstance(exc, Exception):
                raise

    def _prepare_put(self, writes: list[ObjectWrite], now_ms: int, keep_created: bool, state: _Group) -> _Prepared:
        """The rows of a put (docs assigned, overwrites found) and the memory apply that follows its commit."""
        errors: list[str | None] = [None] * len(writes)
        last = {uuid_to_bytes(w.uuid): i for i, w in enumerate(writes)}   # same id twice: last wins
        rows: list[ObjectRow] = []
        applied: list[tuple[dict, dict[str, np.ndarray]]] = []
        replaced: list[int] = []
        finite = _finite_vectors(writes, list(last.values()))
        for uid, i in last.items():
            w = writes[i]
            try:
                vectors = self._check_vectors(w.vectors, state.pending_dims, finite, i)
            except InvalidInput as exc:
                errors[i] = exc.message
                continue
            current = state.current(uid, self._stored_doc)
            if current is not None:
                doc, created = current
                created = created if keep_created else now_ms
                replaced.append(doc)
            else:
                doc, created = self._next_doc, now_ms
                self._next_doc += 1
            state.written[uid] = (doc, created)
            rows.append(ObjectRow(doc, uid, created, now_ms, orjson.dumps(w.properties), vectors))
            applied.append((w.properties, vectors))
        if not rows:
            return _Prepared(errors)

        def apply() -> None:
            for slot in self._slot_of.get_many([r.uuid for r in rows]):
                if slot is not None:
                    self._kill(slot)
            first = self._append_slots([r.doc for r in rows], [r.uuid for r in rows], [r.created for r in rows],
                                       [r.updated for r in rows], [props for props, _ in applied])
            for name, index in self.indexes.items():
                index.add(first, [vectors.get(name) for _, vectors in applied])
            self._vector_inserts += sum(len(vectors) for _, vectors in applied)

        return _Prepared(errors, StoreChange(rows, replaced), apply)

    def _prepare_delete(self, keys: list[bytes], state: _Group) -> _Prepared:
        """The docs a delete removes and the memory apply that follows its commit."""
        currents = [state.current(key, self._stored_doc) for key in keys]
        docs = list(dict.fromkeys(current[0] for current in currents if current is not None))
        for key, current in zip(keys, currents):
            if current is not None:
                state.written[key] = None
        existed = [current is not None for current in currents]
        if not docs:
            return _Prepared(existed)

        def apply() -> None:
            for slot in self._slot_of.get_many(keys):
                if slot is not None:
                    self._kill(slot)

        return _Prepared(existed, StoreChange(deleted=docs), apply)

    def _stored_doc(self, key: bytes) -> tuple[int, int] | None:
        """(doc, created) of the live object `key` in memory (the last applied write), or None."""
        slot = self._slot_of.get(key)
        return None if slot is None else (int(self._docs[slot]), int(self._created[slot]))

    def _check_vectors(self, vectors: dict[str, np.ndarray], pending: dict[str, int],
                       finite: dict[tuple[str, int], bool], position: int) -> dict[str, np.ndarray]:
        """The write's non-empty vectors, once each fits its space: the dimension fixed by the index, or by the
        first accepted vector of this batch for an empty index, and finite (`finite`: per batch, by
        (space, write position)). A misfit goes through the index's own check for its error."""
        out = {}
        for name, vec in vectors.items():
            if vec.size == 0:
                continue
            size = vec.shape[-1]      # a multi-vector (2-D): its token width, and every one goes through `check`
            index = self.indexes[name]
            dim = index.dim if index.dim is not None else pending.get(name)
            if (dim is not None and size != dim) or not finite[(name, position)] or vec.ndim != 1:
                index.check(vec, pending.get(name))
            pending.setdefault(name, size)
            out[name] = vec
        return out

    def _kill(self, slot: int) -> None:
        self._alive[slot] = False
        self._slot_of.remove(self._key(slot))
        for index in self.indexes.values():
            index.remove(slot)
        self._vector_deletes += len(self.indexes)

    def _maybe_compact(self) -> None:
        """Renumber slots without the dead ones once they are many (overwrites and deletes leave dead slots
        that every exact search and filter would otherwise keep scanning). Call under the memory write lock;
        O(live slots), vectorised."""
        n = len(self._docs)
        dead = n - len(self._slot_of)
        if dead < _COMPACT_MIN_DEAD or dead < _COMPACT_DEAD_SHARE * n:
            return
        keep = self._alive.view().copy()
        remap = np.full(n, -1, np.int64)
        remap[keep] = np.arange(int(keep.sum()))
        for arr in (self._docs, self._uuids, self._alive, self._created, self._updated):
            arr.keep(keep)
        for column in self.columns.values():
            column.compact(keep, remap)
        for sort_column in self.sort_columns.values():
            sort_column.compact(keep, remap)
        for value_column in self.value_columns.values():
            value_column.compact(keep, remap)
        for searchable in self.searchable.values():
            searchable.compact(keep, remap)
        for index in self.indexes.values():
            index.compact(keep, remap)
        self._slot_of.renumber(remap)
        self._uuid_order = None

    def _key(self, slot: int) -> bytes:
        # numpy's S16 drops trailing zero bytes on the way out; pad them back
        return bytes(self._uuids[slot]).ljust(16, b"\0")

    def uuids_of_one(self, slot: int) -> str:
        return uuid_from_bytes(self._key(slot))

    def uuids_of(self, slots) -> list[str]:
        return [uuid_from_bytes(self._key(int(s))) for s in slots]

    # ---- reads --------------------------------------------------------------------------------------------
    def read(self):
        """Context manager for a consistent read of the in-memory state."""
        return self._mem.read()

    @property
    def slot_count(self) -> int:
        return len(self._docs)

    def alive_mask(self) -> np.ndarray:
        return self._alive.view().copy()

    def alive_view(self) -> np.ndarray:
        """The alive mask itself, without the copy: read it under `read()`, never write to it."""
        return self._alive.view()

    @property
    def compressed(self) -> bool:
        """Whether a vector index holds compressed codes now (Weaviate's nodes API `compressed`)."""
        return any(index.compression is not None for index in list(self.indexes.values()))

    def object_count(self) -> int:
        return len(self._slot_of)

    def stats(self) -> ShardStats:
        """The shard's figures for /v1/nodes and /metrics, read without locks (a figure may be one write
        behind): INDEXING while an index builds in the background (searches are served meanwhile)."""
        indexes = [index.stats() for index in list(self.indexes.values())]
        status = self.status if self.status == READONLY else INDEXING if any(s.indexing for s in indexes) \
            else READY
        return ShardStats(
            self.name, status, self.object_count(), self.compressed,
            vector_dimensions=sum(s.dimensions for s in indexes), vector_index_size=sum(s.size for s in indexes),
            tombstones=sum(s.tombstones for s in indexes), vector_inserts=self._vector_inserts,
            vector_deletes=self._vector_deletes)

    def slot_of(self, uuid: str) -> int | None:
        return self._slot_of.get(uuid_mod.UUID(uuid).bytes)

    def timestamps(self, which: str) -> np.ndarray:
        return (self._created if which == "created" else self._updated).view()

    def uuid_keys(self) -> np.ndarray:
        return self._uuids.view()

    def uuid_order(self) -> np.ndarray:
        """Live slots sorted by uuid (cached until the next write): the order of unfiltered listing and of
        the `after` cursor, as in Weaviate's uuid-keyed object bucket."""
        order = self._uuid_order
        if order is None:
            live = np.flatnonzero(self._alive.view())
            order = live[np.argsort(self._uuids.view()[live], kind="stable")]
            self._uuid_order = order
        return order

    def docs_of(self, slots) -> np.ndarray:
        """Store keys of slots. Slots are only meaningful under `read()`; docs stay valid after it."""
        return self._docs.view()[np.asarray(slots, dtype=np.int64)]

    def doc_of(self, uuid: str) -> int | None:
        with self._mem.read():
            slot = self._slot_of.get(uuid_mod.UUID(uuid).bytes)
            return None if slot is None else int(self._docs[slot])

    def ensure_text_sort_column(self, name: str) -> None:
        """Build the sort column of a scalar text property on its first sort (one bulk read of the store, with
        writers held off); the write path maintains it from then on. Lazy because it holds a copy of every value
        and most text properties (long RAG chunks) are never sorted by."""
        spec = self.properties.get(name)
        if spec is not None and spec.data_type == "text":
            self._build_lazily(self.sort_columns, name, TextSortColumn)

    def ensure_value_column(self, name: str) -> None:
        """Build the value column of a property on its first aggregation that needs one (see ensure_text_sort_column
        for why lazily); the write path maintains it from then on."""
        if name in self.properties:
            self._build_lazily(self.value_columns, name, ValueColumn)

    def _build_lazily(self, registry: dict, name: str, make) -> None:
        """Fill `registry[name]` with a new column of every slot's stored value (one bulk read, writers held off)."""
        if name in registry:
            return
        with self._write_lock:
            if name in registry:
                return
            column = make()
            column.add(0, self.property_values(self._docs.view().tolist(), name))
            with self._mem.write():
                registry[name] = column

    def property_values(self, docs: list[int], name: str) -> list:
        """One property's stored value per doc (None when unset or the object vanished), read from the store."""
        rows = self.store.get_many(docs)
        return [orjson.loads(rows[d][3]).get(name) if d in rows else None for d in docs]

    def stored_rows(self, docs: list[int]) -> list[tuple[bytes, int, int, dict] | None]:
        """(uuid bytes, created, updated, properties) per doc from the store (None where the object vanished):
        what merging several shards' pages compares (query/merge.py)."""
        rows = self.store.get_many(docs)
        return [(row[0], row[1], row[2], orjson.loads(row[3])) if (row := rows.get(d)) is not None else None
                for d in docs]

    def fetch(self, docs: list[int], with_vectors: list[str] | None | bool = False) -> list[StoredObject | None]:
        """Materialise objects by store key (None where the object vanished meanwhile).

        `with_vectors`: False = none, True = all, list = those names."""
        rows = self.store.get_many(docs)
        vecs: dict[int, dict[str, np.ndarray]] = {}
        if with_vectors:
            vecs = self.store.get_vectors(docs, None if with_vectors is True else list(with_vectors))
        out: list[StoredObject | None] = []
        for doc in docs:
            row = rows.get(doc)
            if row is None:
                out.append(None)
                continue
            uid, created, updated, props = row
            out.append(StoredObject(uuid_from_bytes(uid), orjson.loads(props), created, updated, vecs.get(doc, {})))
        return out

    def _snapshot_path(self, name: str) -> Path:
        return self.path / f"vector-{name}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"

    def save_snapshots(self) -> None:
        """Persist graph indexes so the next open adopts them instead of rebuilding (call with writers held)."""
        for name, index in self.indexes.items():
            index.save_snapshot(self._snapshot_path(name), self._docs.view(), self._seq)

    def maintain(self, now: float | None = None) -> None:
        """Index housekeeping without waiting for a write: swap in finished background builds (tombstone
        cleanup, compression, the dynamic switch) and run tombstone cleanup cycles (cleanupIntervalSeconds).
        Called by a build thread when it ends and by the database's maintenance timer; takes the write lock
        only when an index has work."""
        now = time.monotonic() if now is None else now
        if not any(index.due(now) for index in list(self.indexes.values())):
            return
        with self._write_lock:
            if self.store.closed:
                return
            with self._mem.write():
                for index in self.indexes.values():
                    index.maintain(now)

    def close(self) -> None:
        """Wait for running writes and in-memory reads, snapshot graph indexes, close the store; later reads
        get ShardClosed."""
        with self._write_lock, self._mem.write():
            if not self.store.closed:
                self.save_snapshots()
            self.store.close()
