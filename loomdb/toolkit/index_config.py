"""The facts of a collection's vector index that the checks need, read from its REST schema (class JSON)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class IndexConfig:
    """The facts of one vector index the review needs, from the collection's REST schema."""

    vector_name: str | None
    index_type: str
    config: dict[str, Any]

    @property
    def hnsw(self) -> dict[str, Any]:
        return self.config.get("hnsw", self.config) if self.index_type == "dynamic" else self.config

    @property
    def distance(self) -> str:
        return str(self.config.get("distance") or "cosine")

    @property
    def compression(self) -> str | None:
        for kind in ("pq", "bq", "sq", "rq"):
            if (self.hnsw.get(kind) or {}).get("enabled") or (self.config.get(kind) or {}).get("enabled"):
                return kind
        return None

    @classmethod
    def first_of(cls, config: dict[str, Any]) -> IndexConfig:
        named = config.get("vectorConfig") or {}
        if named:
            name, vc = next(iter(named.items()))
            return cls(name, str(vc.get("vectorIndexType", "hnsw")), dict(vc.get("vectorIndexConfig") or {}))
        return cls(None, str(config.get("vectorIndexType", "hnsw")), dict(config.get("vectorIndexConfig") or {}))
