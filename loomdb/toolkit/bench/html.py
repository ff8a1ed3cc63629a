"""`--html FILE`: one self-contained page (no external files or scripts; charts as base64 PNG) with a run's
settings, its tables and charts, or the history view's trend, to attach to a ticket or a CI artifact."""
from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

from ..report import Report
from .plot import latency_figure, png_bytes, recall_qps_figure, trend_figure

_STYLE = ("body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;"
          "margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}th:first-child,"
          "td:first-child{text-align:left}.HIGH,.CRITICAL{color:#b00}.MEDIUM{color:#b60}img{max-width:100%}")
_RUN_COLUMNS = ("qps", "p50_ms", "p95_ms", "p99_ms", "max_ms", "completed", "errors")
_TREND_COLUMNS = ("run", "config", "workload", "preset", "qps", "p50_ms", "p95_ms", "p99_ms", "recall", "errors")


def write_run_html(report: Report, path: Path) -> Path:
    measurements = report.measurements
    parts = [f"<h1>loomdb bench: {html.escape(report.target)}</h1>"]
    workloads = measurements.get("workloads", {})
    if workloads:
        parts.append(_table("workloads", [{"workload": name, **figures, "recall": _recall(figures)}
                                          for name, figures in workloads.items()],
                            ("workload", *_RUN_COLUMNS, "recall")))
        parts.append(_image(latency_figure(workloads, "latency per workload")))
    for name, figures in workloads.items():
        if "ops" in figures:
            parts.append(_table(f"{name}: per operation", [{"op": kind, **f} for kind, f in figures["ops"].items()],
                                ("op", *_RUN_COLUMNS)))
            parts.append(_image(latency_figure(figures["ops"], f"{name}: latency per operation")))
    if measurements.get("ef_sweep"):
        parts.append(_table("ef sweep", measurements["ef_sweep"], ("ef", "qps", "recall", "p50_ms", "p99_ms",
                                                                    "pareto")))
        parts.append(_image(recall_qps_figure(measurements["ef_sweep"], "near_vector recall vs QPS")))
    parts.append(_findings(report))
    parts.append(_table("settings", [{"setting": k, "value": v} for k, v in measurements.get("settings", {}).items()],
                        ("setting", "value")))
    return _write(path, "loomdb bench", parts)


def write_history_html(report: Report, rows: list[dict[str, Any]], path: Path) -> Path:
    parts = [f"<h1>loomdb bench history: {html.escape(report.target)}</h1>"]
    if rows:
        parts.append(_image(trend_figure(rows, "trend across recorded runs")))
    parts.append(_table("runs", rows, _TREND_COLUMNS))
    parts.append(_findings(report))
    return _write(path, "loomdb bench history", parts)


def _recall(figures: dict[str, Any]) -> Any:
    recall = figures.get("recall")
    return recall.get("mean") if isinstance(recall, dict) else recall


def _image(figure: Any) -> str:
    return f'<img alt="chart" src="data:image/png;base64,{base64.b64encode(png_bytes(figure)).decode()}">'


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1000 else f"{value:.0f}"
    return html.escape("" if value is None else str(value))


def _table(title: str, rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell(row.get(c))}</td>" for c in columns) + "</tr>" for row in rows)
    return f"<h2>{html.escape(title)}</h2><table><tr>{head}</tr>{body}</table>"


def _findings(report: Report) -> str:
    items = "".join(f'<li class="{f.severity.name}"><b>{f.severity.name}</b> {html.escape(f.title)}: '
                    f"{html.escape(f.evidence)}</li>" for f in report.sorted_findings())
    return f"<h2>findings</h2><ul>{items or '<li>none</li>'}</ul>"


def _write(path: Path, title: str, parts: list[str]) -> Path:
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title><style>{_STYLE}</style>"
            f"</head><body>{''.join(parts)}</body></html>\n")
    path.write_text(page, encoding="utf-8")
    return path
