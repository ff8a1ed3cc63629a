"""What a query asks for and what it gets back, independent of REST/gRPC encodings."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .filters import Filter


def certainty_unsupported(metric: str) -> str:
    """Weaviate's message (usecases/traverser) for certainty on a non-cosine index, as argument or as metadata."""
    return f"can't compute and return certainty when vector index is configured with {metric} distance"


@dataclass(frozen=True)
class NearVector:
    """Vector similarity: `vector` against the space `target` (None = the collection's only vector)."""

    vector: np.ndarray
    target: str | None = None
    distance: float | None = None     # keep hits with distance <= this
    certainty: float | None = None    # keep hits with certainty >= this (cosine only)


@dataclass(frozen=True)
class SearchParams:
    """One query over one collection (and later one tenant)."""

    collection: str
    limit: int
    offset: int = 0
    after: str | None = None
    filters: Filter | None = None
    near_vector: NearVector | None = None
    tenant: str = ""


@dataclass
class Hit:
    """A matched object (by its stable store key) with its score data; objects are fetched only for the
    returned page."""

    doc: int
    distance: float | None = None


@dataclass
class ReturnSpec:
    """Which parts of each object the caller wants materialised."""

    properties: tuple[str, ...] | None = None    # None = all non-reference properties
    vectors: tuple[str, ...] = ()                # names of vectors to return; empty = none
    all_vectors: bool = False
    extra: dict = field(default_factory=dict)
