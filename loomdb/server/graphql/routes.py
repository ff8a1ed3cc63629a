"""`POST /v1/graphql` ({"query", "variables", "operationName"}) and `POST /v1/graphql/batch` (a list of them):
Weaviate answers 200 with GraphQL's {"data", "errors"} body; a body that is no GraphQL request is a 422."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...entities.errors import InvalidInput
from ..auth import rest_principal
from ..context import ServerContext
from ..rest._json import json_response, read_json
from ..rest.errors import rest_errors

if TYPE_CHECKING:
    from .service import GraphQLService


def _request(body: Any) -> tuple[str, dict[str, Any] | None, str | None]:
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise InvalidInput("query in body is required")
    variables = body.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise InvalidInput("variables in body must be of type object")
    return body["query"], variables, body.get("operationName") or None


def routes(ctx: ServerContext) -> list[Route]:
    services: list[GraphQLService] = []

    def service() -> GraphQLService:
        """graphql-core (~0.3 s to import) is loaded with the first GraphQL request, not at server start."""
        if not services:
            from .service import GraphQLService
            services.append(GraphQLService(ctx.schema, ctx.search))
        return services[0]

    @rest_errors
    async def graphql(request: Request) -> Response:
        query, variables, operation = _request(await read_json(request))
        return json_response(await run_in_threadpool(service().run, rest_principal(request),
                                                     query, variables, operation,
                                                     dict(request.headers)))

    @rest_errors
    async def graphql_batch(request: Request) -> Response:
        batch = [_request(item) for item in await read_json(request, list)]
        headers = dict(request.headers)
        principal = rest_principal(request)
        return json_response(await run_in_threadpool(lambda: [service().run(principal, *item, headers)
                                                              for item in batch]))

    return [Route("/v1/graphql", graphql, methods=["POST"]),
            Route("/v1/graphql/batch", graphql_batch, methods=["POST"])]
