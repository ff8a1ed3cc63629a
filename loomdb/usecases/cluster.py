"""Node and shard status, as /v1/nodes and /v1/schema/{C}/shards report it."""
from __future__ import annotations

from .ports import DatabasePort


class ClusterService:
    def __init__(self, db: DatabasePort) -> None:
        self.db = db

    def shard_counts(self, only: str | None = None, tenant: str | None = None
                     ) -> list[tuple[str, str, int, bool]]:
        """(collection, shard name, object count, compressed) for every loaded shard, or those of one collection
        (of one tenant); a multi-tenant collection has one shard per ACTIVE tenant, named after it."""
        collections = [self.db.collection(only)] if only else self.db.collections()
        return [(c.name, *shard) for c in collections for shard in c.shard_counts(tenant)]
