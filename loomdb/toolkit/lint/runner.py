"""Runs the configured rules over the loaded classes: hits become findings unless ignored (config entries or a
`loomdb-lint: ignore` marker in the class/property description), and the compliance summary (rules passed,
failed, skipped; score) goes into the report's measurements."""
from __future__ import annotations

import time
from typing import Any

from ..report import Finding, Report, Severity
from .config import LintConfig, inline_ignores
from .rule import Hit, Rule
from .source import Loaded, line_of


def run(loaded: Loaded, config: LintConfig) -> Report:
    started = time.perf_counter()
    report = Report("lint", loaded.label, unreachable=loaded.unreachable)
    if loaded.unreachable:
        report.add(Finding("rest.reachable", Severity.CRITICAL, f"REST endpoint {loaded.label} does not answer",
                           "GET /v1/.well-known/live failed", "Nothing can be linted.",
                           "Run `loomdb doctor` on the URL, or lint a schema export file."))
        return report
    ctx = loaded.context
    markers = _markers(ctx.classes)
    statuses: dict[str, str] = {}
    suppressed = 0
    for rule_id, settings in config.settings.items():
        if not settings.enabled:
            statuses[rule_id] = "disabled"
            continue
        if settings.rule.live_only and not ctx.live:
            statuses[rule_id] = "skipped"
            continue
        failed = False
        for hit in settings.rule.check(ctx, settings.params):
            if config.ignored(rule_id, hit.collection, hit.prop) or _marked(markers, rule_id, hit):
                suppressed += 1
                continue
            failed = True
            report.add(_finding(settings.rule, settings.severity, hit, loaded))
        statuses[rule_id] = "failed" if failed else "passed"
    checked = [s for s in statuses.values() if s in ("passed", "failed")]
    passed = checked.count("passed")
    report.measurements.update({
        "source": "endpoint" if ctx.live else "file", "config": config.source, "collections": len(ctx.classes),
        "rules": statuses, "summary": {"checked": len(checked), "passed": passed, "failed": len(checked) - passed,
                                       "skipped": list(statuses.values()).count("skipped"),
                                       "disabled": list(statuses.values()).count("disabled"),
                                       "suppressed_findings": suppressed},
        "score": round(100 * passed / len(checked)) if checked else 100,
    })
    report.duration_s = time.perf_counter() - started
    return report


def _markers(classes: list[dict[str, Any]]) -> dict[tuple[str, str | None], frozenset[str]]:
    """(class, property or None) -> rules its description's marker silences (empty = all)."""
    found = {}
    for cls in classes:
        for prop, description in [(None, cls.get("description")),
                                  *((p.get("name"), p.get("description")) for p in cls.get("properties") or [])]:
            rules = inline_ignores(description)
            if rules is not None:
                found[(cls["class"], prop)] = rules
    return found


def _marked(markers: dict[tuple[str, str | None], frozenset[str]], rule_id: str, hit: Hit) -> bool:
    """A class marker covers the class and its properties; a property marker only that property."""
    if hit.collection is None:
        return False
    for key in ((hit.collection, None), (hit.collection, hit.prop)):
        rules = markers.get(key)
        if rules is not None and (not rules or rule_id in rules):
            return True
    return False


def _finding(rule: Rule, severity: Severity, hit: Hit, loaded: Loaded) -> Finding:
    where = f"{hit.collection}.{hit.prop}" if hit.prop else (hit.collection or "schema")
    data = {"rule": rule.name, "property": hit.prop, "line": line_of(loaded.text, hit.collection, hit.prop),
            **hit.data}
    return Finding(rule.id, severity, f"{where}: {rule.title}", hit.evidence, rule.why, rule.action,
                   hit.collection, data)
