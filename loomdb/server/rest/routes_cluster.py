"""/v1/cluster/statistics and /v1/tasks: Weaviate's consensus and distributed-task views, for one node."""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...usecases.cluster import NodeStatistics
from ..auth import rest_principal
from ..context import ServerContext
from ._json import json_response
from .errors import rest_errors

# hashicorp/raft's protocol and snapshot versions, as a Weaviate node reports them (strings, like all its stats)
_RAFT_VERSIONS = {"protocolVersion": "3", "protocolVersionMin": "0", "protocolVersionMax": "3",
                  "snapshotVersionMin": "0", "snapshotVersionMax": "1"}
_VOTER = 0          # raft.Suffrage: 0 = Voter


def _node_json(node: NodeStatistics) -> dict:
    """One node as models.Statistics: Raft's own stats are strings, the store's are typed."""
    index, term = str(node.applied_index), str(node.term)
    raft = {"appliedIndex": index, "commitIndex": index, "fsmPending": "0", "lastContact": "0",
            "lastLogIndex": index, "lastLogTerm": term, "lastSnapshotIndex": index, "lastSnapshotTerm": term,
            "latestConfiguration": [{"address": node.address, "id": node.name, "suffrage": _VOTER}],
            "latestConfigurationIndex": index, "numPeers": str(node.peers),
            "state": "Leader" if node.leader else "Follower", "term": term, **_RAFT_VERSIONS}
    return {"name": node.name, "status": "HEALTHY", "ready": True, "dbLoaded": True, "open": True,
            "bootstrapped": True, "isVoter": node.voter, "leaderId": node.name if node.leader else "",
            "leaderAddress": node.address if node.leader else "", "initialLastAppliedIndex": node.applied_index,
            "candidates": {}, "raft": raft}


def routes(ctx: ServerContext) -> list[Route]:
    @rest_errors
    async def statistics(request: Request) -> Response:
        stats = await run_in_threadpool(ctx.cluster.statistics, rest_principal(request),
                                        f"{ctx.settings.host}:{ctx.rest_port}")
        return json_response({"statistics": [_node_json(node) for node in stats.nodes],
                              "synchronized": stats.synchronized})

    @rest_errors
    async def tasks(request: Request) -> Response:
        return json_response(await run_in_threadpool(ctx.cluster.distributed_tasks, rest_principal(request)))

    return [
        Route("/v1/cluster/statistics", statistics, methods=["GET"]),
        Route("/v1/tasks", tasks, methods=["GET"]),
    ]
