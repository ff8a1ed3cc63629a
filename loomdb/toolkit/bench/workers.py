"""Load from several client processes, so one Python client's GIL is not the ceiling of what is measured. Each
worker process (multiprocessing's `spawn`: safe on Windows and macOS, no inherited sockets or threads) opens its own
official client, rebuilds the operation from its `OpSpec`, warms up, waits at a barrier so all start together, runs
`threads` threads, and sends back every latency sample; the parent merges them exactly (`merge_results`)."""
from __future__ import annotations

import multiprocessing
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..remote.target import Target
from .load import LoadResult, merge_results, run_load
from .spec import OpSpec

_START_TIMEOUT_S = 120.0       # importing the client and connecting, per process, on a loaded machine


@dataclass(frozen=True)
class Shape:
    """How the load is sent: `processes` x `threads` clients, closed loop or at `rate` ops/s in total."""

    processes: int = 1
    threads: int = 1
    rate: float | None = None
    warmup_s: float = 0.0


@dataclass
class Measured:
    result: LoadResult
    client_cpu_s: float        # CPU time the load generators used during the measured run (all processes)
    acknowledged: dict[str, int] = field(default_factory=dict)   # writes the server acknowledged, warm-up included


def _acknowledged(op: Any) -> dict[str, int]:
    """What a writing operation counts of its acknowledged writes (LoadMix), else nothing."""
    return dict(op.acknowledged()) if hasattr(op, "acknowledged") else {}


def run_spec(spec: OpSpec, target: Target, client: Any, duration_s: float, shape: Shape,
             tick: Callable[[float], None] | None = None) -> Measured:
    """Run the operation for `duration_s`: in this process on `client` when `shape.processes` is 1."""
    if shape.processes == 1:
        op = spec.build(client)
        if shape.warmup_s:
            run_load(op, shape.warmup_s, shape.threads, shape.rate)
        cpu = time.process_time()
        result = run_load(op, duration_s, shape.threads, shape.rate, tick)
        return Measured(result, time.process_time() - cpu, _acknowledged(op))
    return _run_processes(spec, target, duration_s, shape, tick)


def _run_processes(spec: OpSpec, target: Target, duration_s: float, shape: Shape,
                   tick: Callable[[float], None] | None) -> Measured:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(shape.processes + 1)
    answers = context.Queue()
    workers = [context.Process(target=_worker, args=(spec, target, duration_s, shape, p, barrier, answers),
                               daemon=True, name=f"loomdb-bench-{p}") for p in range(shape.processes)]
    for worker in workers:
        worker.start()
    try:
        barrier.wait(timeout=_START_TIMEOUT_S + shape.warmup_s)
    except Exception:       # noqa: BLE001 - a worker that failed to start broke the barrier; its answer says why
        pass
    started = time.perf_counter()
    results: dict[int, tuple[LoadResult | None, float, dict[str, int], str]] = {}
    while len(results) < shape.processes:
        try:
            place, *answer = answers.get(timeout=0.2)
            results[place] = tuple(answer)
        except queue.Empty:
            if not any(w.is_alive() for w in workers) and answers.empty():
                break
        if tick:
            tick(min(1.0, (time.perf_counter() - started) / duration_s))
    for worker in workers:
        worker.join(timeout=10)
        if worker.is_alive():
            worker.terminate()
    failures = [error for *_rest, error in results.values() if error]
    done = [result for result, *_rest in results.values() if result is not None]
    if len(done) < shape.processes:
        missing = shape.processes - len(done)
        raise RuntimeError(f"{missing} of {shape.processes} bench worker process(es) failed: "
                           f"{failures[0] if failures else 'exited without an answer'}")
    acknowledged: dict[str, int] = {}
    for _result, _cpu, counts, _error in results.values():
        for key, value in counts.items():
            acknowledged[key] = acknowledged.get(key, 0) + value
    return Measured(merge_results(done), sum(cpu for _result, cpu, *_rest in results.values()), acknowledged)


def _worker(spec: OpSpec, target: Target, duration_s: float, shape: Shape, place: int, barrier: Any,
            answers: Any) -> None:
    """One worker process: its own client, warm-up, then the measured run at its share of the rate."""
    client = None
    try:
        client = target.connect()
        op = spec.build(client, place, shape.processes)
        if shape.warmup_s:
            run_load(op, shape.warmup_s, shape.threads)
        barrier.wait(timeout=_START_TIMEOUT_S + shape.warmup_s)
        cpu = time.process_time()
        result = run_load(op, duration_s, shape.threads, shape.rate, stride=shape.processes, offset=place)
        answers.put((place, result, time.process_time() - cpu, _acknowledged(op), ""))
    except Exception as exc:    # noqa: BLE001 - reported to the parent, which fails the workload with it
        barrier.abort()
        answers.put((place, None, 0.0, {}, f"{type(exc).__name__}: {exc}"[:300]))
    finally:
        if client is not None:
            client.close()
