"""Node and shard status, as /v1/nodes and /v1/schema/{C}/shards report it, and the cluster-wide views Weaviate
keeps for its Raft consensus and distributed tasks (/v1/cluster/statistics, /v1/tasks), answered for loomdb's one
node as it is: the only voter and hence the leader, no peers, no replicated log, no tasks."""
from __future__ import annotations

from dataclasses import dataclass

from ..entities import permissions as perm
from ..entities.principal import Principal
from ..entities.shard_stats import ShardStats
from .authz import AllowAll, Authorizer
from .objects import BatchStats
from .ports import ClusterDatabase, JsonObject


@dataclass
class NodeStatus:
    """One node: its name, its shards as (collection, figures), and its recent import rate."""

    name: str
    shards: list[tuple[str, ShardStats]]
    batch_rate_per_second: int

    @property
    def object_count(self) -> int:
        return sum(shard.object_count for _, shard in self.shards)


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
    def __init__(self, db: ClusterDatabase, batch_stats: BatchStats, node_name: str,
                 authz: Authorizer | None = None) -> None:
        self.db = db
        self._authz = authz or AllowAll()
        self.batch_stats = batch_stats
        self.node_name = node_name          # CLUSTER_HOSTNAME

    def node_status(self, principal: Principal | None, only: str | None = None, verbosity: str = "minimal"
                    ) -> NodeStatus:
        """The node with every shard, or those of one collection."""
        self._authz.authorize(principal, perm.READ, perm.nodes(verbosity, only or perm.ANY))
        return NodeStatus(self.node_name, self.shard_stats(only), self.batch_stats.rate_per_second())

    def shard_stats(self, only: str | None = None) -> list[tuple[str, ShardStats]]:
        """(collection, figures) of every shard, or of one collection's, pulled from the engine when asked
        (/v1/nodes, a /metrics scrape). A multi-tenant collection has one shard per ACTIVE tenant, named after
        it. No principal: /metrics is served on the monitoring port without authentication, as by Weaviate."""
        collections = [self.db.collection(only)] if only else self.db.collections()
        return [(c.name, shard) for c in collections for shard in c.shard_stats()]

    def statistics(self, principal: Principal | None, address: str) -> ClusterStatistics:
        """The consensus view of every node: this one alone."""
        self._authz.authorize(principal, perm.READ, perm.cluster())
        return ClusterStatistics([NodeStatistics(self.node_name, address)])

    def distributed_tasks(self, principal: Principal | None) -> dict[str, list[JsonObject]]:
        """Weaviate's distributed tasks by namespace (reindexing, ...): loomdb runs none."""
        self._authz.authorize(principal, perm.READ, perm.cluster())
        return {}
