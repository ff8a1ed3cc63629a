"""/v1/meta, /v1/.well-known/*, /v1/nodes: what clients read at start-up and while batching."""
from __future__ import annotations

import socket

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ... import WEAVIATE_VERSION, __version__
from ...entities.shard_stats import ShardStats
from ...usecases.cluster import NodeStatus
from ..auth import rest_principal
from ..build_info import git_hash
from ..context import ServerContext
from ..oidc import discovery_url
from ._json import json_response
from .errors import rest_errors


def routes(ctx: ServerContext) -> list[Route]:
    async def meta(request: Request) -> Response:
        return json_response({
            "hostname": f"http://{ctx.settings.host}:{ctx.rest_port}", "version": WEAVIATE_VERSION,
            "modules": ctx.modules.meta(), "grpcMaxMessageSize": ctx.settings.grpc_max_message_size,
            "loomdb": {"version": __version__, "host": socket.gethostname()},
        })

    async def ok(request: Request) -> Response:
        return Response(status_code=200)

    async def openid_configuration(request: Request) -> Response:
        """Where the client finds the OIDC issuer (404 without OIDC), read before it has a token."""
        auth = ctx.settings.auth
        if not auth.oidc_enabled:
            return Response(status_code=404)
        body: dict = {"href": discovery_url(auth.oidc_issuer), "clientId": auth.oidc_client_id}
        if auth.oidc_scopes:
            body["scopes"] = list(auth.oidc_scopes)
        return json_response(body)

    @rest_errors
    async def nodes(request: Request) -> Response:
        only = request.path_params.get("collection")
        verbose = request.query_params.get("output") == "verbose"
        status = await run_in_threadpool(ctx.cluster.node_status, rest_principal(request), only,
                                         "verbose" if verbose else "minimal")
        return json_response({"nodes": [_node_json(status, verbose)]})

    return [
        Route("/v1/meta", meta),
        Route("/v1/.well-known/ready", ok),
        Route("/v1/.well-known/live", ok),
        Route("/v1/.well-known/openid-configuration", openid_configuration),
        Route("/v1/nodes", nodes),
        Route("/v1/nodes/{collection}", nodes),
    ]


def _node_json(status: NodeStatus, verbose: bool) -> dict:
    """models.NodeStatus as Weaviate's LocalNodeStatus fills it: stats and shards only for output=verbose."""
    node: dict = {"name": status.name, "status": "HEALTHY", "version": WEAVIATE_VERSION, "gitHash": git_hash(),
                  "batchStats": {"queueLength": 0, "ratePerSecond": status.batch_rate_per_second},
                  "operationalMode": "ReadWrite"}
    if verbose:
        node["stats"] = {"objectCount": status.object_count, "shardCount": len(status.shards)}
        node["shards"] = [_shard_json(collection, shard) for collection, shard in status.shards]
    return node


def _shard_json(collection: str, shard: ShardStats) -> dict:
    """models.NodeShardStatus; one node holds every shard: replication factor and replicas are 1."""
    return {"name": shard.name, "class": collection, "objectCount": shard.object_count,
            "vectorIndexingStatus": shard.status, "vectorQueueLength": shard.queue_length,
            "compressed": shard.compressed, "loaded": shard.loaded, "replicationFactor": 1, "numberOfReplicas": 1}
