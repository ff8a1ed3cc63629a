"""/v1/users/db: database users as the official client's `client.users.db.*` drives them (usecases/db_users.py).
Weaviate's 404 and 409 answers here carry no body."""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...entities.errors import NotFound
from ...usecases.db_users import UserExists
from ..auth import rest_principal
from ..context import ServerContext
from ._json import json_response, read_json
from .errors import error_response, rest_errors


def _include_last_used(request: Request) -> bool:
    return request.query_params.get("includeLastUsedTime", "").lower() == "true"


def _done(changed: bool) -> Response:
    """activate / deactivate: 200, or 409 when the user already was in that state."""
    return Response(status_code=200 if changed else 409)


def routes(ctx: ServerContext) -> list[Route]:
    users = ctx.db_users

    @rest_errors
    async def list_all(request: Request) -> Response:
        return json_response(await run_in_threadpool(users.list, rest_principal(request), _include_last_used(request)))

    @rest_errors
    async def get_one(request: Request) -> Response:
        found = await run_in_threadpool(users.get, rest_principal(request), request.path_params["user"],
                                        _include_last_used(request))
        return Response(status_code=404) if found is None else json_response(found)

    @rest_errors
    async def create(request: Request) -> Response:
        try:
            key = await run_in_threadpool(users.create, rest_principal(request), request.path_params["user"])
        except UserExists as exc:
            return error_response(409, exc.message)
        return json_response({"apikey": key}, status=201)

    @rest_errors
    async def delete(request: Request) -> Response:
        found = await run_in_threadpool(users.delete, rest_principal(request), request.path_params["user"])
        return Response(status_code=204 if found else 404)

    @rest_errors
    async def rotate_key(request: Request) -> Response:
        try:
            key = await run_in_threadpool(users.rotate_key, rest_principal(request), request.path_params["user"])
        except NotFound:
            return Response(status_code=404)
        return json_response({"apikey": key})

    @rest_errors
    async def activate(request: Request) -> Response:
        try:
            return _done(await run_in_threadpool(users.activate, rest_principal(request),
                                                 request.path_params["user"]))
        except NotFound:
            return Response(status_code=404)

    @rest_errors
    async def deactivate(request: Request) -> Response:
        body = await read_json(request) if await request.body() else {}
        try:
            return _done(await run_in_threadpool(users.deactivate, rest_principal(request),
                                                 request.path_params["user"], bool(body.get("revoke_key"))))
        except NotFound:
            return Response(status_code=404)

    return [
        Route("/v1/users/db", list_all, methods=["GET"]),
        Route("/v1/users/db/{user}", get_one, methods=["GET"]),
        Route("/v1/users/db/{user}", create, methods=["POST"]),
        Route("/v1/users/db/{user}", delete, methods=["DELETE"]),
        Route("/v1/users/db/{user}/rotate-key", rotate_key, methods=["POST"]),
        Route("/v1/users/db/{user}/activate", activate, methods=["POST"]),
        Route("/v1/users/db/{user}/deactivate", deactivate, methods=["POST"]),
    ]
