"""`change plan`: the desired state diffed against the endpoint, each change classified, the rebuilds' copies
estimated, all as a Report. Exit codes (Report.exit_code, like terraform's -detailed-exitcode): 0 nothing to change,
1 changes pending (in place LOW, rebuilds MEDIUM), 2 blocked (destructive without --allow-destructive, a rebuild of
a collection not behind an alias without --adopt-alias, or a new config the endpoint refuses), 3 unreachable."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from ..migrate import schema_copy
from ..remote.target import Target
from ..report import Finding, Report, Severity
from . import diff, estimate, live
from .desired import Desired
from .rules import Kind


@dataclass(frozen=True)
class ChangeOptions:
    prune: bool = False                  # collections/aliases the file leaves out are dropped
    allow_destructive: bool = False
    adopt_alias: bool = False            # a rebuilt collection not behind an alias becomes one (see apply.py)
    copy_rate: float | None = None       # objects/s; None = measured with a probe
    probe_sample: int = 200
    batch_size: int = 500
    ledger: Path | None = None


@dataclass
class Planned:
    plan: diff.Plan
    live: live.Live
    report: Report

    @property
    def blocked(self) -> bool:
        return self.report.worst >= Severity.HIGH


def make(target: Target, desired: Desired, options: ChangeOptions) -> Planned:
    """The plan and its report; the report is marked unreachable when the endpoint does not answer."""
    start = time.perf_counter()
    report = Report("change", target.describe())
    with target.http() as http:
        http.timeout = httpx.Timeout(max(target.timeout_s, 60.0))
        try:
            state = live.read(http)
        except httpx.HTTPError as exc:
            report.unreachable = True
            report.add(Finding("change.unreachable", Severity.CRITICAL, "The endpoint does not answer",
                               f"GET {target.base_url}/v1/schema: {type(exc).__name__}: {exc}",
                               action="Check the URL, the port and the API key."))
            return Planned(diff.Plan([], [], [], []), live.Live({}, {}), report)
        tenants = _live_tenants(http, desired, state)
        changes = diff.plan(desired, state, tenants, options.prune)
        _describe(report, http, changes, state, options)
    report.measurements["file"] = desired.source
    report.duration_s = time.perf_counter() - start
    return Planned(changes, state, report)


def _live_tenants(http: httpx.Client, desired: Desired, state: live.Live) -> dict[str, dict[str, str]]:
    out = {}
    for name in desired.tenants:
        physical = state.find(name) or state.aliases.get(name)
        if physical and schema_copy.multi_tenant(state.classes[physical]):
            out[name] = schema_copy.tenants(http, physical)
    return out


def _describe(report: Report, http: httpx.Client, changes: diff.Plan, state: live.Live,
              options: ChangeOptions) -> None:
    rows: list[dict[str, Any]] = []
    per_collection: dict[str, Any] = {}
    for planned in changes.collections:
        rows.extend({"collection": c.collection, "change": c.label, "before": c.before, "after": c.after,
                     "kind": c.kind.name.lower(), "why": c.why} for c in planned.changes)
        per_collection[planned.name] = _collection(report, http, planned, state, options)
    for tenant_change in changes.tenants:
        _tenant_finding(report, tenant_change, options)
    for alias in changes.aliases:
        severity = Severity.LOW if alias.after else _destructive(options)
        report.add(Finding("change.alias", severity, f"alias {alias.alias}: {alias.before or '-'} -> "
                           f"{alias.after or '(deleted)'}", "aliases switch atomically"
                           if alias.after else "clients using the alias will fail",
                           action=_allow_hint(severity)))
    for name in changes.drops:
        report.add(Finding("change.drop", _destructive(options), f"drop collection {name}",
                           f"{live.object_count(http, name)} objects deleted (not in the file, --prune)",
                           collection=name, action=_allow_hint(_destructive(options))))
    copies = [c.get("estimated_copy_s") or 0 for c in per_collection.values()]
    report.measurements.update({
        "pending": changes.pending, "changes": rows, "collections": per_collection,
        "tenants": [{"collection": t.collection, "add": t.add, "states": t.states, "delete": t.delete}
                    for t in changes.tenants],
        "aliases": [{"alias": a.alias, "before": a.before, "after": a.after} for a in changes.aliases],
        "drops": changes.drops, "estimated_copy_s": round(sum(copies), 1)})
    if not changes.pending:
        report.add(Finding("change.none", Severity.INFO, "No changes", "the endpoint matches the desired state"))


def _collection(report: Report, http: httpx.Client, planned: diff.CollectionPlan, state: live.Live,
                options: ChangeOptions) -> dict[str, Any]:
    facts: dict[str, Any] = {"action": planned.action, "live_collection": planned.physical,
                             "via_alias": planned.via_alias}
    name = planned.name
    if planned.action == "create":
        report.add(Finding("change.create", Severity.LOW, f"create collection {name}", "new in the file",
                           collection=name))
    elif planned.action == "update":
        report.add(Finding("change.in_place", Severity.LOW, f"{name}: {len(planned.changes)} change(s) in place",
                           _listing(planned.changes), collection=name))
    elif planned.action == "rebuild":
        facts.update(_rebuild(report, http, planned, state, options))
    return facts


def _rebuild(report: Report, http: httpx.Client, planned: diff.CollectionPlan, state: live.Live,
             options: ChangeOptions) -> dict[str, Any]:
    assert planned.physical is not None and planned.new_name is not None
    name, source = planned.name, planned.physical
    objects = live.object_count(http, source)
    copies = 1 if planned.via_alias else 2           # adoption copies once more, into <Name>_v1
    new_config = diff.merged(state.classes[source], planned.desired, planned.new_name)
    rate, how = options.copy_rate, "given (--copy-rate)"
    if rate is None:
        probe = estimate.measure(http, source, diff.for_create(new_config),
                                 diff.not_copied(state.classes[source], new_config), options.probe_sample)
        rate, how = probe.objects_per_s, f"measured ({probe.sampled} objects copied into a scratch collection)"
        if probe.refused:
            report.add(Finding("change.refused", Severity.HIGH, f"{name}: the endpoint refuses the new config",
                               probe.refused, collection=name, action="Fix the file; nothing was changed."))
    seconds = round(objects * copies / rate, 1) if rate else None
    steps = [f"create {planned.new_name} with the new config", f"copy {objects} objects (vectors included)",
             "compare counts", f"point alias {name} at {planned.new_name}"]
    if not planned.via_alias:
        steps = [f"copy {source} into {planned.adopt_name}, drop {source}, create alias {source} -> "
                 f"{planned.adopt_name} (queries by that name fail for the moment between drop and alias)", *steps]
    destructive = any(c.kind is Kind.DESTRUCTIVE for c in planned.changes)
    severity = Severity.MEDIUM
    action = "; ".join(steps)
    if destructive and not options.allow_destructive:
        severity, action = Severity.HIGH, f"Values are lost: re-run with --allow-destructive to {action}"
    if not planned.via_alias and not options.adopt_alias:
        severity = Severity.HIGH
        action = (f"{source} is a collection, not an alias, so its name cannot be switched without a gap. Either "
                  f"point your clients at an alias first (POST /v1/aliases {{\"alias\": \"{source}Live\", \"class\": "
                  f"\"{source}\"}} and name the alias in the file), or re-run with --adopt-alias to: {action}")
    report.add(Finding("change.rebuild", severity, f"{name}: new collection {planned.new_name} + copy + alias swap",
                       _listing(planned.changes), why="Weaviate cannot change these settings of an existing "
                       "collection", action=action, collection=name,
                       data={"objects": objects, "copy_rate_objects_per_s": rate, "estimated_copy_s": seconds}))
    return {"new_collection": planned.new_name, "adopt_collection": planned.adopt_name, "objects_to_copy":
            objects * copies, "copy_rate_objects_per_s": round(rate, 1) if rate else None, "copy_rate": how,
            "estimated_copy_s": seconds}


def _tenant_finding(report: Report, change: diff.TenantChange, options: ChangeOptions) -> None:
    parts = [f"add {', '.join(f'{t} ({s})' for t, s in change.add.items())}"] if change.add else []
    parts += [f"{t}: {b} -> {a}" for t, (b, a) in change.states.items()]
    if parts:
        report.add(Finding("change.tenants", Severity.LOW, f"{change.collection}: tenants", "; ".join(parts),
                           collection=change.collection))
    if change.delete:
        severity = _destructive(options)
        report.add(Finding("change.tenants_deleted", severity, f"{change.collection}: delete {len(change.delete)} "
                           "tenant(s)", ", ".join(change.delete) + " and their objects", collection=change.collection,
                           action=_allow_hint(severity)))


def _destructive(options: ChangeOptions) -> Severity:
    return Severity.MEDIUM if options.allow_destructive else Severity.HIGH


def _allow_hint(severity: Severity) -> str:
    return "Refused without --allow-destructive." if severity is Severity.HIGH else ""


def _listing(changes: list[diff.Change]) -> str:
    return "; ".join(f"{c.label}: {short(c.before)} -> {short(c.after)} [{c.kind.name.lower()}]" for c in changes)


def short(value: Any, width: int = 40) -> str:
    text = "-" if value is None else str(value)
    return text if len(text) <= width else text[:width - 1] + "…"
