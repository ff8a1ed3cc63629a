"""Cross-references over REST: POST/PUT/DELETE /v1/objects/{C}/{id}/references/{prop} and
POST /v1/batch/references (one result per item, in request order, as Weaviate answers)."""
from __future__ import annotations

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...entities.errors import InvalidInput
from ...entities.objects import parse_uuid
from ..auth import rest_principal
from ..context import ServerContext
from ._json import json_response
from .errors import rest_errors


async def read_body(request: Request):
    """The JSON body, whatever its type (a reference body is an object or an array)."""
    raw = await request.body()
    try:
        return orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"could not parse the request body as JSON: {exc}") from None


def routes(ctx: ServerContext) -> list[Route]:
    refs = ctx.references

    def path(request: Request) -> tuple[str, str, str, str]:
        cls = request.path_params["collection"]
        return (cls[:1].upper() + cls[1:], parse_uuid(request.path_params["id"]), request.path_params["prop"],
                request.query_params.get("tenant") or "")

    @rest_errors
    async def one(request: Request) -> Response:
        cls, uuid, prop, tenant = path(request)
        body = await read_body(request)
        if request.method == "POST":
            await run_in_threadpool(refs.add, rest_principal(request), cls, uuid, prop, body, tenant)
            return Response(status_code=200)
        if request.method == "PUT":
            await run_in_threadpool(refs.replace, rest_principal(request), cls, uuid, prop, body, tenant)
            return Response(status_code=200)
        await run_in_threadpool(refs.delete, rest_principal(request), cls, uuid, prop, body, tenant)
        return Response(status_code=204)

    @rest_errors
    async def batch(request: Request) -> Response:
        body = await read_body(request)
        if not isinstance(body, list):
            raise InvalidInput("the request body must be a JSON array of references")
        errors = await run_in_threadpool(refs.batch, rest_principal(request), body)
        out = []
        for item, err in zip(body, errors):
            entry = {k: item.get(k) for k in ("from", "to", "tenant") if isinstance(item, dict) and k in item}
            entry["result"] = ({"status": "SUCCESS"} if err is None else
                               {"status": "FAILED", "errors": {"error": [{"message": err}]}})
            out.append(entry)
        return json_response(out)

    return [
        Route("/v1/objects/{collection}/{id}/references/{prop}", one, methods=["POST", "PUT", "DELETE"]),
        Route("/v1/batch/references", batch, methods=["POST"]),
    ]
