"""The Starlette application: route tables of every /v1 family, plus Weaviate-shaped 404/405."""
from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request

from ..context import ServerContext
from . import routes_aliases, routes_meta, routes_objects, routes_references, routes_schema, routes_tenants
from .errors import error_response
from .routes_cluster import routes as cluster_routes


async def _http_error(request: Request, exc: HTTPException):
    return error_response(exc.status_code, exc.detail or "request failed")


def build_rest_app(ctx: ServerContext) -> Starlette:
    routes = routes_meta.routes(ctx) + routes_schema.routes(ctx) + routes_references.routes(ctx)
    routes += routes_objects.routes(ctx)
    routes += routes_aliases.routes(ctx) + routes_tenants.routes(ctx)
    routes += cluster_routes(ctx)
    return Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
