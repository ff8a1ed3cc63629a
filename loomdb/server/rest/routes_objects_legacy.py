"""The deprecated object paths without a class name, still sent by the v3 client and old scripts:
/v1/objects/{id} GET/HEAD/PUT/PATCH/DELETE and /v1/objects/{id}/references/{prop} POST/PUT/DELETE. Weaviate serves
them by finding the object's collection (logging a deprecation warning); so does loomdb, through the class-less
use case. They carry no tenant (Weaviate's deprecated parameters have none)."""
from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...entities.errors import InvalidInput
from ...entities.objects import IncomingObject, parse_uuid
from ..auth import rest_principal
from ..context import ServerContext
from ._json import json_response, read_json
from .errors import error_response, rest_errors
from .routes_objects import IncludeRefused, include_vector, object_json, parse_object
from .routes_references import read_body

log = logging.getLogger("loomdb.rest")

_REFERENCE_ACTIONS = {"POST": "add", "PUT": "replace", "DELETE": "delete"}
_REFERENCE_STATUS = {"POST": 200, "PUT": 200, "DELETE": 204}


def _deprecated(request: Request) -> str:
    log.warning("deprecated endpoint: %s %s", request.method, request.url.path)
    return parse_uuid(request.path_params["id"])


async def _update_body(request: Request, uuid: str) -> tuple[str | None, IncomingObject]:
    """(the body's class or None, the object) of a PUT/PATCH; the body may not move the object to another id."""
    body = await read_json(request)
    if body.get("id") is not None and parse_uuid(body["id"]) != uuid:
        raise InvalidInput("invalid update: field 'id' is immutable")
    cls, obj = parse_object(body, uuid, class_required=False)
    return cls or None, obj


def routes(ctx: ServerContext) -> list[Route]:
    classless = ctx.classless

    @rest_errors
    async def get(request: Request) -> Response:
        uuid = _deprecated(request)
        try:
            with_vector = include_vector(request)
        except IncludeRefused as exc:
            return error_response(400, exc.message)
        return json_response(object_json(await run_in_threadpool(classless.get, rest_principal(request),
                                                                 uuid, with_vector), with_vector, ""))

    @rest_errors
    async def head(request: Request) -> Response:
        found = await run_in_threadpool(classless.exists, rest_principal(request), _deprecated(request))
        return Response(status_code=204 if found else 404)

    @rest_errors
    async def replace(request: Request) -> Response:
        cls, obj = await _update_body(request, _deprecated(request))
        view = await run_in_threadpool(classless.replace, rest_principal(request), cls, obj, dict(request.headers))
        return json_response(object_json(view, True, ""))

    @rest_errors
    async def merge(request: Request) -> Response:
        cls, obj = await _update_body(request, _deprecated(request))
        await run_in_threadpool(classless.merge, rest_principal(request), cls, obj, dict(request.headers))
        return Response(status_code=204)

    @rest_errors
    async def delete(request: Request) -> Response:
        found = await run_in_threadpool(classless.delete, rest_principal(request), _deprecated(request))
        return Response(status_code=204 if found else 404)

    @rest_errors
    async def reference(request: Request) -> Response:
        uuid = _deprecated(request)
        body = await read_body(request)
        await run_in_threadpool(classless.change_reference, rest_principal(request),
                                _REFERENCE_ACTIONS[request.method], uuid,
                                request.path_params["prop"], body)
        return Response(status_code=_REFERENCE_STATUS[request.method])

    return [
        Route("/v1/objects/{id}", head, methods=["HEAD"]),      # before GET, which also takes HEAD
        Route("/v1/objects/{id}", get, methods=["GET"]),
        Route("/v1/objects/{id}", replace, methods=["PUT"]),
        Route("/v1/objects/{id}", merge, methods=["PATCH"]),
        Route("/v1/objects/{id}", delete, methods=["DELETE"]),
        Route("/v1/objects/{id}/references/{prop}", reference, methods=["POST", "PUT", "DELETE"]),
    ]
