"""/v1/schema: create, list, get, delete collections; add properties, delete their indexes; list shards."""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..auth import rest_principal
from ..context import ServerContext
from ._json import json_response, read_json
from .errors import rest_errors


def _name(request: Request) -> str:
    name = request.path_params["collection"]
    return name[:1].upper() + name[1:]


def routes(ctx: ServerContext) -> list[Route]:
    schema = ctx.schema

    @rest_errors
    async def create(request: Request) -> Response:
        body = await read_json(request)
        return json_response(await run_in_threadpool(schema.create, rest_principal(request), body))

    @rest_errors
    async def list_all(request: Request) -> Response:
        return json_response({"classes": await run_in_threadpool(schema.list, rest_principal(request))})

    @rest_errors
    async def get_one(request: Request) -> Response:
        return json_response(await run_in_threadpool(schema.get, rest_principal(request), _name(request)))

    @rest_errors
    async def delete(request: Request) -> Response:
        await run_in_threadpool(schema.delete, rest_principal(request), _name(request))
        return Response(status_code=200)

    @rest_errors
    async def update(request: Request) -> Response:
        body = await read_json(request)
        return json_response(await run_in_threadpool(schema.update, rest_principal(request), _name(request), body))

    @rest_errors
    async def add_property(request: Request) -> Response:
        body = await read_json(request)
        return json_response(await run_in_threadpool(schema.add_property, rest_principal(request),
                                                     _name(request), body))

    @rest_errors
    async def shards(request: Request) -> Response:
        return json_response([{"name": shard, "status": status, "vectorQueueSize": 0}
                              for shard, status in await run_in_threadpool(schema.shards, rest_principal(request),
                                                                           _name(request))])

    @rest_errors
    async def update_shard(request: Request) -> Response:
        body = await read_json(request)
        status = await run_in_threadpool(schema.update_shard, rest_principal(request),
                                         _name(request), request.path_params["shard"],
                                         body.get("status"))
        return json_response({"status": status})

    @rest_errors
    async def delete_property_index(request: Request) -> Response:
        await run_in_threadpool(ctx.property_indexes.delete, rest_principal(request),
                                _name(request), request.path_params["prop"],
                                request.path_params["index"])
        return Response(status_code=200)

    return [
        Route("/v1/schema", create, methods=["POST"]),
        Route("/v1/schema", list_all, methods=["GET"]),
        Route("/v1/schema/{collection}", get_one, methods=["GET"]),
        Route("/v1/schema/{collection}", delete, methods=["DELETE"]),
        Route("/v1/schema/{collection}", update, methods=["PUT"]),
        Route("/v1/schema/{collection}/properties", add_property, methods=["POST"]),
        Route("/v1/schema/{collection}/properties/{prop}/index/{index}", delete_property_index, methods=["DELETE"]),
        Route("/v1/schema/{collection}/shards", shards, methods=["GET"]),
        Route("/v1/schema/{collection}/shards/{shard}", update_shard, methods=["PUT"]),
    ]
