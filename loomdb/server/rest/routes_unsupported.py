"""Weaviate 1.36 REST endpoints loomdb does not serve yet: each answers 501 with "<what> is not supported by loomdb
yet" in Weaviate's error shape, so a client learns the feature is missing instead of getting a 404 that reads like
a typo. ONE table: an endpoint leaves it the day its routes are built (the routes of the other modules come first,
so a built method on a listed path already wins)."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .errors import error_response

_ANY = ("GET", "POST", "PUT", "PATCH", "DELETE")

# (path, methods, what is missing), from Weaviate's openapi-specs/schema.json and the official client's calls.
NOT_YET_SUPPORTED: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("/v1/export/{backend}", _ANY, "exports (/v1/export)"),
    ("/v1/export/{backend}/{id}", _ANY, "exports (/v1/export)"),
    ("/v1/classifications", ("POST",), "classifications (/v1/classifications)"),
    ("/v1/classifications/{id}", ("GET",), "classifications (/v1/classifications)"),
    ("/v1/replication/replicate", ("POST", "DELETE"), "replication (/v1/replication)"),
    ("/v1/replication/replicate/list", ("GET",), "replication (/v1/replication)"),
    ("/v1/replication/replicate/force-delete", ("POST",), "replication (/v1/replication)"),
    ("/v1/replication/replicate/{id}", ("GET", "DELETE"), "replication (/v1/replication)"),
    ("/v1/replication/replicate/{id}/cancel", ("POST",), "replication (/v1/replication)"),
    ("/v1/replication/sharding-state", ("GET",), "replication (/v1/replication)"),
    ("/v1/tokenize", ("POST",), "tokenization (/v1/tokenize)"),
    ("/v1/schema/{collection}/properties/{prop}/tokenize", ("POST",), "tokenization (/v1/tokenize)"),
    ("/v1/schema/{collection}/vectors/{vector}/index", ("DELETE",), "dropping a vector index"),
)


def _refusal(what: str):
    async def not_yet(request: Request) -> Response:
        return error_response(501, f"{what} is not supported by loomdb yet")
    return not_yet


def routes() -> list[Route]:
    """One 501 route per table row; register after every served route."""
    return [Route(path, _refusal(what), methods=list(methods)) for path, methods, what in NOT_YET_SUPPORTED]
