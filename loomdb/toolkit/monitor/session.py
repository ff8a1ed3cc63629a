"""The monitoring loop without a screen: take the next snapshot (live or from a recording), derive the window
from the previous one, evaluate the alert rules, log transitions, append to the recording. The TUI and `--once`
both drive it, so they show the same figures."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from ..remote.snapshot import Snapshot, append_snapshot, read_recording, take_snapshot
from ..remote.target import Target
from ..report import Finding, Report, Severity
from .alerts import Alert, AlertLog, AlertRule, LogEntry, evaluate
from .derive import ENABLE_METRICS, Window, derive

Source = Callable[[], "Snapshot | None"]       # None = no more snapshots (a replay ran out)


def live_source(target: Target) -> Source:
    return lambda: take_snapshot(target)


def replay_source(path: Path, last: int | None = None) -> Source:
    """A recording's snapshots in order (`last`: only its final ones, read whole first)."""
    snapshots: Iterator[Snapshot] = read_recording(path) if last is None else iter(list(read_recording(path))[-last:])
    return lambda: next(snapshots, None)


class Monitor:
    def __init__(self, source: Source, rules: list[AlertRule], record: Path | None = None) -> None:
        self.source = source
        self.rules = rules
        self.record = record
        self.log = AlertLog()
        self.previous: Snapshot | None = None
        self.new_entries: list[LogEntry] = []      # the alert log's entries added by the last step
        self.steps = 0

    def step(self) -> Window | None:
        """One refresh: the new window (None when the source has nothing more)."""
        snap = self.source()
        if snap is None:
            return None
        window = derive(self.previous, snap)
        alerts = evaluate(self.rules, window.figures())
        self.new_entries = self.log.update(alerts, snap.taken_at)
        if self.record is not None:
            append_snapshot(self.record, replace(snap, extra={**snap.extra, "alerts": [a.text() for a in alerts]}))
        self.previous = snap
        self.steps += 1
        return window

    def reset(self) -> None:
        """Forget the previous snapshot (rates restart from the next one) and the alert log."""
        self.previous = None
        self.log.clear()

    @property
    def firing(self) -> list[Alert]:
        return list(self.log.firing.values())


def once(monitor: Monitor, interval_s: float, target: str) -> tuple[Window | None, Report]:
    """Two looks `interval_s` apart (so rates exist), as a Report: firing alerts are its findings."""
    started = time.perf_counter()
    window = monitor.step()
    if window is not None:
        time.sleep(interval_s)
        window = monitor.step() or window
    report = Report("monitor", target)
    if window is None or not window.reachable:
        report.unreachable = True
        report.add(Finding("target.reachable", Severity.CRITICAL, "neither /metrics nor /v1/nodes answered",
                           "" if window is None else f"{window.end.metrics_error}; {window.end.nodes_error}",
                           action="check the URL, --metrics-port and that the server runs (`loomdb doctor`)"))
    else:
        if not window.metrics_available:
            report.add(Finding("metrics.available", Severity.INFO, "/metrics did not answer: degraded view "
                               "(objects, shards and nodes only)", window.end.metrics_error, action=ENABLE_METRICS))
        for alert in monitor.firing:
            report.add(alert.finding())
        report.measurements = {**window.to_measurements(), "alerts": [a.text() for a in monitor.firing],
                               "rules": [r.id for r in monitor.rules]}
    report.duration_s = time.perf_counter() - started
    return window, report
