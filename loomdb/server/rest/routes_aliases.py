"""/v1/aliases[/{name}]: collection aliases (client.alias.*). Status codes as Weaviate's handlers_aliases.go:
create 200, get 200/404, update 200/404, delete 204/404, validation errors 422."""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...entities.errors import InvalidInput
from ..auth import rest_principal
from ..context import ServerContext
from ._json import json_response, read_json
from .errors import rest_errors


def _field(body: dict, key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"'{key}' must be a non-empty string")
    return value


def routes(ctx: ServerContext) -> list[Route]:
    schema = ctx.schema

    @rest_errors
    async def list_all(request: Request) -> Response:
        return json_response({"aliases": await run_in_threadpool(schema.list_aliases, rest_principal(request),
                                                                 request.query_params.get("class") or None)})

    @rest_errors
    async def get_one(request: Request) -> Response:
        return json_response(await run_in_threadpool(schema.get_alias, rest_principal(request),
                                                     request.path_params["name"]))

    @rest_errors
    async def create(request: Request) -> Response:
        body = await read_json(request)
        return json_response(await run_in_threadpool(schema.create_alias, rest_principal(request),
                                                     _field(body, "alias"),
                                                     _field(body, "class")))

    @rest_errors
    async def update(request: Request) -> Response:
        body = await read_json(request)
        return json_response(await run_in_threadpool(schema.update_alias, rest_principal(request),
                                                     request.path_params["name"],
                                                     _field(body, "class")))

    @rest_errors
    async def delete(request: Request) -> Response:
        found = await run_in_threadpool(schema.delete_alias, rest_principal(request), request.path_params["name"])
        return Response(status_code=204 if found else 404)

    return [
        Route("/v1/aliases", list_all, methods=["GET"]),
        Route("/v1/aliases", create, methods=["POST"]),
        Route("/v1/aliases/{name}", get_one, methods=["GET"]),
        Route("/v1/aliases/{name}", update, methods=["PUT"]),
        Route("/v1/aliases/{name}", delete, methods=["DELETE"]),
    ]
