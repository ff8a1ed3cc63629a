"""`loomdb incident`: learn from what went wrong. `record` captures a target's state (doctor, audit, a metrics
window, counted errors, a log tail) with the operator's notes into a local SQLite file and tags it with symptoms;
`list`/`show` read it back; `close` records the cause and resolution (and appends them to the matching runbook);
`patterns` groups incidents by symptoms and by cause and names the runbook for each group.

    from loomdb.toolkit import Target
    from loomdb.toolkit.incident import IncidentStore, record
    incident = record(Target.from_url("http://localhost:8080"), "queries time out", store=IncidentStore(path))
    incident.tags        # e.g. ["grpc-unreachable"]
"""
from .capture import CaptureOptions, capture, record
from .patterns import patterns
from .resolve import UnknownIncident, close
from .runbooks import Runbook, load, matching
from .store import Incident, IncidentStore, StoreError
from .symptoms import BY_TAG, RULES, classify

__all__ = ["BY_TAG", "RULES", "CaptureOptions", "Incident", "IncidentStore", "Runbook", "StoreError", "UnknownIncident",
           "capture", "classify", "close", "load", "matching", "patterns", "record"]
