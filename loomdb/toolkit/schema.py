"""The documented, stable schema of `--json` output (JSON Schema draft 2020-12). Scripts may rely on every
required key; new optional keys may appear in `measurements` and in a finding's `data` without a version bump.
`schema_version` changes only when a required key changes meaning or disappears."""
from __future__ import annotations

from typing import Any

_SEVERITY = {"enum": ["INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"]}

FINDING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["check", "severity", "title", "evidence", "why", "action", "collection", "data"],
    "properties": {
        "check": {"type": "string"},            # stable id, e.g. "grpc.reachable"
        "severity": _SEVERITY,
        "title": {"type": "string"},
        "evidence": {"type": "string"},         # what was seen, with the measured figures
        "why": {"type": "string"},              # why it matters
        "action": {"type": "string"},           # what to do next
        "collection": {"type": ["string", "null"]},
        "data": {"type": "object"},             # the figures behind the evidence, numbers as numbers
    },
}

REPORT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["schema_version", "command", "target", "worst_severity", "exit_code", "unreachable",
                 "duration_s", "measurements", "findings"],
    "properties": {
        "schema_version": {"const": 1},
        "command": {"enum": ["doctor", "audit", "bench", "advise", "migrate", "lint", "monitor", "incident", "change"]},
        "target": {"type": "string"},           # the REST URL and gRPC port asked
        "worst_severity": _SEVERITY,
        "exit_code": {"enum": [0, 1, 2, 3]},
        "unreachable": {"type": "boolean"},
        "duration_s": {"type": "number"},
        "measurements": {"type": "object"},     # per command; latencies in milliseconds, keys end in _ms
        "findings": {"type": "array", "items": FINDING_SCHEMA},   # worst first
    },
}
