"""Cross-reference requests and resolved references, independent of REST/gRPC encodings."""
from __future__ import annotations

from dataclasses import dataclass, field

from .objects import StoredObject


@dataclass(frozen=True)
class RefQuery:
    """Return the objects a reference property points to. `target` narrows a multi-target property to one
    collection; `refs` are the references to resolve on those objects in turn (depth as requested);
    `payload` is opaque to the engine: the wire adapter's own view of what to return at this level."""

    prop: str
    target: str | None = None
    with_vectors: bool | tuple[str, ...] = False
    refs: tuple[RefQuery, ...] = ()
    payload: object = None


@dataclass
class ResolvedRef:
    """One referenced object that exists (dangling beacons are skipped at read time)."""

    collection: str
    obj: StoredObject
    query: RefQuery
    refs: dict[str, list[ResolvedRef]] = field(default_factory=dict)
