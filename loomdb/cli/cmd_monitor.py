"""`loomdb monitor [URL]`: the live dashboard on a terminal; `--once` prints one snapshot (tables, or a Report with
`--json`) and exits with the alerts' code (0 none, 1 below HIGH, 2 HIGH, 3 CRITICAL/unreachable, 4 usage)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from ..toolkit.monitor import alerts as tk_alerts
from ..toolkit.monitor import session, view
from ..toolkit.monitor.derive import FIGURES
from .render import print_report
from .toolkit_options import ToolkitCommand, build_target, endpoint_options


@click.command(cls=ToolkitCommand)
@endpoint_options
@click.option("--interval", type=click.FloatRange(0.1, 3600), default=2.0, show_default=True,
              help="Seconds between refreshes (with --once: between its two scrapes).")
@click.option("--once", is_flag=True, help="Print one snapshot (two scrapes --interval apart, so rates exist) and "
              "exit with the alerts' exit code; implied by --json.")
@click.option("--alerts", "alerts_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Alert rules (YAML or JSON: rules with id, expr, op, threshold, severity; `disable`, "
              "`replace_defaults`) overriding the built-in ones by id. expr names a figure, `*` matching many: "
              f"{FIGURES}.")
@click.option("--record", type=click.Path(dir_okay=False, path_type=Path),
              help="Append every snapshot to this JSON Lines recording (read by `loomdb incident`).")
@click.option("--replay", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Show a recording instead of a live target (one snapshot per --interval; with --once, its last "
              "two).")
def monitor(url, grpc_port, api_key, headers, metrics_port, timeout, as_json, interval, once, alerts_path, record,
            replay) -> None:
    """Live dashboard of a Weaviate-compatible endpoint from /metrics and /v1/nodes: QPS and p50/p95/p99 per
    operation, errors, import rate, objects, tombstones, indexing queues, shard states, memory, alerts.
    Keys: q quit, p pause, r reset. Without /metrics (PROMETHEUS_MONITORING_ENABLED unset) it shows /v1/nodes only.

    URL defaults to http://localhost:8080 (env LOOMDB_URL)."""
    try:
        rules = tk_alerts.load_rules(alerts_path)
    except tk_alerts.AlertConfigError as exc:
        raise click.UsageError(str(exc)) from None
    if replay is not None and record is not None:
        raise click.UsageError("--replay and --record are exclusive")
    once = once or as_json
    if replay is not None:
        source = session.replay_source(replay, last=2 if once else None)
        label, pause = f"recording {replay}", 0.0
    else:
        target = build_target(url, grpc_port, api_key, headers, metrics_port, timeout)
        source, label, pause = session.live_source(target), target.describe(), interval
    watcher = session.Monitor(source, rules, record)
    if once:
        window, report = session.once(watcher, pause, label)
        if as_json or window is None:
            print_report(report, as_json)
        else:
            _print_once(window, watcher, report.exit_code)
        sys.exit(report.exit_code)
    if not sys.stdout.isatty():
        raise click.UsageError("the dashboard needs a terminal; use --once (or --json) in scripts")
    from ..toolkit.monitor.app import MonitorApp

    MonitorApp(watcher, interval, label).run()


def _print_once(window, watcher: session.Monitor, exit_code: int) -> None:
    """The dashboard's panels once, as tables (no box characters and no colour when stdout is not a terminal)."""
    console = Console()
    boxed = console.is_terminal
    notice = view.degraded_notice(window)
    if notice:
        console.print(notice, style="bold yellow")
    for table in (view.summary(window, boxed), view.operations(window, boxed), view.shards(window, boxed),
                  view.alerts(watcher.log.entries, boxed)):
        console.print(table)
    firing = len(watcher.firing)
    console.print(f"{firing} alert(s) firing (exit {exit_code})" if firing else f"no alert firing (exit {exit_code})")
