"""The operator's toolkit: `doctor` (triage) and `audit` (configuration review, measured recall, query profile)
against any Weaviate-compatible endpoint, through its public API only. Each returns a `Report` of `Finding`s.

    import loomdb.toolkit as tk
    report = tk.doctor("http://localhost:8080?grpc_port=50051")   # or tk.doctor(client)
    report.exit_code, [f.title for f in report.findings]
"""
from .audit import audit
from .doctor import doctor
from .remote.target import Target, TargetError
from .report import Finding, Report, Severity

__all__ = ["Finding", "Report", "Severity", "Target", "TargetError", "audit", "doctor"]
