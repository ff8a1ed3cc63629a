"""Node and shard status, as /v1/nodes and /v1/schema/{C}/shards report it."""
from __future__ import annotations

from dataclasses import dataclass

from .objects import BatchStats
from .ports import ClusterDatabase


@dataclass
class NodeStatus:
    """One node's shards as (collection, shard name, object count, compressed), and its recent import rate."""

    shards: list[tuple[str, str, int, bool]]
    batch_rate_per_second: int


class ClusterService:
    def __init__(self, db: ClusterDatabase, batch_stats: BatchStats) -> None:
        self.db = db
        self.batch_stats = batch_stats

    def node_status(self, only: str | None = None) -> NodeStatus:
        """Every loaded shard, or those of one collection; a multi-tenant collection has one shard per ACTIVE
        tenant, named after it."""
        collections = [self.db.collection(only)] if only else self.db.collections()
        shards = [(c.name, *shard) for c in collections for shard in c.shard_counts()]
        return NodeStatus(shards, self.batch_stats.rate_per_second())
