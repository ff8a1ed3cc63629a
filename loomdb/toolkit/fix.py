"""`audit --fix PRESET`: turn an audit's measurements into changes of mutable settings, show them as a plan,
apply them after confirmation, and audit again so the report shows the effect measured, not assumed.

Preset "recall": set each collection's ef to the smallest value of the ef sweep whose measured recall reaches the
target (or the best one measured, when none does)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from .audit_checks import AuditOptions, audit
from .remote.reconfigure import set_ef
from .remote.target import Target
from .report import Finding, Report, Severity

PRESETS = ("recall",)
DEFAULT_SWEEP = (32, 64, 128, 256, 512)


@dataclass(frozen=True)
class Change:
    collection: str
    vector_name: str | None
    parameter: str
    before: Any
    after: Any
    reason: str


def plan(report: Report, preset: str, target_recall: float) -> list[Change]:
    if preset not in PRESETS:
        raise ValueError(f"unknown fix preset {preset!r} (known: {', '.join(PRESETS)})")
    changes = []
    for name, facts in (report.measurements.get("collections") or {}).items():
        sweep, recall = facts.get("ef_sweep"), facts.get("recall")
        if not sweep or not recall:
            continue
        current = recall["unfiltered"]["mean"]
        if current >= target_recall:
            continue
        reaching = [p for p in sweep if p["mean"] >= target_recall]
        best = min(reaching, key=lambda p: p["ef"]) if reaching else max(sweep, key=lambda p: p["mean"])
        if best["mean"] <= current or best["ef"] == facts.get("ef"):
            continue
        changes.append(Change(name, facts.get("vector"), "ef", facts.get("ef"), best["ef"],
                              f"recall@{recall['k']} {current:.3f} at ef {facts.get('ef')} -> {best['mean']:.3f} "
                              f"measured at ef {best['ef']} (near_vector p95 {best['p95_ms']:.1f} ms)"))
    return changes


def audit_and_fix(target: Target, collections: Sequence[str], options: AuditOptions, preset: str, target_recall: float,
                  confirm: Callable[[list[Change]], bool], progress: Callable[[str], None] | None = None) -> Report:
    """Audit (with an ef sweep), plan, ask `confirm(plan)`, apply, audit again; the report is the second audit's,
    with the plan and the before/after figures under measurements["fix"]."""
    sweep_options = options if options.ef_sweep else replace(options, ef_sweep=DEFAULT_SWEEP)
    before = audit(target, collections, sweep_options, progress)
    changes = plan(before, preset, target_recall)
    summary: dict[str, Any] = {"preset": preset, "target_recall": target_recall,
                               "changes": [asdict(c) for c in changes], "applied": False}
    if not changes or not confirm(changes):
        before.measurements["fix"] = summary
        before.add(Finding("fix.not_applied", Severity.INFO,
                           "nothing to change" if not changes else "plan not applied",
                           f"{len(changes)} change(s) planned", "", "" if not changes else "Re-run with --yes."))
        return before
    with target.http() as http:
        for change in changes:
            set_ef(http, change.collection, change.vector_name, change.after)
    after = audit(target, [c.collection for c in changes], replace(options, ef_sweep=()), progress)
    summary["applied"] = True
    summary["recall_before"] = {c.collection: before.measurements["collections"][c.collection]["recall"]
                                ["unfiltered"]["mean"] for c in changes}
    summary["recall_after"] = {name: facts["recall"]["unfiltered"]["mean"]
                               for name, facts in after.measurements["collections"].items() if facts.get("recall")}
    after.measurements["fix"] = summary
    after.duration_s += before.duration_s
    return after
