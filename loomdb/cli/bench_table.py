"""`loomdb bench`'s human output: one row per workload (and per swept ef) with QPS, latency percentiles and
recall, above the usual findings. Box drawing and colour only on a terminal; aligned plain columns otherwise."""
from __future__ import annotations

import sys
from dataclasses import replace
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from ..toolkit import Report
from .render import print_report

_TABULATED = ("workloads", "ef_sweep", "settings")


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
    sweep = report.measurements.get("ef_sweep", [])
    if sweep:
        console.print(_table("ef sweep (near_vector; * = Pareto frontier)", "ef",
                             [(f"{p['ef']}{' *' if p['pareto'] else ''}", p) for p in sweep], terminal))
    rest = {k: v for k, v in report.measurements.items() if k not in _TABULATED}
    print_report(replace(report, measurements=rest), as_json)


def _table(title: str, first: str, rows: list[tuple[str, dict[str, Any]]], terminal: bool) -> Table:
    table = Table(title=title, box=box.SIMPLE if terminal else None, title_justify="left")
    for column in (first, "QPS", "p50 ms", "p95 ms", "p99 ms", "max ms", "recall", "done", "errors"):
        table.add_column(column, justify="left" if column == first else "right")
    for name, figures in rows:
        recall = figures.get("recall")
        recall_text = f"{recall['mean']:.3f}" if isinstance(recall, dict) else (
            f"{recall:.3f}" if isinstance(recall, float) else "")
        table.add_row(name, f"{figures.get('qps', 0):.1f}", *(f"{figures[m]:.2f}" if m in figures else "" for m in
                      ("p50_ms", "p95_ms", "p99_ms", "max_ms")), recall_text, str(figures.get("completed", "")),
                      str(figures.get("errors", "")))
    return table
