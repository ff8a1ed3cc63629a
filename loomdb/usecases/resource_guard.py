"""Weaviate's disk and memory guard: past DISK_USE_READONLY_PERCENTAGE / MEMORY_READONLY_PERCENTAGE every open
shard turns READONLY ("resource pressure": writes get "store is read-only due to: resource pressure") instead of
the process dying of a full disk or the OOM killer; once usage is back under both thresholds the shards it turned
READONLY are READY again, and `config.update_shards(status="READY")` works as always. Past the *_WARNING_*
percentages it logs Weaviate's warning (at most once a minute). Checked every half second, as Weaviate does."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Protocol

from ..entities.resource_limits import ResourceLimits

log = logging.getLogger("loomdb.resources")

RESOURCE_PRESSURE = "resource pressure"     # Weaviate's statusReasonResourcePressure
READY, READONLY = "READY", "READONLY"
CHECK_INTERVAL = 0.5
_WARNING_EVERY = 60.0


class GuardedShard(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def status_reason(self) -> str: ...
    def set_status(self, status: str, reason: str = "") -> None: ...


class UsageProbe(Protocol):
    def disk_percent(self) -> float | None: ...
    def memory_percent(self) -> float | None: ...


class ResourceGuard:
    def __init__(self, limits: ResourceLimits, usage: UsageProbe,
                 open_shards: Callable[[], Iterable[GuardedShard]]) -> None:
        self.limits = limits
        self.usage = usage
        self.open_shards = open_shards
        self.read_only = False      # the guard currently holds shards READONLY
        self._last_warning = {"disk": -_WARNING_EVERY, "memory": -_WARNING_EVERY}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        return any((self.limits.disk_warning, self.limits.disk_readonly, self.limits.memory_warning,
                    self.limits.memory_readonly))

    def check(self) -> None:
        """One pass: warn, turn shards READONLY past a read-only threshold, or give them back under both."""
        measured = {"disk": self.usage.disk_percent(), "memory": self.usage.memory_percent()}
        readonly = {"disk": self.limits.disk_readonly, "memory": self.limits.memory_readonly}
        warning = {"disk": self.limits.disk_warning, "memory": self.limits.memory_warning}
        over = {kind: pct for kind, pct in measured.items() if pct is not None and readonly[kind] and
                pct > readonly[kind]}
        if not over:
            if self.read_only:
                self._recover()
            for kind, pct in measured.items():
                if pct is not None and warning[kind] and pct > warning[kind]:
                    self._warn(kind, pct, warning[kind])
            return
        self.read_only = True
        switched = 0
        for shard in self.open_shards():
            if shard.status != READONLY:       # a shard READONLY by hand keeps its reason
                shard.set_status(READONLY, RESOURCE_PRESSURE)
                switched += 1
        if switched:
            for kind, pct in over.items():
                log.warning("Set READONLY, %s usage currently at %.2f%%, threshold set to %.2f%%", kind, pct,
                            float(readonly[kind]))

    def _recover(self) -> None:
        self.read_only = False
        for shard in self.open_shards():
            if shard.status == READONLY and shard.status_reason == RESOURCE_PRESSURE:
                shard.set_status(READY)
        log.info("Resource usage below threshold. Set shards back to READY")

    def _warn(self, kind: str, pct: float, threshold: int) -> None:
        now = time.monotonic()
        if now - self._last_warning[kind] >= _WARNING_EVERY:
            self._last_warning[kind] = now
            log.warning("%s usage currently at %.2f%%, threshold set to %.2f%%", kind, pct, float(threshold))

    # ---- the periodic check -------------------------------------------------------------------------------------
    def start(self) -> None:
        if self.enabled and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="loomdb-resource-guard", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                self.check()
            except Exception:       # a shard closing under us, ...: the next pass tries again
                log.exception("resource usage check")
            if self._stop.wait(CHECK_INTERVAL):
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
