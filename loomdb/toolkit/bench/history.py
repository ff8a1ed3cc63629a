"""Saved runs (`--baseline NAME`) and the regression check against one (`--compare NAME`). A baseline is the
run's JSON document in `<history dir>/<NAME>.json`; the directory defaults to ~/.loomdb/bench (env
LOOMDB_BENCH_HISTORY). Every run is also appended to `<history dir>/runs.jsonl` (one JSON document a line), the
trend the history view reads. A metric regresses when it got worse than the baseline by more than the threshold:
latency percentiles up, QPS down (percent of the baseline), recall down (absolute points)."""
from __future__ import annotations

import hashlib
import json
import os
import re
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..report import Finding, Report, Severity

HISTORY_ENV = "LOOMDB_BENCH_HISTORY"
LATENCIES = ("p50_ms", "p95_ms", "p99_ms")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def default_history_dir() -> Path:
    return Path(os.environ.get(HISTORY_ENV) or Path.home() / ".loomdb" / "bench")


def baseline_path(history_dir: Path, name: str) -> Path:
    if not _NAME.match(name):
        raise ValueError(f"baseline name {name!r}: use letters, digits, '.', '_' or '-' (at most 128)")
    return history_dir / f"{name}.json"


def save_baseline(document: dict[str, Any], history_dir: Path, name: str) -> Path:
    path = baseline_path(history_dir, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    temporary.replace(path)
    return path


def load_baseline(history_dir: Path, name: str) -> dict[str, Any]:
    path = baseline_path(history_dir, name)
    if not path.is_file():
        saved = sorted(p.stem for p in history_dir.glob("*.json")) if history_dir.is_dir() else []
        raise ValueError(f"no baseline {name!r} in {history_dir} (saved: {', '.join(saved) or 'none'})")
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Thresholds:
    latency_pct: float = 10.0       # p50/p95/p99 may rise this many percent
    qps_pct: float = 10.0           # QPS may fall this many percent
    recall_points: float = 0.01     # recall may fall this much (absolute)


def compare(report: Report, baseline: dict[str, Any], name: str, thresholds: Thresholds) -> None:
    """Add one HIGH finding per regressed workload (exit 2) and the per-metric deltas to the measurements."""
    before_all = baseline.get("measurements", {}).get("workloads", {})
    now_all = report.measurements.get("workloads", {})
    deltas: dict[str, Any] = {}
    for workload, now in now_all.items():
        before = before_all.get(workload)
        if not before:
            continue
        rows = _deltas(before, now, thresholds)
        deltas[workload] = rows
        regressed = [f"{metric} {row['baseline']} -> {row['current']} ({row['change_pct']:+.1f} %)"
                     for metric, row in rows.items() if row["regressed"]]
        if regressed:
            report.add(Finding("bench.regression", Severity.HIGH, f"{workload}: regression against baseline {name!r}",
                               "; ".join(regressed),
                               why="Slower or less accurate than the saved run by more than the threshold.",
                               action="Compare configurations and versions of both runs; re-run to rule out noise.",
                               data={"workload": workload, "metrics": rows}))
    settings_then = baseline.get("measurements", {}).get("settings", {})
    settings_now = report.measurements.get("settings", {})
    differing = sorted(k for k in set(settings_then) | set(settings_now)
                       if k != "workloads" and settings_then.get(k) != settings_now.get(k))
    if differing:
        report.add(Finding("bench.settings_differ", Severity.LOW, f"Settings differ from baseline {name!r}",
                           ", ".join(f"{k}: {settings_then.get(k)} -> {settings_now.get(k)}" for k in differing),
                           why="Figures from different settings are not comparable.",
                           action="Re-run with the baseline's settings."))
    report.measurements["comparison"] = {"baseline": name, "thresholds": asdict(thresholds),
                                         "workloads": deltas, "missing": sorted(set(now_all) - set(before_all))}


def _deltas(before: dict[str, Any], now: dict[str, Any], thresholds: Thresholds) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for metric in LATENCIES:
        if metric in before and metric in now:
            change = _pct(before[metric], now[metric])
            rows[metric] = _row(before[metric], now[metric], change, change > thresholds.latency_pct)
    if "qps" in before and "qps" in now:
        change = _pct(before["qps"], now["qps"])
        rows["qps"] = _row(before["qps"], now["qps"], change, -change > thresholds.qps_pct)
    recall_then, recall_now = (before.get("recall") or {}).get("mean"), (now.get("recall") or {}).get("mean")
    if recall_then is not None and recall_now is not None:
        rows["recall"] = _row(recall_then, recall_now, _pct(recall_then, recall_now),
                              recall_then - recall_now > thresholds.recall_points)
    return rows


def _pct(before: float, now: float) -> float:
    return (now - before) / before * 100 if before else 0.0


def _row(before: float, now: float, change_pct: float, regressed: bool) -> dict[str, Any]:
    return {"baseline": before, "current": now, "change_pct": round(change_pct, 2), "regressed": bool(regressed)}


RUNS_FILE = "runs.jsonl"
TREND_METRICS = ("qps", "p50_ms", "p95_ms", "p99_ms", "recall")


def record_run(document: dict[str, Any], history_dir: Path) -> Path:
    """Append the run's JSON document as one line of `<history dir>/runs.jsonl` (append-only: every run kept)."""
    path = history_dir / RUNS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"recorded_at": time.time(), "report": document}, default=str, separators=(",", ":"))
    with path.open("a", encoding="utf-8") as out:
        out.write(line + "\n")
    return path


