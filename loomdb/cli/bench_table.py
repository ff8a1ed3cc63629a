"""`loomdb bench`'s human output: one row per workload (and per swept ef) with QPS, latency percentiles and
recall, above the usual findings. Box drawing and colour only on a terminal; aligned plain columns otherwise."""
from __future__ import annotations

import sys
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from ..toolkit import Report
from .render import print_report

_TABULATED = ("workloads", "ef_sweep", "settings", "history")


def print_bench(report: Report, as_json: bool) -> None:
    if as_json:
        print_report(report, as_json)
        return
    terminal = sys.stdout.isatty()
    console = Console(no_color=not terminal, highlight=False, width=None if terminal else 160)
    workloads = report.measurements.get("workloads", {})
    if workloads:
        console.print(_table(f"loomdb bench: {report.target} ({report.measurements['settings']['mode']})",
                             "workload", [(name, f) for name, f in workloads.items()], terminal))
    for name, figures in workloads.items():
        if "ops" in figures:
            console.print(_table(f"{name}: per operation ({figures.get('clients', 1)} clients)", "op",
                                 list(figures["ops"].items()), terminal))
        if "acknowledged" in figures:
            ack = figures["acknowledged"]
            lost = f"; LOST {ack['lost']}" if ack["lost"] else ""
            console.print(f"{name}: total {figures['qps']:.1f} ops/s, {figures['errors']} errors; acknowledged "
                          f"{ack['expected']} = stored {ack['stored']} ({ack['before']} before + {ack['inserted']} "
                          f"inserted - {ack['deleted']} deleted){lost}")
    sweep = report.measurements.get("ef_sweep", [])
    if sweep:
        console.print(_table("ef sweep (near_vector; * = Pareto frontier)", "ef",
                             [(f"{p['ef']}{' *' if p['pareto'] else ''}", p) for p in sweep], terminal))
    rest = {k: v for k, v in report.measurements.items() if k not in _TABULATED}
    print_report(replace(report, measurements=rest), as_json)


def _table(title: str, first: str, rows: list[tuple[str, dict[str, Any]]], terminal: bool) -> Table:
    table = Table(title=title, box=box.SIMPLE if terminal else None, title_justify="left")
    with_recall = any("recall" in figures for _name, figures in rows)
    columns = (first, "QPS", "p50 ms", "p95 ms", "p99 ms", "max ms", *(("recall",) if with_recall else ()), "done",
               "errors")
    for column in columns:
        table.add_column(column, justify="left" if column == first else "right")
    for name, figures in rows:
        recall = figures.get("recall")
        recall_text = f"{recall['mean']:.3f}" if isinstance(recall, dict) else (
            f"{recall:.3f}" if isinstance(recall, float) else "")
        table.add_row(name, f"{figures.get('qps', 0):.1f}", *(f"{figures[m]:.2f}" if m in figures else "" for m in
                      ("p50_ms", "p95_ms", "p99_ms", "max_ms")), *((recall_text,) if with_recall else ()),
                      str(figures.get("completed", "")), str(figures.get("errors", "")))
    return table


def print_history(report: Report, as_json: bool) -> None:
    """The history view: one row per recorded run and workload, oldest first, then the trend findings."""
    if as_json:
        print_report(report, as_json)
        return
    terminal = sys.stdout.isatty()
    console = Console(no_color=not terminal, highlight=False, width=None if terminal else 160)
    history = report.measurements["history"]
    table = Table(title=f"loomdb bench history: {history['dir']} ({history['recorded_runs']} runs recorded)",
                  box=box.SIMPLE if terminal else None, title_justify="left")
    texts = ("when (UTC)", "preset", "config", "workload")
    for column in ("run", *texts, "QPS", "p50 ms", "p95 ms", "p99 ms", "recall", "errors"):
        table.add_column(column, justify="left" if column in texts else "right")
    for row in history["rows"]:
        when = datetime.fromtimestamp(row["recorded_at"], timezone.utc).strftime("%Y-%m-%d %H:%M:%S") \
            if row["recorded_at"] else ""
        table.add_row(str(row["run"]), when, row["preset"] or "-", row["config"], row["workload"],
                      _number(row["qps"], 1),
                      *(_number(row[m], 2) for m in ("p50_ms", "p95_ms", "p99_ms")), _number(row["recall"], 3),
                      str(row["errors"]))
    console.print(table)
    rest = {k: v for k, v in report.measurements.items() if k not in _TABULATED}
    print_report(replace(report, measurements=rest), as_json)


def _number(value: Any, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"
