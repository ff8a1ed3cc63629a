"""The Starlette application: route tables of every /v1 family, the endpoints not built yet (501), and go-swagger's
404/405 bodies for paths and methods Weaviate does not have."""
from __future__ import annotations

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ..context import ServerContext
from ..graphql.routes import routes as graphql_routes
from . import (
    routes_aliases,
    routes_authz,
    routes_backups,
    routes_batch,
    routes_meta,
    routes_objects,
    routes_objects_legacy,
    routes_references,
    routes_schema,
    routes_tenants,
    routes_unsupported,
    routes_users,
)
from .errors import error_response
from .routes_cluster import routes as cluster_routes


def _router_error(status: int, message: str) -> Response:
    """go-openapi's router answers an unknown path or method before any Weaviate handler, in its own shape."""
    return Response(orjson.dumps({"code": status, "message": message}), status_code=status,
                    media_type="application/json")


async def _http_error(request: Request, exc: HTTPException):
    if exc.status_code == 404:
        return _router_error(404, f"path {request.url.path} was not found")
    if exc.status_code == 405:
        allowed = {m.strip() for m in (exc.headers or {}).get("Allow", "").split(",") if m.strip()}
        if "GET" in allowed:
            allowed.discard("HEAD")      # Starlette adds HEAD to every GET route; Weaviate lists it only where declared
        return _router_error(405, f"method {request.method} is not allowed, but [{','.join(sorted(allowed))}] are")
    return error_response(exc.status_code, exc.detail or "request failed")


def build_rest_app(ctx: ServerContext) -> Starlette:
    routes = routes_meta.routes(ctx) + routes_schema.routes(ctx) + routes_references.routes(ctx)
    routes += routes_objects.routes(ctx) + routes_objects_legacy.routes(ctx) + routes_batch.routes(ctx)
    routes += routes_aliases.routes(ctx) + routes_tenants.routes(ctx) + routes_users.routes(ctx)
    routes += routes_backups.routes(ctx)
    routes += cluster_routes(ctx) + graphql_routes(ctx) + routes_authz.routes(ctx.rbac)
    routes += routes_unsupported.routes()          # last: a built route on the same path wins
    return Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
