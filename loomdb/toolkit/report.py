"""What every toolkit command returns: findings graded by severity, the figures measured, and the exit code a
script or CI job reads. The JSON form (`Report.to_dict`) is a stable interface: see `schema.REPORT_SCHEMA`."""
from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA_VERSION = 1


class Severity(enum.IntEnum):
    """The crisis classification Weaviate engineers use, plus INFO for facts that need no action."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4


@dataclass(frozen=True)
class Finding:
    """One thing a check saw: what (evidence, with the measured figures), why it matters, what to do next."""

    check: str                      # stable dotted id, e.g. "grpc.reachable", "collection.smoke"
    severity: Severity
    title: str
    evidence: str
    why: str = ""
    action: str = ""
    collection: str | None = None
    data: dict[str, Any] = field(default_factory=dict)    # the measured figures behind `evidence`

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["severity"] = self.severity.name
        return out


@dataclass
class Report:
    """A command's result. `unreachable` means the target could not be asked at all (exit 3 like CRITICAL)."""

    command: str
    target: str
    findings: list[Finding] = field(default_factory=list)
    measurements: dict[str, Any] = field(default_factory=dict)
    duration_s: float = 0.0
    unreachable: bool = False

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    @property
    def worst(self) -> Severity:
        return max((f.severity for f in self.findings), default=Severity.INFO)

    @property
    def exit_code(self) -> int:
        """0 all good, 1 findings below HIGH, 2 HIGH, 3 CRITICAL or unreachable (4, usage, is the CLI's)."""
        if self.unreachable or self.worst is Severity.CRITICAL:
            return 3
        if self.worst is Severity.HIGH:
            return 2
        return 1 if any(f.severity > Severity.INFO for f in self.findings) else 0

    def sorted_findings(self) -> list[Finding]:
        """Worst first; within a severity, in the order the checks ran."""
        return sorted(self.findings, key=lambda f: -f.severity)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION, "command": self.command, "target": self.target,
            "worst_severity": self.worst.name, "exit_code": self.exit_code, "unreachable": self.unreachable,
            "duration_s": round(self.duration_s, 4), "measurements": self.measurements,
            "findings": [f.to_dict() for f in self.sorted_findings()],
        }
