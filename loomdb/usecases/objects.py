"""Single-object operations, batch import, and delete-by-filter."""
from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from ..entities import permissions as perm
from ..entities.errors import AlreadyExists, InvalidInput, LoomError, NotFound, UpstreamFailure
from ..entities.filters import Filter
from ..entities.objects import IncomingObject, StoredObject
from ..entities.principal import Principal
from ..entities.projection import CollectionShape, collection_shape
from .authz import AllowAll, Authorizer
from .filter_rules import check_filters
from .module_config import ModuleConfig
from .ports import ObjectCollection, ObjectDatabase
from .vectorize import Vectorization
from .write_rules import ObjectWriteRules

Headers = Mapping[str, str]     # REST headers / gRPC metadata, what modules read API keys and base URLs from
_NO_CALL = np.ones(1, np.float32)   # placeholder marking a space as already given (never stored)


class BatchStats:
    """Objects imported per second over the last few seconds, for /v1/nodes batchStats (the client's dynamic
    batching grows its batch size while the server reports an empty queue)."""

    WINDOW_S = 5.0

    def __init__(self) -> None:
        self._events: deque[tuple[float, int]] = deque()
        self._lock = threading.Lock()

    def record(self, count: int) -> None:
        now = time.monotonic()
        with self._lock:
            self._events.append((now, count))
            self._trim(now)

    def _trim(self, now: float) -> None:
        while self._events and now - self._events[0][0] > self.WINDOW_S:
            self._events.popleft()

    def rate_per_second(self) -> int:
        now = time.monotonic()
        with self._lock:
            self._trim(now)
            return int(sum(c for _, c in self._events) / self.WINDOW_S)


@dataclass
class DeleteOutcome:
    matches: int
    uuids: list[str]
    successful: int
    failed: int


@dataclass
class ObjectView:
    """One object as read back, with the shape of its collection (class name, vector style) to encode it."""

    collection: CollectionShape
    obj: StoredObject


# (position in the request, collection name, object): what a batch import stores
BatchEntry = tuple[int, str, IncomingObject]


