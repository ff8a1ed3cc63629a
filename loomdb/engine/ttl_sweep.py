"""Object time-to-live: the background deletion of expired objects (Weaviate's objects TTL cron).

Each run walks every collection with object TTL on and each of its open shards, finds the expired objects
column-wise (creation/update timestamps, or the date property's filter column) and deletes them through the
shard's ordinary delete path, in batches so writers are never held off for long. Closed (inactive, offloaded)
tenants are left alone until they are active again."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

import numpy as np

from ..entities.errors import LoomError
from ..entities.object_ttl import TIMESTAMP_FIELDS, ExpiryRule, expiry_rule
from .collection import Collection
from .inverted.columns import ScalarColumn
from .schedule import Schedule
from .shard import Shard

DELETE_BATCH = 10_000          # objects per delete call (one store transaction, one write-lock hold)
_TICK = 1.0                    # seconds between looks at the schedule
log = logging.getLogger("loomdb")


def _padded(values: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, values.dtype)
    out[:min(n, len(values))] = values[:n]
    return out


def expired_uuids(shard: Shard, rule: ExpiryRule, now_ms: int) -> list[str]:
    """Live objects of `shard` whose expiry (rule.expires_at_ms) is at or before `now_ms`."""
    with shard.read():
        n = shard.slot_count
        alive = shard.alive_view()[:n]
        if rule.delete_on in TIMESTAMP_FIELDS:
            which = "created" if rule.delete_on == TIMESTAMP_FIELDS[0] else "updated"
            expired = alive & (shard.timestamps(which)[:n] + rule.ttl_seconds * 1000 <= now_ms)
            return shard.uuids_of(np.flatnonzero(expired))
        column = shard.columns.get(rule.delete_on)
        if isinstance(column, ScalarColumn) and column.kind == "date":
            present = _padded(column.present.view(), n)
            micros = _padded(column.values.view(), n)
            expired = alive & present & (micros + rule.ttl_seconds * 1_000_000 <= now_ms * 1000)
            return shard.uuids_of(np.flatnonzero(expired))
        slots = np.flatnonzero(alive)
        docs = shard.docs_of(slots).tolist()
    # the property lost both its filter indexes since: read its values from the store instead
    values = shard.property_values(docs, rule.delete_on)
    found = [s for s, v in zip(slots.tolist(), values)
             if (at := rule.expires_at_ms(0, 0, {rule.delete_on: v})) is not None and at <= now_ms]
    with shard.read():
        return shard.uuids_of(found)


def sweep(collections: Sequence[Collection], now_ms: int) -> int:
    """Delete every expired object of every open shard; returns how many were deleted."""
    deleted = 0
    for collection in collections:
        rule = expiry_rule(collection.doc)
        if rule is None:
            continue
        for shard in collection.shards.open_shards():
            try:
                uuids = expired_uuids(shard, rule, now_ms)
                for start in range(0, len(uuids), DELETE_BATCH):
                    deleted += sum(shard.delete(uuids[start:start + DELETE_BATCH]))
            except LoomError as exc:        # read-only shard, shard closed meanwhile: the next run tries again
                log.info("object TTL deletion in %s skipped: %s", collection.name, exc.message)
    return deleted


class TtlSweeper:
    """The thread running `sweep` on a Schedule (OBJECTS_TTL_DELETE_SCHEDULE); no thread when it is ""."""

    def __init__(self, collections: Callable[[], Sequence[Collection]], schedule: Schedule) -> None:
        self._collections = collections
        self.schedule = schedule
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> TtlSweeper:
        if self.schedule.enabled:
            self._thread = threading.Thread(target=self._loop, name="loomdb-object-ttl", daemon=True)
            self._thread.start()
        return self

    def _loop(self) -> None:
        last = time.time()
        while not self._stopping.wait(_TICK):
            now = time.time()
            if not self.schedule.due(last, now):
                continue
            last = now
            try:
                count = sweep(self._collections(), int(now * 1000))
            except Exception:       # noqa: BLE001 - a failed run must not end the schedule
                log.exception("object TTL deletion")
                continue
            if count:
                log.info("object TTL: deleted %d expired objects", count)

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
