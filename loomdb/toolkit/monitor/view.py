"""The dashboard's panels as rich renderables, built from one `Window`: the TUI shows them in its widgets and
`monitor --once` prints them, so both read the same. `boxed=False` draws no box characters (pipes, CI logs)."""
from __future__ import annotations

import time
from collections.abc import Iterable

from rich import box
from rich.table import Table
from rich.text import Text

from ..report import Severity
from .alerts import LogEntry
from .derive import ENABLE_METRICS, Window

_SEVERITY_STYLE = {Severity.CRITICAL: "bold white on red", Severity.HIGH: "bold red", Severity.MEDIUM: "yellow",
                   Severity.LOW: "cyan", Severity.INFO: "dim"}
MAX_SHARD_ROWS = 200


def degraded_notice(window: Window) -> str | None:
    """The plain sentence the dashboard shows when /metrics is missing (None when it answered)."""
    if window.metrics_available:
        return None
    return (f"DEGRADED: /metrics did not answer ({window.end.metrics_error}); showing /v1/nodes only: "
            f"{ENABLE_METRICS}.")


def summary(window: Window, boxed: bool = True) -> Table:
    table = _table("overview", boxed, show_header=False)
    table.add_column("figure", style="bold")
    table.add_column("value", justify="right")
    rates = window.seconds > 0
    if window.metrics_available:
        table.add_row("QPS", f"{window.qps:.1f}" if rates else "…")
        table.add_row("errors", f"{window.errors:g} ({window.errors / window.requests:.1%})"
                      if rates and window.requests else ("0" if rates else "…"))
    else:
        table.add_row("QPS", "n/a (no /metrics)")
    table.add_row("import rate", f"{window.import_rate:.1f} obj/s" if window.import_rate is not None else "…")
    table.add_row("objects", f"{window.objects:,}")
    table.add_row("tombstones", f"{window.tombstones:,}" if window.metrics_available else "n/a")
    table.add_row("indexing queue", f"{window.queue_length:,}")
    table.add_row("memory", _bytes(window.memory_bytes))
    table.add_row("shard states", ", ".join(f"{k} {v}" for k, v in sorted(window.shard_states.items()) if v) or "-")
    for node in window.nodes:
        style = "green" if node["status"] == "HEALTHY" else "bold red"
        table.add_row(f"node {node['name']}", Text(f"{node['status']} {node['version']}", style=style))
    if window.end.nodes_error:
        table.add_row("/v1/nodes", Text(window.end.nodes_error, style="red"))
    return table


def operations(window: Window, boxed: bool = True) -> Table:
    title = f"operations (last {window.seconds:.1f} s)" if window.seconds > 0 else "operations"
    table = _table(title, boxed)
    for name, justify in (("operation", "left"), ("QPS", "right"), ("p50 ms", "right"), ("p95 ms", "right"),
                          ("p99 ms", "right"), ("errors", "right")):
        table.add_column(name, justify=justify)     # type: ignore[arg-type]
    if not window.metrics_available:
        table.add_row(Text("no /metrics: " + ENABLE_METRICS, style="yellow"), "", "", "", "", "")
    elif window.seconds <= 0:
        table.add_row(Text("waiting for a second scrape…", style="dim"), "", "", "", "", "")
    elif not window.operations:
        table.add_row(Text("no requests in the window", style="dim"), "", "", "", "", "")
    for op in window.operations:
        errors = Text(f"{op.errors:g}", style="bold red" if op.errors else "")
        table.add_row(op.key, f"{op.qps:.1f}", *(_ms(op.percentiles_ms[k]) for k in ("p50_ms", "p95_ms", "p99_ms")),
                      errors)
    return table


def shards(window: Window, boxed: bool = True) -> Table:
    table = _table("collections / shards", boxed)
    for name, justify in (("collection", "left"), ("shard", "left"), ("objects", "right"),
                          ("tombstones", "right"), ("queue", "right"), ("status", "left")):
        table.add_column(name, justify=justify)     # type: ignore[arg-type]
    for shard in window.shards[:MAX_SHARD_ROWS]:
        status = Text(shard.status, style="green" if shard.status == "READY" else "bold yellow")
        table.add_row(shard.collection, shard.shard + ("" if shard.loaded else " (unloaded)"), f"{shard.objects:,}",
                      "-" if shard.tombstones is None else f"{shard.tombstones:,}", f"{shard.queue_length:,}", status)
    if len(window.shards) > MAX_SHARD_ROWS:
        table.add_row(f"… {len(window.shards) - MAX_SHARD_ROWS} more", "", "", "", "", "")
    if not window.shards:
        table.add_row(Text("no collections", style="dim"), "", "", "", "", "")
    return table


def alert_line(entry: LogEntry) -> Text:
    clock = time.strftime("%H:%M:%S", time.localtime(entry.at))
    rule = entry.alert.rule
    if entry.fired:
        return Text.assemble(f"{clock} ", (f"{rule.severity.name:<8}", _SEVERITY_STYLE[rule.severity]),
                             f" FIRING   {entry.alert.text()}" + (f" — {rule.summary}" if rule.summary else ""))
    return Text(f"{clock} {'':<8} resolved {entry.alert.rule.id}: {entry.alert.subject}", style="green")


def alerts(entries: Iterable[LogEntry], boxed: bool = True) -> Table:
    table = _table("alerts", boxed, show_header=False)
    table.add_column("entry")
    lines = [alert_line(e) for e in entries]
    for line in lines:
        table.add_row(line)
    if not lines:
        table.add_row(Text("no alert fired", style="green"))
    return table


def _table(title: str, boxed: bool, show_header: bool = True) -> Table:
    return Table(title=title, box=box.SIMPLE_HEAD if boxed else None, show_header=show_header, title_justify="left",
                 expand=False, pad_edge=False)


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if value < 10 else f"{value:.0f}"


def _bytes(value: float | None) -> str:
    if value is None:
        return "n/a"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"
