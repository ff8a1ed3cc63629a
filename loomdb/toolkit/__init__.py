"""The operator's toolkit: `doctor` (triage) and `audit` (configuration review, measured recall, query profile)
against any Weaviate-compatible endpoint, through its public API only. Each returns a `Report` of `Finding`s.

    import loomdb.toolkit as tk
    report = tk.doctor("http://localhost:8080?grpc_port=50051")   # or tk.doctor(client)
    report.exit_code, [f.title for f in report.findings]

`doctor` and `audit` live in doctor_checks.py / audit_checks.py (not doctor.py / audit.py: a submodule named like
the function would replace it as this package's attribute once imported) and are loaded on first use, because they
import the official client (seconds), which `import loomdb.toolkit` for a Report or a lint run must not pay."""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .report import Finding, Report, Severity

if TYPE_CHECKING:
    from .audit_checks import audit
    from .doctor_checks import doctor
    from .remote.target import Target, TargetError

__all__ = ["Finding", "Report", "Severity", "Target", "TargetError", "audit", "doctor"]

_LAZY = {"audit": ".audit_checks", "doctor": ".doctor_checks", "Target": ".remote.target",
         "TargetError": ".remote.target"}


def __getattr__(name: str) -> Any:
    """The entry points and the Target type, imported on first access (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value
