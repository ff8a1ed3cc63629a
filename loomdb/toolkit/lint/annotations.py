"""CI reporters: GitHub Actions workflow commands (`::warning file=...,line=...::`) and GitLab Code Quality
JSON (the `codequality` report artifact), both from the same Report."""
from __future__ import annotations

import hashlib
import json
from typing import Any

from ..report import Finding, Report, Severity

_GITHUB_LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
                 Severity.LOW: "warning", Severity.INFO: "notice"}
_GITLAB_SEVERITY = {Severity.CRITICAL: "blocker", Severity.HIGH: "critical", Severity.MEDIUM: "major",
                    Severity.LOW: "minor", Severity.INFO: "info"}


def github(report: Report, path: str | None) -> str:
    """One workflow command per finding; `file=` only when linting a file (an endpoint has no lines)."""
    out = []
    for finding in report.sorted_findings():
        props = []
        if path:
            props.append(f"file={_escape_property(path)}")
            line = finding.data.get("line")
            if line:
                props.append(f"line={line}")
        title = f"{finding.check} {finding.data.get('rule') or ''}".strip()
        props.append(f"title={_escape_property(title)}")
        message = f"{finding.title}: {finding.evidence}. {finding.action}"
        out.append(f"::{_GITHUB_LEVEL[finding.severity]} {','.join(props)}::{_escape_data(message)}")
    return "\n".join(out)


def gitlab(report: Report, path: str | None) -> str:
    """GitLab's Code Quality report: a JSON array of issues with a stable fingerprint each."""
    return json.dumps([_gitlab_issue(f, path or report.target) for f in report.sorted_findings()], indent=2)


def _gitlab_issue(finding: Finding, path: str) -> dict[str, Any]:
    identity = f"{finding.check}|{finding.collection}|{finding.data.get('property')}|{finding.evidence}"
    return {"description": f"{finding.title}: {finding.evidence}", "check_name": finding.check,
            "fingerprint": hashlib.sha256(identity.encode()).hexdigest(),
            "severity": _GITLAB_SEVERITY[finding.severity],
            "location": {"path": path, "lines": {"begin": finding.data.get("line") or 1}}}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
