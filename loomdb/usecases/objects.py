"""Single-object operations, batch import, and delete-by-filter."""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

from ..entities.errors import AlreadyExists, LoomError, NotFound
from ..entities.filters import Filter
from ..entities.objects import StoredObject
from .ports import DatabasePort


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


class ObjectService:
    def __init__(self, db: DatabasePort, query_maximum_results: int, autoschema: bool) -> None:
        self.db = db
        self.query_maximum_results = query_maximum_results
        self.autoschema = autoschema
        self.batch_stats = BatchStats()

    def _writable(self, name: str):
        """The collection to write to; with auto-schema on, a missing collection is created (as Weaviate does)."""
        if self.autoschema and not self.db.has_collection(name):
            try:
                self.db.create_collection({"class": name})
            except AlreadyExists:
                pass   # created concurrently by another writer
        return self.db.collection(name)

    def insert(self, collection: str, obj) -> None:
        self._writable(collection).insert(obj)

    def replace(self, collection: str, obj) -> None:
        self.db.collection(collection).replace(obj)

    def merge(self, collection: str, obj) -> None:
        self.db.collection(collection).merge(obj)

    def get(self, collection: str, uuid: str, with_vector: bool) -> StoredObject:
        found = self.db.collection(collection).get(uuid, with_vectors=with_vector)
        if found is None:
            raise NotFound(f"object {uuid} not found")
        return found

    def exists(self, collection: str, uuid: str) -> bool:
        return self.db.collection(collection).exists(uuid)

    def delete(self, collection: str, uuid: str) -> bool:
        return self.db.collection(collection).delete([uuid])[0]

    def batch_put(self, objects_by_collection: dict[str, list[tuple[int, object]]], total: int
                  ) -> dict[int, str]:
        """Upsert objects grouped by collection; returns {request position: error} for failed ones.

        An unknown collection fails only its own objects."""
        errors: dict[int, str] = {}
        stored = 0
        for name, items in objects_by_collection.items():
            try:
                collection = self._writable(name)
            except LoomError as exc:
                errors.update({pos: exc.message for pos, _ in items})
                continue
            results = collection.put_many([obj for _, obj in items])
            for (pos, _), err in zip(items, results):
                if err is None:
                    stored += 1
                else:
                    errors[pos] = err
        self.batch_stats.record(stored)
        return errors

    def delete_many(self, collection: str, flt: Filter, dry_run: bool) -> DeleteOutcome:
        uuids, matches = self.db.collection(collection).delete_where(flt, dry_run, self.query_maximum_results)
        # Weaviate counts every matched object without error as successful, in a dry run too
        # (grpc/v1 batchDeleteReplyFromObjects)
        return DeleteOutcome(matches=len(uuids), uuids=uuids, successful=len(uuids), failed=0)
