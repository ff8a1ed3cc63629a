"""`incident patterns`: the recorded incidents grouped twice, by their symptom set (what it looked like) and by
their recorded cause (what it turned out to be), with counts and recency, each group with the runbook to open
first. Recurring groups are the runbooks worth improving."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .runbooks import Runbook, matching
from .store import Incident
from .symptoms import PRIORITY


@dataclass
class Group:
    key: str                          # the symptom set ("a + b") or the normalised cause
    incidents: list[Incident] = field(default_factory=list)

    def to_dict(self, runbooks: dict[str, Runbook]) -> dict[str, Any]:
        tags = sorted({t for i in self.incidents for t in i.tags}, key=lambda t: PRIORITY.get(t, len(PRIORITY)))
        # a cause group may mix symptom sets: its runbook is that of its most frequent set (ties: the newest)
        leading = Counter(tuple(i.tags) for i in self.incidents).most_common(1)[0][0]
        books = matching(list(leading), runbooks)
        causes = sorted({i.cause for i in self.incidents if i.cause})
        return {
            "key": self.key, "count": len(self.incidents), "ids": [i.id for i in self.incidents],
            "first_at": min(i.recorded_at for i in self.incidents),
            "last_at": max(i.recorded_at for i in self.incidents),
            "targets": sorted({i.target for i in self.incidents}), "symptoms": tags, "causes": causes,
            "resolutions": sorted({i.resolution for i in self.incidents if i.resolution}),
            "open": sum(1 for i in self.incidents if i.closed_at is None),
            "runbook": books[0].name if books else None, "other_runbooks": [b.name for b in books[1:]],
        }


def symptom_key(incident: Incident) -> str:
    return " + ".join(incident.tags) or "(no symptom)"


def cause_key(incident: Incident) -> str:
    return " ".join(incident.cause.lower().split()) or "(cause not recorded)"


def patterns(incidents: list[Incident], runbooks: dict[str, Runbook]) -> dict[str, list[dict[str, Any]]]:
    """{"by_symptoms": [...], "by_cause": [...]}, each most frequent first, then most recent (`incidents` are
    expected newest first, as the store lists them)."""
    def grouped(key_of: Any) -> list[dict[str, Any]]:
        groups: dict[str, Group] = {}
        for incident in incidents:
            key = key_of(incident)
            groups.setdefault(key, Group(key)).incidents.append(incident)
        rows = [g.to_dict(runbooks) for g in groups.values()]
        return sorted(rows, key=lambda r: (-r["count"], -r["last_at"]))
    return {"by_symptoms": grouped(symptom_key), "by_cause": grouped(cause_key)}