class ObjectService:
    def __init__(self, db: ObjectDatabase, query_maximum_results: int, autoschema: bool,
                 vectorization: Vectorization | None = None, module_config: ModuleConfig | None = None,
                 authz: Authorizer | None = None) -> None:
        self.db = db
        self._authz = authz or AllowAll()
        self.query_maximum_results = query_maximum_results
        self.autoschema = autoschema
        self.write_rules = ObjectWriteRules(db, autoschema)     # auto-schema and reference values, per write
        self.batch_stats = BatchStats()
        self.vectorization = vectorization
        self.module_config = module_config

    def _writable(self, principal: Principal | None, name: str) -> ObjectCollection:
        """The collection to write to; with auto-schema on, a missing collection is created (as Weaviate does,
        with DEFAULT_VECTORIZER_MODULE) when the principal may create collections."""
        if self.autoschema and not self.db.has_collection(name):
            self._authz.authorize(principal, perm.CREATE, perm.collection_metadata(name))
            body = {"class": name}
            try:
                self.db.create_collection(self.module_config.prepare_class(body) if self.module_config else body)
            except AlreadyExists:
                pass   # created concurrently by another writer
        return self.db.collection(name)

    def _vectorize(self, collection: ObjectCollection, obj: IncomingObject, headers: Headers) -> None:
        """One object's module vectors; a provider failure fails the write (UpstreamFailure, nothing stored)."""
        if self.vectorization is not None:
            errors = self.vectorization.fill(collection.doc, [obj], headers)
            if errors:
                raise UpstreamFailure(errors[0])

    def _revectorize(self, collection: ObjectCollection, obj: IncomingObject, merged: bool,
                     headers: Headers) -> None:
        """Replace / patch of an object of a class with vectorizer modules: a vector space whose embedded text did
        not change keeps its stored vector (no module call); the others are vectorised again from the new
        properties (a patch's: the stored ones merged with the given ones). Classes without modules read
        nothing here."""
        if self.vectorization is None or not self.vectorization.sources(collection.doc):
            return
        current = collection.get(obj.uuid, with_vectors=True, tenant=obj.tenant)
        if current is None:
            return                                   # the engine answers NotFound
        doc = collection.doc
        properties = {**current.properties, **obj.properties} if merged else obj.properties
        mine = {source.space for source in self.vectorization.sources(doc)
                if self.vectorization.has_own_vector(doc, obj, source.space)}
        probe = IncomingObject(obj.uuid, properties, tenant=obj.tenant)
        probe.vectors.update({space: _NO_CALL for space in mine})    # the client's own vector: no module call
        self.vectorization.keep_unchanged(doc, probe, current)
        self._vectorize(collection, probe, headers)
        obj.vectors.update({space: vector for space, vector in probe.vectors.items() if space not in mine})

    def _check_names(self, obj: IncomingObject) -> None:
        """Weaviate's REST writes wrap an auto-schema refusal as "invalid object: ..."."""
        problem = self.write_rules.name_problem(obj)
        if problem:
            raise InvalidInput(f"invalid object: {problem}")

    def insert(self, principal: Principal | None, collection: str, obj: IncomingObject, headers: Headers
               ) -> ObjectView:
        """Store a new object (its module vectors first); returns it as stored (vectors included), as Weaviate's
        create answers."""
        self._authz.authorize(principal, perm.CREATE, perm.objects(collection, obj.tenant))
        self._check_names(obj)
        target = self._writable(principal, collection)
        self._vectorize(target, obj, headers)
        target.insert(obj, rules=self.write_rules)
        return _read(target, obj.uuid, True, obj.tenant)

    def replace(self, principal: Principal | None, collection: str, obj: IncomingObject, headers: Headers
                ) -> ObjectView:
        """Replace an object whole; returns it as stored (vectors included), as Weaviate's update answers."""
        self._authz.authorize(principal, perm.UPDATE, perm.objects(collection, obj.tenant, obj.uuid))
        self._check_names(obj)
        target = self.db.collection(collection)
        self._revectorize(target, obj, False, headers)
        target.replace(obj, rules=self.write_rules)
        return _read(target, obj.uuid, True, obj.tenant)

    def merge(self, principal: Principal | None, collection: str, obj: IncomingObject, headers: Headers) -> None:
        """PATCH: the merged properties' module vectors are computed again only where the embedded text changed."""
        self._authz.authorize(principal, perm.UPDATE, perm.objects(collection, obj.tenant, obj.uuid))
        self._check_names(obj)
        target = self.db.collection(collection)
        self._revectorize(target, obj, True, headers)
        target.merge(obj, rules=self.write_rules)

    def validate(self, principal: Principal | None, collection: str, obj: IncomingObject) -> None:
        """POST /v1/objects/validate: a write's checks, nothing stored; every problem is Weaviate's
        "invalid object: ..." (422)."""
        self._authz.authorize(principal, perm.READ, perm.objects(collection, "", obj.uuid))
        try:
            self._check_names(obj)
            self.db.collection(collection).validate(obj)
        except LoomError as exc:
            message = exc.message if exc.message.startswith("invalid object: ") else f"invalid object: {exc.message}"
            raise InvalidInput(message) from None

    def get(self, principal: Principal | None, collection: str, uuid: str, with_vector: bool, tenant: str = ""
            ) -> ObjectView:
        self._authz.authorize(principal, perm.READ, perm.objects(collection, tenant, uuid))
        return _read(self.db.collection(collection), uuid, with_vector, tenant)

    def exists(self, principal: Principal | None, collection: str, uuid: str, tenant: str = "") -> bool:
        self._authz.authorize(principal, perm.READ, perm.objects(collection, tenant, uuid))
        return self.db.collection(collection).exists(uuid, tenant=tenant)

    def delete(self, principal: Principal | None, collection: str, uuid: str, tenant: str = "") -> bool:
        self._authz.authorize(principal, perm.DELETE, perm.objects(collection, tenant, uuid))
        return self.db.collection(collection).delete([uuid], tenant=tenant)[0]

    def batch_put(self, principal: Principal | None, entries: list[BatchEntry], headers: Headers
                  ) -> dict[int, str]:
        """Upsert objects, one engine call per collection; returns {request position: error} for failed ones.
        Module vectors are computed per collection in one call per vector space.

        The principal must be allowed to update and create objects in every (collection, tenant) of the batch (a
        batch is an upsert), or nothing is stored (Forbidden). An unknown collection, a property name auto-schema
        cannot add, or a failed vectorisation fails only its own objects."""
        shards = sorted({(name, obj.tenant) for _, name, obj in entries})
        for verb in (perm.UPDATE, perm.CREATE):
            self._authz.authorize(principal, verb, *(perm.objects(name, tenant) for name, tenant in shards))
        objects_by_collection: dict[str, list[tuple[int, IncomingObject]]] = defaultdict(list)
        errors: dict[int, str] = {}
        for pos, name, obj in entries:
            problem = self.write_rules.name_problem(obj)
            if problem:
                errors[pos] = problem
            else:
                objects_by_collection[name].append((pos, obj))
        stored = 0
        for name, items in objects_by_collection.items():
            try:
                collection = self._writable(principal, name)
            except LoomError as exc:
                errors.update({pos: exc.message for pos, _ in items})
                continue
            if self.vectorization is not None:
                self._keep_stored_vectors(collection, [obj for _, obj in items])
                failed = self.vectorization.fill(collection.doc, [obj for _, obj in items], headers)
                errors.update({items[i][0]: message for i, message in failed.items()})
                items = [item for i, item in enumerate(items) if i not in failed]
            results = collection.put_many([obj for _, obj in items], rules=self.write_rules)
            for (pos, _), err in zip(items, results):
                if err is None:
                    stored += 1
                else:
                    errors[pos] = err
        self.batch_stats.record(stored)
        return errors

    def _keep_stored_vectors(self, collection: ObjectCollection, objects: list[IncomingObject]) -> None:
        """A batch upsert of objects that exist: their unchanged embedded texts keep the stored vectors (no
        module call). An object whose tenant cannot be read is left to put_many, which reports it."""
        assert self.vectorization is not None
        doc = collection.doc
        if not self.vectorization.sources(doc):
            return
        for obj in objects:
            try:
                current = collection.get(obj.uuid, with_vectors=True, tenant=obj.tenant)
            except LoomError:
                continue
            if current is not None:
                self.vectorization.keep_unchanged(doc, obj, current)

    def open_stream(self, principal: Principal | None, on_results: Callable[[StreamResults], None],
                    on_done: Callable[[], None], headers: Headers, references: ReferenceBatch | None = None
                    ) -> StreamSession:
        """A BatchStream session: items submitted are stored in order through `batch_put` (objects) and
        `references` (reference items, after the objects of the same group); `on_results` gets a StreamResults per
        stored group, `on_done` is called once everything submitted before `finish` is stored."""
        return StreamSession(self, principal, on_results, on_done, references=references, headers=headers)

    def delete_many(self, principal: Principal | None, collection: str, flt: Filter, dry_run: bool, tenant: str = ""
                    ) -> DeleteOutcome:
        self._authz.authorize(principal, perm.DELETE, perm.objects(collection, tenant))
        target = self.db.collection(collection)
        check_filters(target.doc, flt)
        uuids, matches = target.delete_where(flt, dry_run, self.query_maximum_results, tenant=tenant)
        # Weaviate counts every matched object without error as successful, in a dry run too
        # (grpc/v1 batchDeleteReplyFromObjects)
        return DeleteOutcome(matches=len(uuids), uuids=uuids, successful=len(uuids), failed=0)


