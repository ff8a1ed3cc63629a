"""Alert rules: an id, an expression naming derived figures (`Window.figures()`; `*` matches many, each firing on
its own, e.g. `op.*.p99_ms` per operation), a comparison with a threshold, a severity. Built-in defaults; a YAML
or JSON file (`--alerts FILE`) overrides a default by id, adds rules, or disables some:

    rules:
      - {id: latency.p99, expr: "op.*.p99_ms", op: ">", threshold: 250, severity: HIGH, summary: "slow requests"}
    disable: [tombstones.ratio]
    replace_defaults: false        # true: only the file's rules

`AlertLog` remembers which alerts fire, so the dashboard logs each one when it starts and when it resolves."""
from __future__ import annotations

import fnmatch
import json
import operator
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..report import Finding, Severity

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne}


class AlertConfigError(ValueError):
    """The alerts file cannot be read as rules (a usage error)."""


@dataclass(frozen=True)
class AlertRule:
    id: str
    expr: str
    op: str
    threshold: float
    severity: Severity
    summary: str = ""
    action: str = ""

    def matches(self, figures: dict[str, float]) -> list[tuple[str, float]]:
        """(figure name, value) for every figure the expression names whose value crosses the threshold."""
        names = fnmatch.filter(figures, self.expr) if any(c in self.expr for c in "*?[") else [self.expr]
        compare = _COMPARE[self.op]
        return [(name, figures[name]) for name in sorted(names) if name in figures
                and compare(figures[name], self.threshold)]

    def describe(self) -> str:
        return f"{self.expr} {self.op} {self.threshold:g}"


@dataclass(frozen=True)
class Alert:
    """One rule firing on one figure."""

    rule: AlertRule
    subject: str
    value: float

    @property
    def key(self) -> tuple[str, str]:
        return (self.rule.id, self.subject)

    def text(self) -> str:
        return f"{self.rule.id}: {self.subject} = {self.value:.4g} ({self.rule.op} {self.rule.threshold:g})"

    def finding(self) -> Finding:
        return Finding(f"alert.{self.rule.id}", self.rule.severity, self.rule.summary or self.rule.id,
                       f"{self.subject} = {self.value:.4g}, rule {self.rule.describe()}", action=self.rule.action,
                       data={"rule": self.rule.id, "subject": self.subject, "value": self.value,
                             "threshold": self.rule.threshold, "op": self.rule.op})


DEFAULT_RULES = (
    AlertRule("errors.ratio", "error_ratio", ">", 0.05, Severity.HIGH, "more than 5% of requests fail",
              "look at the failing operations (errors column) and the server log"),
    AlertRule("latency.p99", "op.*.p99_ms", ">", 1000, Severity.MEDIUM, "p99 latency above 1 s",
              "run `loomdb audit` (query profile) on the slow operation's collection"),
    AlertRule("shards.readonly", "shards.READONLY", ">", 0, Severity.CRITICAL, "shards are READONLY: writes refused",
              "free disk/memory, then set the shards READY (`loomdb doctor` says which)"),
    AlertRule("nodes.unhealthy", "nodes_unhealthy", ">", 0, Severity.CRITICAL, "a node is not HEALTHY",
              "run `loomdb doctor` on the target"),
    AlertRule("queue.backlog", "queue_length", ">", 10_000, Severity.MEDIUM, "vector indexing queue backlog",
              "wait for async indexing or slow the import; a queue that never shrinks is stuck"),
    AlertRule("tombstones.ratio", "tombstone_ratio", ">", 0.2, Severity.LOW, "tombstones above 20% of objects",
              "deleted vectors are cleaned in the background; check TOMBSTONE_DELETION_* if it keeps growing"),
)


def load_rules(path: Path | None) -> list[AlertRule]:
    """The defaults, overridden/extended by the file's rules (same id = replaced), minus its `disable` list."""
    if path is None:
        return list(DEFAULT_RULES)
    try:
        text = path.read_text(encoding="utf-8")
        doc = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise AlertConfigError(f"cannot read alerts file {path}: {exc}") from None
    if isinstance(doc, list):
        doc = {"rules": doc}
    if not isinstance(doc, dict):
        raise AlertConfigError(f"{path}: expected a mapping with `rules` (or a list of rules)")
    rules = {} if doc.get("replace_defaults") else {r.id: r for r in DEFAULT_RULES}
    for index, raw in enumerate(doc.get("rules") or []):
        rule = _rule(raw, f"{path}: rule {index + 1}")
        rules[rule.id] = rule
    for rule_id in doc.get("disable") or []:
        rules.pop(str(rule_id), None)
    return list(rules.values())


def _rule(raw: Any, where: str) -> AlertRule:
    if not isinstance(raw, dict):
        raise AlertConfigError(f"{where}: expected a mapping")
    missing = [k for k in ("id", "expr", "threshold") if k not in raw]
    if missing:
        raise AlertConfigError(f"{where}: missing {', '.join(missing)}")
    op = str(raw.get("op", ">"))
    if op not in _COMPARE:
        raise AlertConfigError(f"{where}: op must be one of {' '.join(_COMPARE)}, got {op!r}")
    severity = str(raw.get("severity", "MEDIUM")).upper()
    if severity not in Severity.__members__:
        raise AlertConfigError(f"{where}: severity must be one of {', '.join(Severity.__members__)}")
    try:
        threshold = float(raw["threshold"])
    except (TypeError, ValueError):
        raise AlertConfigError(f"{where}: threshold must be a number, got {raw['threshold']!r}") from None
    return AlertRule(str(raw["id"]), str(raw["expr"]), op, threshold, Severity[severity],
                     str(raw.get("summary", "")), str(raw.get("action", "")))


def evaluate(rules: Iterable[AlertRule], figures: dict[str, float]) -> list[Alert]:
    return [Alert(rule, name, value) for rule in rules for name, value in rule.matches(figures)]


@dataclass(frozen=True)
class LogEntry:
    at: float
    fired: bool            # False = resolved
    alert: Alert


class AlertLog:
    """Alerts that fire now, and a log of transitions (fired / resolved), newest last."""

    def __init__(self, limit: int = 500) -> None:
        self.firing: dict[tuple[str, str], Alert] = {}
        self.entries: list[LogEntry] = []
        self._limit = limit

    def update(self, alerts: Iterable[Alert], at: float | None = None) -> list[LogEntry]:
        """Record what fires now; return the new log entries."""
        when = time.time() if at is None else at
        now = {a.key: a for a in alerts}
        new = [LogEntry(when, True, a) for key, a in now.items() if key not in self.firing]
        new += [LogEntry(when, False, a) for key, a in self.firing.items() if key not in now]
        self.firing = now
        self.entries = (self.entries + new)[-self._limit:]
        return new

    def clear(self) -> None:
        self.firing.clear()
        self.entries.clear()