def read_runs(history_dir: Path) -> list[dict[str, Any]]:
    """The recorded runs, oldest first; a torn last line (a run killed while writing) is skipped."""
    path = history_dir / RUNS_FILE
    if not path.is_file():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            runs.append(json.loads(line))
        except ValueError:
            continue
    return runs


def trend_rows(runs: list[dict[str, Any]], workloads: tuple[str, ...] = (), preset: str | None = None,
               last: int | None = None) -> list[dict[str, Any]]:
    """One row per (run, workload): when, target, preset and the main metrics, oldest first."""
    rows = []
    for number, run in enumerate(runs, start=1):
        report = run.get("report", {})
        measurements = report.get("measurements", {})
        settings = measurements.get("settings", {})
        if preset and settings.get("preset") != preset:
            continue
        for workload, figures in measurements.get("workloads", {}).items():
            if workloads and workload not in workloads:
                continue
            recall = figures.get("recall")
            rows.append({"run": number, "recorded_at": run.get("recorded_at"), "target": report.get("target"),
                         "preset": settings.get("preset"), "config": _fingerprint(report.get("target"), settings),
                         "workload": workload,
                         "qps": figures.get("qps"), "p50_ms": figures.get("p50_ms"),
                         "p95_ms": figures.get("p95_ms"), "p99_ms": figures.get("p99_ms"),
                         "recall": recall.get("mean") if isinstance(recall, dict) else recall,
                         "errors": figures.get("errors", 0)})
    if last is not None:
        kept = sorted({row["run"] for row in rows})[-last:]
        rows = [row for row in rows if row["run"] in kept]
    return rows


def trend_findings(rows: list[dict[str, Any]], report: Report, thresholds: Thresholds) -> dict[str, Any]:
    """Per workload: the latest run against the median of the earlier runs with the same target and settings
    (`config`); a drift beyond the thresholds is a MEDIUM finding (a trend to look at; `--compare` against a
    chosen baseline is the CI gate)."""
    trend: dict[str, Any] = {}
    for workload in dict.fromkeys(row["workload"] for row in rows):
        *before, latest = [row for row in rows if row["workload"] == workload]
        earlier = [row for row in before if row["config"] == latest["config"]]
        if not earlier:
            continue
        series = [*earlier, latest]
        median = {m: float(statistics.median(v)) for m in TREND_METRICS
                  if (v := [row[m] for row in earlier if row[m] is not None])}
        now = {m: latest[m] for m in TREND_METRICS if latest[m] is not None}
        deltas = _deltas(_figures(median), _figures(now), thresholds)
        trend[workload] = {"runs": len(series), "latest_run": latest["run"], "metrics": deltas}
        worse = [f"{m} {row['baseline']:g} -> {row['current']:g} ({row['change_pct']:+.1f} %)"
                 for m, row in deltas.items() if row["regressed"]]
        if worse:
            report.add(Finding("bench.trend", Severity.MEDIUM,
                               f"{workload}: run {latest['run']} is worse than the median of {len(earlier)} before",
                               "; ".join(worse), why="A drift across runs, beyond the thresholds.",
                               action="Look at what changed since (version, config, machine load); "
                               "confirm with a --compare against a baseline.",
                               data={"workload": workload, "metrics": deltas}))
    return trend


def _figures(values: dict[str, float]) -> dict[str, Any]:
    """Trend values in the shape of a run's workload figures, which `_deltas` reads (recall as an estimate)."""
    return {metric: ({"mean": value} if metric == "recall" else value) for metric, value in values.items()}


def _fingerprint(target: Any, settings: dict[str, Any]) -> str:
    """Six hex digits naming a run's target and settings: runs with the same one are comparable."""
    text = json.dumps([target, settings], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:6]