def _read(collection: ObjectCollection, uuid: str, with_vector: bool, tenant: str) -> ObjectView:
    found = collection.get(uuid, with_vectors=with_vector, tenant=tenant)
    if found is None:
        raise NotFound(f"object {uuid} not found")
    return ObjectView(collection_shape(collection.doc), found)


# ---- streaming import (gRPC BatchStream: batch.stream(), data.ingest()) ------------------------------------------
# stores /v1/batch/references-shaped items: one error (None = stored) per item (usecases/references.py batch)
ReferenceBatch = Callable[[list[dict[str, str]]], list[str | None]]
REFERENCES_UNAVAILABLE = "cross-references cannot be stored in this batch stream"


@dataclass
class StreamItem:
    """One object or reference received on a stream. `key` is what the client tracks it by: the object's uuid,
    or the reference's beacon key (weaviate://localhost/{from_collection}/{from_uuid}/{name})."""

    key: str
    collection: str = ""
    obj: IncomingObject | None = None   # None when it failed to parse (see `error`)
    error: str | None = None
    is_reference: bool = False
    reference: dict[str, str] | None = None     # a reference as a /v1/batch/references item (from, to, tenant)


@dataclass
class StreamResults:
    """What became of a group of stream items: successes and (key, message) errors, objects and references apart."""

    successes: list[str]
    errors: list[tuple[str, str]]
    reference_successes: list[str]
    reference_errors: list[tuple[str, str]]


