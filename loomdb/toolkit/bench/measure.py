"""One workload's measured run and its figures in the report: throughput, latency percentiles (over every sample
of every client process), errors as findings, and for the mixes the same figures per kind of operation."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..remote.target import Target
from ..report import Finding, Report, Severity
from .load import LoadResult, latency_summary
from .spec import OpSpec
from .workers import Measured, Shape, run_spec

Progress = Callable[[str], None]


def run_workload(spec: OpSpec, target: Target, client: Any, duration_s: float, shape: Shape, report: Report,
                 say: Progress, name: str | None = None) -> Measured | None:
    """Run `spec` and put its figures under measurements.workloads[name or spec.workload]; None (and a HIGH
    finding) when a worker process could not run it at all."""
    name = name or spec.workload
    label = (f"{name}: {duration_s:g} s on {shape.processes} process(es) x {shape.threads} thread(s)"
             + (f" at {shape.rate:g} ops/s" if shape.rate else ""))
    say(label)
    try:
        measured = run_spec(spec, target, client, duration_s, shape,
                            lambda done: say(f"{label} [{done * 100:3.0f} %]"))
    except RuntimeError as exc:
        report.add(Finding("workload.failed", Severity.HIGH, f"{name}: the load could not run", str(exc),
                           why="No figures were measured for this workload.",
                           action="Check the target and lower --processes.", data={"workload": name}))
        return None
    result = measured.result
    figures: dict[str, Any] = {"qps": round(result.qps, 2), "completed": result.completed, "errors": result.errors,
                               "elapsed_s": round(result.elapsed_s, 3), **latency_summary(result.latencies_ms)}
    if shape.rate:
        figures["target_qps"] = shape.rate
        figures["service"] = latency_summary(result.service_ms)   # from the actual send, for comparison
    if shape.processes > 1 or shape.threads > 1:
        figures["clients"] = shape.processes * shape.threads
    if result.elapsed_s > 0:
        figures["client_cpu_cores"] = round(measured.client_cpu_s / result.elapsed_s, 3)
    report.measurements.setdefault("workloads", {})[name] = figures
    if result.errors:
        severity = Severity.HIGH if result.completed == 0 else Severity.MEDIUM
        report.add(Finding("workload.errors", severity, f"{name}: {result.errors} request(s) failed",
                           f"{result.errors} failed, {result.completed} completed; first: {result.first_error}",
                           why="Failed requests are excluded from the latency figures, which then flatter.",
                           action="Run `loomdb doctor`; lower --concurrency or --rate.", data={"workload": name}))
    elif result.completed == 0:
        report.add(Finding("workload.empty", Severity.HIGH, f"{name}: no request completed",
                           f"0 completed in {duration_s:g} s", action="Raise --duration.", data={"workload": name}))
    return measured


def per_kind(result: LoadResult, kind_of: Callable[[int], str], kinds: tuple[str, ...]) -> dict[str, Any]:
    """Figures per kind of operation of a mix: completed, errors, its own ops/s and percentiles."""
    done = np.asarray([kind_of(int(i)) for i in result.indices]) if result.indices.size else np.zeros(0, str)
    failed = [kind_of(int(i)) for i in result.failed]
    out: dict[str, Any] = {}
    for kind in kinds:
        chosen = result.latencies_ms[done == kind] if done.size else result.latencies_ms[:0]
        out[kind] = {"completed": int(chosen.size), "errors": failed.count(kind),
                     "qps": round(chosen.size / result.elapsed_s, 2) if result.elapsed_s > 0 else 0.0,
                     **latency_summary(chosen)}
    return out
