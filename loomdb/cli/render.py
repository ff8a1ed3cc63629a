"""Printing a toolkit Report: one JSON document (--json), a coloured table on a terminal, plain lines otherwise
(pipes, files, CI logs get no escape codes and no box drawing)."""
from __future__ import annotations

import json
import sys
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from ..toolkit import Report, Severity

_STYLE = {Severity.CRITICAL: "bold white on red", Severity.HIGH: "bold red", Severity.MEDIUM: "yellow",
          Severity.LOW: "cyan", Severity.INFO: "dim"}


def print_report(report: Report, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), default=_plain) + "\n")
    elif sys.stdout.isatty():
        _print_table(report)
    else:
        _print_plain(report)


def progress(description: str) -> AbstractContextManager[Any]:
    """A spinner on stderr while a step runs, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(description)


def _print_table(report: Report) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"loomdb {report.command}: {report.target}", show_lines=True)
    for column in ("severity", "finding", "evidence", "next action"):
        table.add_column(column, overflow="fold")
    for finding in report.sorted_findings():
        table.add_row(f"[{_STYLE[finding.severity]}]{finding.severity.name}[/]", finding.title,
                      finding.evidence + (f"\n[dim]{finding.why}[/]" if finding.why else ""), finding.action)
    console.print(table)
    measured = Table(title="measured", show_header=False)
    measured.add_column("figure", style="bold")
    measured.add_column("value")
    for key, value in _flatten(report.measurements):
        measured.add_row(key, value)
    console.print(measured)
    console.print(_summary(report), style=_STYLE[report.worst] if report.findings else "green")


def _print_plain(report: Report) -> None:
    out = [f"loomdb {report.command}: {report.target}"]
    for finding in report.sorted_findings():
        out.append(f"[{finding.severity.name}] {finding.title}")
        out.append(f"    seen: {finding.evidence}")
        if finding.why:
            out.append(f"    why:  {finding.why}")
        if finding.action:
            out.append(f"    next: {finding.action}")
    out.append("measured:")
    out.extend(f"    {key}: {value}" for key, value in _flatten(report.measurements))
    out.append(_summary(report))
    sys.stdout.write("\n".join(out) + "\n")


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested measurements as dotted keys; lists of records (an ef sweep) one line per record."""
    if isinstance(value, dict):
        return [row for key, inner in value.items() for row in _flatten(inner, f"{prefix}.{key}" if prefix else key)]
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [(f"{prefix}[{i}]", ", ".join(f"{k}={_short(v)}" for k, v in item.items()))
                for i, item in enumerate(value)]
    return [(prefix, _short(value))]


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _summary(report: Report) -> str:
    counts = {s: sum(1 for f in report.findings if f.severity is s) for s in Severity}
    listed = ", ".join(f"{n} {s.name}" for s, n in sorted(counts.items(), reverse=True) if n) or "no findings"
    return f"{listed} in {report.duration_s:.2f} s (exit {report.exit_code})"


def _plain(value: Any) -> Any:
    """numpy scalars and UUIDs inside measurements become JSON numbers / strings."""
    if hasattr(value, "item"):
        return value.item()
    return str(value)
