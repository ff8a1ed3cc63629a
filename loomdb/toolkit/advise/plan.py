"""What the user plans: the inputs every advice starts from."""
from __future__ import annotations

from dataclasses import dataclass

from ..sizing import DEFAULT_MAX_CONNECTIONS

DEFAULT_EF_CONSTRUCTION = 128    # Weaviate's default (docs: config-refs/indexing/vector-index)
DEFAULT_EF = 64                  # the docs' tuning tip: start at ef 64 / efConstruction 128 / maxConnections 32
FLAT_SEARCH_CUTOFF = 40_000      # flatSearchCutoff default: filters matching fewer objects are searched flat


@dataclass(frozen=True)
class Plan:
    objects: int
    dims: int
    distance: str = "cosine"
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    ef_construction: int = DEFAULT_EF_CONSTRUCTION
    ef: int | None = None          # None: advise one for the recall target
    filter_share: float | None = None   # share of the objects a typical filter matches
    qps: float | None = None
    recall_target: float = 0.95
    k: int = 10
    collection: str = "MyCollection"
