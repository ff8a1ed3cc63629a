"""Resolved cross-references, independent of REST/gRPC encodings (what to resolve: projection.RefQuery)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .objects import StoredObject
from .projection import RefQuery


@dataclass
class ResolvedRef:
    """One referenced object that exists (dangling beacons are skipped at read time)."""

    collection: str
    obj: StoredObject
    query: RefQuery
    refs: dict[str, list[ResolvedRef]] = field(default_factory=dict)
