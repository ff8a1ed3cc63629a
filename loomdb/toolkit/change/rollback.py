"""`change rollback`: undo the newest apply of the ledger not undone yet, its steps in reverse order.

Reversible: in-place settings (PUT back to the recorded before-values), tenant states, aliases (deleted, or
pointed back), rebuilds (the alias swapped back to the old collection). New collections (a rebuild's too) and new
tenants are kept unless `drop_new`. Not reversible in Weaviate, reported as such: new properties and named vectors
(they cannot be deleted), deleted tenants or collections, an adoption (the original name stays an alias of
`<Name>_v1`, which holds the same data)."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from ..migrate import schema_copy
from ..remote.target import Target
from ..report import Finding, Report, Severity
from . import diff, live
from .ledger import Ledger, last_apply

_IRREVERSIBLE = {
    "add_property": "Weaviate cannot delete a property: it stays",
    "delete_tenants": "deleted tenants and their objects cannot be restored (restore a backup)",
    "drop_collection": "a dropped collection cannot be restored (restore a backup)",
}
_IGNORED = {"create_copy_target", "drop_copy_target", "failed"}


def rollback(target: Target, ledger_path: Path, drop_new: bool = False) -> Report:
    start = time.perf_counter()
    report = Report("change", target.describe())
    found = last_apply(ledger_path)
    if found is None:
        report.add(Finding("change.nothing_to_undo", Severity.INFO, "Nothing to roll back",
                           f"{ledger_path}: no apply that is not rolled back yet"))
        return report
    run, steps = found
    ledger = Ledger(ledger_path, "rollback", undoes=run, target=target.describe(), drop_new=drop_new)
    undone: list[dict[str, Any]] = []
    with target.http() as http:
        http.timeout = httpx.Timeout(max(target.timeout_s, 60.0))
        try:
            for step in reversed(steps):
                if step["action"] in _IGNORED:
                    continue
                outcome = _undo(http, step, drop_new)
                ledger.step(f"undo_{step['action']}", collection=step.get("collection"), alias=step.get("alias"),
                            detail=outcome)
                undone.append({"action": step["action"], "collection": step.get("collection"),
                               "alias": step.get("alias"), "outcome": outcome})
                severity = Severity.LOW if outcome.startswith("not reversible") else Severity.INFO
                report.add(Finding("change.undone", severity, f"{step['action']} "
                                   f"{step.get('collection') or step.get('alias') or ''}", outcome,
                                   collection=step.get("collection")))
            report.add(Finding("change.rolled_back", Severity.INFO, f"Rolled back run {run}",
                               f"{len(undone)} step(s) undone in reverse order"))
        except (live.LiveError, schema_copy.SchemaCopyError, httpx.HTTPError) as exc:
            ledger.step("failed", status="failed", detail=str(exc))
            report.add(Finding("change.rollback_failed", Severity.HIGH, "Rollback stopped", str(exc),
                               action="Fix the cause and run rollback again (undone steps are recorded)."))
        finally:
            ledger.end()
    report.measurements.update({"undoes": run, "run": ledger.run, "ledger": str(ledger_path), "steps": undone})
    report.duration_s = time.perf_counter() - start
    return report


def _undo(http: httpx.Client, step: dict[str, Any], drop_new: bool) -> str:
    action, name = step["action"], str(step.get("collection"))
    if action in _IRREVERSIBLE:
        return f"not reversible: {_IRREVERSIBLE[action]}"
    if action == "update_collection":
        document = live.class_document(http, name)
        new_vectors = [c["path"][1] for c in step["changes"] if c["path"][0] == "vectorConfig" and len(c["path"]) == 2]
        settings = [c for c in step["changes"] if not (c["path"][0] == "vectorConfig" and c["path"][1] in new_vectors)]
        for change in settings:
            diff.set_at(document, tuple(change["path"]), change["before"])
        live.put_class(http, document)
        kept = f"; not reversible: named vector(s) {', '.join(new_vectors)} stay" if new_vectors else ""
        return "settings put back: " + ", ".join(".".join(c["path"]) for c in settings) + kept
    if action == "rebuild":
        live.set_alias(http, step["alias"], step["before"], exists=True)
        if live.alias_target(http, step["alias"]) != step["before"]:
            raise live.LiveError(f"alias {step['alias']} did not switch back to {step['before']}")
        return f"alias {step['alias']} -> {step['before']} again; " + _new_collection(http, step["after"], drop_new)
    if action == "adopt":
        return (f"not reversible: {name} stays an alias of {step['after']} (same data and config as the original "
                "collection)")
    if action == "create_collection":
        return _new_collection(http, name, drop_new)
    if action == "add_tenants":
        if not drop_new:
            return f"kept tenants {', '.join(step['after'])} (--drop-new deletes them)"
        live.delete_tenants(http, name, list(step["after"]))
        return f"deleted tenants {', '.join(step['after'])}"
    if action == "tenant_states":
        schema_copy.set_tenant_states(http, name, step["before"])
        return "tenant states put back: " + ", ".join(f"{t} {s}" for t, s in step["before"].items())
    if action in ("set_alias", "delete_alias"):
        alias, before = step["alias"], step.get("before")
        if before is None:
            live.delete_alias(http, alias)
            return f"alias {alias} deleted"
        live.set_alias(http, alias, before, exists=action == "set_alias")
        return f"alias {alias} -> {before} again"
    return f"not reversible: unknown step {action}"


def _new_collection(http: httpx.Client, name: str, drop_new: bool) -> str:
    if not drop_new:
        return f"kept {name} (--drop-new drops it)"
    live.drop_class(http, name)
    return f"dropped {name}"