class StreamSession:
    """One BatchStream: a bounded work queue drained by one worker thread through the same `batch_put` as
    BatchObjects, so the stream is processed as it arrives and never accumulated.

    Busy, honestly: `pending` = objects admitted but not yet stored (queued + being stored). `submit` blocks while
    admitting a message would push `pending` over `capacity`; the adapter acknowledges a message only once it is
    admitted, and the client stops sending when it has a batch worth of unacknowledged objects, so the queue
    bounds server memory. `suggested_batch_size` (the `backoff` message) follows Weaviate's stream handler: what
    the worker stores in about TARGET_SECONDS at its measured rate, between 100 and 1000, and it never grows
    while the queue is three-quarters full."""

    MIN_BATCH, MAX_BATCH = 100, 1000
    TARGET_SECONDS = 0.5

    def __init__(self, service: ObjectService, principal: Principal | None,
                 on_results: Callable[[StreamResults], None], on_done: Callable[[], None], headers: Headers,
                 capacity: int = 4000, max_batch: int = 1000, references: ReferenceBatch | None = None) -> None:
        self.service = service
        self.principal = principal
        self.headers = headers
        self.references = references
        self.capacity = capacity
        self.max_batch = max_batch
        self._on_results = on_results
        self._on_done = on_done
        self._queue: deque[list[StreamItem]] = deque()
        self._pending = 0
        self._closed = False
        self._cancelled = False
        self._cond = threading.Condition()
        self._batch_size = 100           # the client's starting batch size (sync.py)
        self._rate = 200.0               # objects/s the worker stores (EMA); Weaviate starts at 200
        self._worker = threading.Thread(target=self._run, name="loomdb-batch-stream", daemon=True)
        self._worker.start()

    # ---- called by the adapter's reader -------------------------------------------------------------------
    def submit(self, items: list[StreamItem]) -> int | None:
        """Admit one message's items, waiting while the queue is full. Returns the batch size to suggest to the
        client now, or None if the stream was cancelled."""
        with self._cond:
            while (self._pending and self._pending + len(items) > self.capacity) and not self._cancelled:
                self._cond.wait(0.5)
            if self._cancelled:
                return None
            self._queue.append(items)
            self._pending += len(items)
            self._cond.notify_all()
        return self.suggested_batch_size()

    def finish(self) -> None:
        """No more input (`stop` received or the client half-closed): store what is queued, then report done."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def cancel(self) -> None:
        """The RPC ended abnormally: drop queued work and stop the worker."""
        with self._cond:
            self._cancelled = True
            self._queue.clear()
            self._cond.notify_all()

    def suggested_batch_size(self) -> int:
        with self._cond:
            target = int(min(self.MAX_BATCH, max(self.MIN_BATCH, self._rate * self.TARGET_SECONDS)))
            if self._pending >= 0.75 * self.capacity:
                target = min(target, self._batch_size)
            self._batch_size = target
            return target

    @property
    def pending(self) -> int:
        return self._pending

    # ---- the worker ---------------------------------------------------------------------------------------
    def _take(self) -> list[StreamItem] | None:
        """Up to `max_batch` queued items (whole messages), or None when the stream is over."""
        with self._cond:
            while not self._queue and not self._closed and not self._cancelled:
                self._cond.wait(0.5)
            if self._cancelled or not self._queue:
                return None
            taken = list(self._queue.popleft())
            while self._queue and len(taken) + len(self._queue[0]) <= self.max_batch:
                taken.extend(self._queue.popleft())
            return taken

    def _run(self) -> None:
        try:
            while (items := self._take()) is not None:
                started = time.perf_counter()
                try:
                    results = self._store(items)
                finally:
                    rate = len(items) / max(time.perf_counter() - started, 1e-6)
                    with self._cond:
                        self._pending -= len(items)
                        self._rate = 0.75 * self._rate + 0.25 * rate
                        self._cond.notify_all()
                if not self._cancelled:
                    self._on_results(results)
        finally:
            if not self._cancelled:
                self._on_done()

    def _store(self, items: list[StreamItem]) -> StreamResults:
        results = StreamResults([], [], [], [])
        entries: list[BatchEntry] = []
        for pos, item in enumerate(items):
            if item.is_reference:
                continue                           # stored after the objects (their source objects may be here)
            if item.error is not None:
                results.errors.append((item.key, item.error))
            else:
                assert item.obj is not None        # a parsed item carries its object
                entries.append((pos, item.collection, item.obj))
        if entries:
            try:
                errors = self.service.batch_put(self.principal, entries, self.headers)
            except LoomError as exc:               # e.g. Forbidden: this group's objects fail, the stream goes on
                errors = {pos: exc.message for pos, _, _ in entries}
            except Exception as exc:  # noqa: BLE001 - a bug fails this group's objects, never the stream
                errors = {pos: f"internal error: {type(exc).__name__}: {exc}" for pos, _, _ in entries}
            for pos, _, _ in entries:
                if pos in errors:
                    results.errors.append((items[pos].key, errors[pos]))
                else:
                    results.successes.append(items[pos].key)
        self._store_references([item for item in items if item.is_reference], results)
        return results

    def _store_references(self, refs: list[StreamItem], results: StreamResults) -> None:
        """A group's reference items through the batch references use case, after the group's objects."""
        if not refs:
            return
        errors: list[str | None] = [REFERENCES_UNAVAILABLE] * len(refs)
        if self.references is not None:
            try:
                errors = self.references([r.reference or {} for r in refs])
            except Exception as exc:  # noqa: BLE001 - a bug fails this group's references, never the stream
                errors = [f"internal error: {type(exc).__name__}: {exc}"] * len(refs)
        for ref, err in zip(refs, errors):
            if err is None:
                results.reference_successes.append(ref.key)
            else:
                results.reference_errors.append((ref.key, err))
