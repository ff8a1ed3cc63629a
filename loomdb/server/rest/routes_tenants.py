"""/v1/schema/{C}/tenants: create, update (activity status), delete, list, get and check tenants.

Bodies as the client sends them (wire protocol §2.7): POST/PUT `[{"name","activityStatus"}]`, DELETE `["name"]`.
States go out under Weaviate's stored names (HOT / COLD / FROZEN, which the client maps to ACTIVE / INACTIVE /
OFFLOADED); a folder move in progress is reported as OFFLOADING / ONLOADING.
"""
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

_REST_STATUS = {"FREEZING": "OFFLOADING", "UNFREEZING": "ONLOADING"}


def _name(request: Request) -> str:
    name = request.path_params["collection"]
    return name[:1].upper() + name[1:]


def _tenant_json(name: str, status: str) -> dict:
    return {"name": name, "activityStatus": _REST_STATUS.get(status, status)}


async def _tenant_bodies(request: Request) -> list[tuple[str, object]]:
    body = await read_json(request, list)
    if not isinstance(body, list) or not all(isinstance(t, dict) for t in body):
        raise InvalidInput("the body must be a JSON array of tenants ({\"name\", \"activityStatus\"})")
    return [(t.get("name") or "", t.get("activityStatus")) for t in body]


def routes(ctx: ServerContext) -> list[Route]:
    schema = ctx.schema

    @rest_errors
    async def create(request: Request) -> Response:
        created = await run_in_threadpool(schema.add_tenants, rest_principal(request),
                                          _name(request), await _tenant_bodies(request))
        return json_response([_tenant_json(n, s) for n, s in created])

    @rest_errors
    async def update(request: Request) -> Response:
        updated = await run_in_threadpool(schema.update_tenants, rest_principal(request),
                                          _name(request), await _tenant_bodies(request))
        return json_response([_tenant_json(n, s) for n, s in updated])

    @rest_errors
    async def delete(request: Request) -> Response:
        body = await read_json(request, list)
        if not isinstance(body, list) or not all(isinstance(n, str) for n in body):
            raise InvalidInput("the body must be a JSON array of tenant names")
        await run_in_threadpool(schema.delete_tenants, rest_principal(request), _name(request), body)
        return Response(status_code=200)

    @rest_errors
    async def list_all(request: Request) -> Response:
        tenants = await run_in_threadpool(schema.tenants, rest_principal(request), _name(request))
        return json_response([_tenant_json(n, s) for n, s in tenants])

    @rest_errors
    async def get_one(request: Request) -> Response:
        tenant = request.path_params["tenant"]
        status = await run_in_threadpool(schema.tenant, rest_principal(request), _name(request), tenant)
        if status is None:
            return Response(status_code=404)
        return json_response(_tenant_json(tenant, status))

    @rest_errors
    async def exists(request: Request) -> Response:
        found = await run_in_threadpool(schema.tenant, rest_principal(request),
                                        _name(request), request.path_params["tenant"]) is not None
        return Response(status_code=200 if found else 404)

    return [
        Route("/v1/schema/{collection}/tenants", create, methods=["POST"]),
        Route("/v1/schema/{collection}/tenants", update, methods=["PUT"]),
        Route("/v1/schema/{collection}/tenants", delete, methods=["DELETE"]),
        Route("/v1/schema/{collection}/tenants", list_all, methods=["GET"]),
        Route("/v1/schema/{collection}/tenants/{tenant}", exists, methods=["HEAD"]),   # before GET (takes HEAD)
        Route("/v1/schema/{collection}/tenants/{tenant}", get_one, methods=["GET"]),
    ]
