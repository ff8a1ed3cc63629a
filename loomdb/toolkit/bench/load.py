"""The load generator: N threads calling one operation for a fixed duration, either as fast as answers come
(max-throughput, closed loop) or at a fixed arrival rate (open loop). In open loop, op i is due at
start + i/rate and its latency is measured from that intended time, not from when a busy worker got round to
sending it: a stalled server then shows as the queueing delay every waiting request saw (coordinated omission
corrected, as wrk2 and HdrHistogram do) instead of one slow sample."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np


class Operation(Protocol):
    def prepare(self, i: int) -> Any:
        """Build op i's payload (not timed in closed loop; done before its due time in open loop)."""

    def execute(self, payload: Any) -> Any:
        """Send it and return what the workload needs afterwards (ids found, the op's kind)."""


@dataclass
class LoadResult:
    latencies_ms: np.ndarray
    indices: np.ndarray             # which op each latency belongs to (outcomes[index] is what it returned)
    service_ms: np.ndarray          # from the actual send (equals latencies_ms in closed loop)
    elapsed_s: float
    outcomes: dict[int, Any] = field(default_factory=dict)
    errors: int = 0
    first_error: str = ""
    failed: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))    # indices of the failed ops

    @property
    def completed(self) -> int:
        return int(self.latencies_ms.size)

    @property
    def qps(self) -> float:
        return self.completed / self.elapsed_s if self.elapsed_s > 0 else 0.0


def run_load(op: Operation, duration_s: float, concurrency: int, rate: float | None = None,
             tick: Callable[[float], None] | None = None, stride: int = 1, offset: int = 0) -> LoadResult:
    """Run `op` for `duration_s` on `concurrency` threads; `rate` (ops/s) switches to open loop. Worker process p
    of P runs the op indices p, p + P, p + 2P ... (`offset`, `stride`): processes send different payloads, and
    in open loop their due times interleave into the one global schedule of `rate`."""
    counter = _Counter(stride, offset)
    start = time.perf_counter()
    deadline = start + duration_s
    per_thread: list[_ThreadLog] = [_ThreadLog() for _ in range(concurrency)]

    def worker(log: _ThreadLog) -> None:
        while True:
            i = counter.next()
            due = start + i / rate if rate else None
            if (due if due is not None else time.perf_counter()) >= deadline:
                return
            payload = op.prepare(i)
            if due is not None:
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
            sent = time.perf_counter()
            try:
                outcome = op.execute(payload)
            except Exception as exc:     # noqa: BLE001 - a failed request is a measured fact, not a crash
                log.errors += 1
                log.failed.append(i)
                log.first_error = log.first_error or f"{type(exc).__name__}: {exc}"[:300]
                continue
            done = time.perf_counter()
            log.indices.append(i)
            log.latency.append(done - (due if due is not None else sent))
            log.service.append(done - sent)
            log.outcomes[i] = outcome
            log.last_done = done

    threads = [threading.Thread(target=worker, args=(log,), daemon=True) for log in per_thread]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(timeout=0.2)
            if tick:
                tick(min(1.0, (time.perf_counter() - start) / duration_s))
    end = max((log.last_done for log in per_thread), default=start) or start
    outcomes: dict[int, Any] = {}
    for log in per_thread:
        outcomes.update(log.outcomes)
    return LoadResult(
        latencies_ms=np.asarray([x for log in per_thread for x in log.latency], dtype=np.float64) * 1000,
        indices=np.asarray([x for log in per_thread for x in log.indices], dtype=np.int64),
        service_ms=np.asarray([x for log in per_thread for x in log.service], dtype=np.float64) * 1000,
        elapsed_s=max(end, start + 1e-9) - start, outcomes=outcomes,
        errors=sum(log.errors for log in per_thread),
        first_error=next((log.first_error for log in per_thread if log.first_error), ""),
        failed=np.asarray([x for log in per_thread for x in log.failed], dtype=np.int64))


def latency_summary(latencies_ms: np.ndarray) -> dict[str, float]:
    """p50/p95/p99/p99.9/max/mean in ms (numpy's linear interpolation between order statistics)."""
    if latencies_ms.size == 0:
        return {}
    p50, p95, p99, p999 = np.percentile(latencies_ms, [50, 95, 99, 99.9])
    return {"p50_ms": round(float(p50), 3), "p95_ms": round(float(p95), 3), "p99_ms": round(float(p99), 3),
            "p999_ms": round(float(p999), 3), "max_ms": round(float(latencies_ms.max()), 3),
            "mean_ms": round(float(latencies_ms.mean()), 3)}


def merge_results(results: list[LoadResult]) -> LoadResult:
    """One result from several processes' runs (started together): every sample kept, so the percentiles of the
    merged run are exact (never an average of per-process percentiles); elapsed is the longest run's."""
    outcomes: dict[int, Any] = {}
    for result in results:
        outcomes.update(result.outcomes)
    return LoadResult(
        latencies_ms=np.concatenate([r.latencies_ms for r in results]),
        indices=np.concatenate([r.indices for r in results]),
        service_ms=np.concatenate([r.service_ms for r in results]),
        elapsed_s=max(r.elapsed_s for r in results), outcomes=outcomes, errors=sum(r.errors for r in results),
        first_error=next((r.first_error for r in results if r.first_error), ""),
        failed=np.concatenate([r.failed for r in results]))


class _Counter:
    def __init__(self, stride: int = 1, offset: int = 0) -> None:
        self._value = 0
        self._stride, self._offset = stride, offset
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            value = self._value
            self._value += 1
            return value * self._stride + self._offset


@dataclass
class _ThreadLog:
    indices: list[int] = field(default_factory=list)
    latency: list[float] = field(default_factory=list)
    service: list[float] = field(default_factory=list)
    outcomes: dict[int, Any] = field(default_factory=dict)
    failed: list[int] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    last_done: float = 0.0
