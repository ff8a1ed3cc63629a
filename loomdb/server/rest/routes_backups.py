"""/v1/backups/{backend}[/{id}[/restore]]: client.backup.* (Weaviate's handlers_backup.go). Create and restore answer
200 with STARTED and run on; status 200/404; cancel 204; list 200 with a JSON array. Validation errors 422."""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...entities.errors import InvalidInput, Unsupported
from ..auth import rest_principal
from ..context import ServerContext
from ._json import json_response, read_json
from .errors import error_response, rest_errors


def _names(body: dict, key: str) -> list[str]:
    value = body.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"{key} in body must be of type array of strings")
    return value


def _config(body: dict) -> dict | None:
    config = body.get("config")
    if config is not None and not isinstance(config, dict):
        raise InvalidInput("config in body must be of type object")
    return config


def routes(ctx: ServerContext) -> list[Route]:
    backups = ctx.backups

    @rest_errors
    async def create(request: Request) -> Response:
        body = await read_json(request)
        backup_id = body.get("id")
        if not isinstance(backup_id, str):
            raise InvalidInput("id in body is required")
        if body.get("incremental_base_backup_id"):
            raise Unsupported("incremental backups are not supported by loomdb yet")
        return json_response(await run_in_threadpool(
            backups.create, rest_principal(request), request.path_params["backend"], backup_id,
            _names(body, "include"), _names(body, "exclude"), _config(body)))

    @rest_errors
    async def listing(request: Request) -> Response:
        return json_response(await run_in_threadpool(
            backups.list_backups, rest_principal(request), request.path_params["backend"],
            request.query_params.get("order") == "asc"))

    @rest_errors
    async def create_status(request: Request) -> Response:
        return json_response(await run_in_threadpool(
            backups.create_status, rest_principal(request), request.path_params["backend"],
            request.path_params["id"]))

    @rest_errors
    async def cancel(request: Request) -> Response:
        await run_in_threadpool(backups.cancel, rest_principal(request), request.path_params["backend"],
                                request.path_params["id"])
        return Response(status_code=204)

    @rest_errors
    async def restore(request: Request) -> Response:
        body = await read_json(request)
        return json_response(await run_in_threadpool(
            backups.restore, rest_principal(request), request.path_params["backend"], request.path_params["id"],
            _names(body, "include"), _names(body, "exclude"), _config(body), bool(body.get("overwriteAlias"))))

    @rest_errors
    async def restore_status(request: Request) -> Response:
        return json_response(await run_in_threadpool(
            backups.restore_status, rest_principal(request), request.path_params["backend"],
            request.path_params["id"]))

    @rest_errors
    async def cancel_restore(request: Request) -> Response:
        backup_id = request.path_params["id"]
        if await run_in_threadpool(backups.cancel_restore, rest_principal(request), request.path_params["backend"],
                                   backup_id):
            return Response(status_code=204)
        return error_response(404, f"no restore of backup {backup_id} is running")

    return [
        Route("/v1/backups/{backend}", create, methods=["POST"]),
        Route("/v1/backups/{backend}", listing, methods=["GET"]),
        Route("/v1/backups/{backend}/{id}", create_status, methods=["GET"]),
        Route("/v1/backups/{backend}/{id}", cancel, methods=["DELETE"]),
        Route("/v1/backups/{backend}/{id}/restore", restore, methods=["POST"]),
        Route("/v1/backups/{backend}/{id}/restore", restore_status, methods=["GET"]),
        Route("/v1/backups/{backend}/{id}/restore", cancel_restore, methods=["DELETE"]),
    ]
