"""The one mapping from loomdb errors to HTTP: status code plus Weaviate's {"error":[{"message":...}]} body."""
from __future__ import annotations

import functools
import logging

import orjson
from starlette.requests import Request
from starlette.responses import Response

from ...entities.errors import (
    AlreadyExists,
    BodyValidation,
    Forbidden,
    InvalidInput,
    LoomError,
    NotFound,
    ShuttingDown,
    Unauthenticated,
    Unsupported,
    UpstreamFailure,
)

log = logging.getLogger("loomdb.rest")

_STATUS: list[tuple[type[LoomError], int]] = [
    (InvalidInput, 422), (AlreadyExists, 422), (NotFound, 404), (Unsupported, 501), (Forbidden, 403),
    (Unauthenticated, 401),
    (UpstreamFailure, 500),     # a module's provider failed (Weaviate answers vectorisation errors with 500)
    (ShuttingDown, 503),
]


def error_response(status: int, message: str) -> Response:
    return Response(orjson.dumps({"error": [{"message": message}]}), status_code=status,
                    media_type="application/json")


def status_for(exc: LoomError) -> int:
    return next((code for kind, code in _STATUS if isinstance(exc, kind)), 500)


def rest_errors(handler):
    """LoomError -> its status with a Weaviate-shaped body; any other exception -> 500 (logged), never a crash."""
    @functools.wraps(handler)
    async def wrapper(request: Request) -> Response:
        try:
            return await handler(request)
        except BodyValidation as exc:       # go-openapi's shape, before any Weaviate handler
            return Response(orjson.dumps({"code": exc.code, "message": exc.message}), status_code=422,
                            media_type="application/json")
        except LoomError as exc:
            return error_response(status_for(exc), exc.message)
        except Exception as exc:  # noqa: BLE001
            log.exception("internal error on %s %s", request.method, request.url.path)
            return error_response(500, f"internal error: {type(exc).__name__}: {exc}")
    return wrapper
