"""Node and shard status, as /v1/nodes and /v1/schema/{C}/shards report it, and the cluster-wide views Weaviate
keeps for its Raft consensus and distributed tasks (/v1/cluster/statistics, /v1/tasks), answered for loomdb's one
node as it is: the only voter and hence the leader, no peers, no replicated log, no tasks."""
from __future__ import annotations

from dataclasses import dataclass

from ..entities import permissions as perm
from ..entities.principal import Principal
from .authz import AllowAll, Authorizer
from .objects import BatchStats
from .ports import ClusterDatabase, JsonObject

NODE_NAME = "node1"


@dataclass
class NodeStatus:
    """One node's shards as (collection, shard name, object count, compressed), and its recent import rate."""

    shards: list[tuple[str, str, int, bool]]
    batch_rate_per_second: int


@dataclass(frozen=True)
class NodeStatistics:
    """What Weaviate's `GET /v1/cluster/statistics` tells of one node. loomdb has no Raft log: nothing is ever
    applied through consensus, so every index and term is 0 and the node is the sole voter and leader."""

    name: str
    address: str            # where the node answers (Weaviate: its Raft address; loomdb: its REST address)
    leader: bool = True
    voter: bool = True
    peers: int = 0
    applied_index: int = 0
    term: int = 0


@dataclass(frozen=True)
class ClusterStatistics:
    nodes: list[NodeStatistics]

    @property
    def synchronized(self) -> bool:
        """Weaviate's rule: every node healthy (loomdb's one always is) and all at the same applied index."""
        return len({node.applied_index for node in self.nodes}) == 1


class ClusterService:
    def __init__(self, db: ClusterDatabase, batch_stats: BatchStats, authz: Authorizer | None = None) -> None:
        self.db = db
        self._authz = authz or AllowAll()
        self.batch_stats = batch_stats

    def node_status(self, principal: Principal | None, only: str | None = None, verbosity: str = "minimal"
                    ) -> NodeStatus:
        """Every loaded shard, or those of one collection; a multi-tenant collection has one shard per ACTIVE
        tenant, named after it."""
        self._authz.authorize(principal, perm.READ, perm.nodes(verbosity, only or perm.ANY))
        collections = [self.db.collection(only)] if only else self.db.collections()
        shards = [(c.name, *shard) for c in collections for shard in c.shard_counts()]
        return NodeStatus(shards, self.batch_stats.rate_per_second())

    def statistics(self, principal: Principal | None, address: str) -> ClusterStatistics:
        """The consensus view of every node: this one alone."""
        self._authz.authorize(principal, perm.READ, perm.cluster())
        return ClusterStatistics([NodeStatistics(NODE_NAME, address)])

    def distributed_tasks(self, principal: Principal | None) -> dict[str, list[JsonObject]]:
        """Weaviate's distributed tasks by namespace (reindexing, ...): loomdb runs none."""
        self._authz.authorize(principal, perm.READ, perm.cluster())
        return {}
