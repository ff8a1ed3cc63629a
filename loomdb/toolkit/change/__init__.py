"""`loomdb change plan|apply|rollback`: schema as code. A desired-state file (desired.py documents it) diffed
against a live endpoint, each change classified as in place / new collection + copy + alias swap / destructive
(rules.py), applied step by step with validation and a ledger, and undone from that ledger.

    from loomdb.toolkit.change import ChangeOptions, load, plan
    report = plan("http://localhost:8080", load("schema.yaml"), ChangeOptions(copy_rate=5000))
"""
from __future__ import annotations

from ..remote.target import Target, as_target
from ..report import Report
from .apply import apply
from .desired import Desired, DesiredStateError, load
from .planning import ChangeOptions, make
from .rollback import rollback


def plan(target: Target | str, desired: Desired, options: ChangeOptions | None = None) -> Report:
    return make(as_target(target), desired, options or ChangeOptions()).report


__all__ = ["ChangeOptions", "Desired", "DesiredStateError", "apply", "load", "plan", "rollback"]
