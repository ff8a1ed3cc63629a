"""The operator's toolkit: `doctor` (triage) and `audit` (configuration review, measured recall, query profile)
against any Weaviate-compatible endpoint, through its public API only. Each returns a `Report` of `Finding`s.

    import loomdb.toolkit as tk
    report = tk.doctor("http://localhost:8080?grpc_port=50051")   # or tk.doctor(client)
    report.exit_code, [f.title for f in report.findings]
"""
from importlib import import_module
from typing import Any

from .report import Finding, Report, Severity

# The official client takes seconds to import: commands that need no target (`lint schema.json`, `advise`, `migrate
# schema`) must not pay for it, so the remote entry points load on first use.
_LAZY = {"audit": ".audit", "doctor": ".doctor", "Target": ".remote.target", "TargetError": ".remote.target"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Finding", "Report", "Severity", "Target", "TargetError", "audit", "doctor"]
