"""Closing an incident: the cause and resolution go into the store and, as a "Seen before" entry, into the user's
copy of the runbook for its leading symptom, so the next operator who hits the same symptoms reads what worked."""
from __future__ import annotations

import time
from pathlib import Path

from . import runbooks as books
from .store import Incident, IncidentStore


class UnknownIncident(LookupError):
    """No incident with that id in the store."""


def close(store: IncidentStore, incident_id: int, cause: str, resolution: str,
          runbook_dir: Path | None = None) -> tuple[Incident, Path | None]:
    """Close the incident; returns it and the runbook file updated (None when no runbook handles its symptoms)."""
    incident = store.annotate(incident_id, cause=cause, resolution=resolution, closed_at=time.time())
    if incident is None:
        raise UnknownIncident(incident_id)
    matched = books.matching(incident.tags, books.load(runbook_dir))
    if not matched:
        return incident, None
    return incident, books.record_resolution(incident, matched[0], runbook_dir)
