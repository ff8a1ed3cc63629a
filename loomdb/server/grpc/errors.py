"""The one mapping from loomdb errors to gRPC status codes. Never UNAVAILABLE for a user mistake: the official
client retries UNAVAILABLE for about a minute before it shows anything."""
from __future__ import annotations

import functools
import logging

import grpc

from ...entities.errors import (
    AlreadyExists,
    Forbidden,
    InvalidInput,
    LoomError,
    NotFound,
    ShuttingDown,
    Unauthenticated,
    Unsupported,
    UpstreamFailure,
)

log = logging.getLogger("loomdb.grpc")

_CODES: list[tuple[type[LoomError], grpc.StatusCode]] = [
    (InvalidInput, grpc.StatusCode.INVALID_ARGUMENT),
    (NotFound, grpc.StatusCode.NOT_FOUND),
    (AlreadyExists, grpc.StatusCode.ALREADY_EXISTS),
    (Unsupported, grpc.StatusCode.UNIMPLEMENTED),
    (Forbidden, grpc.StatusCode.PERMISSION_DENIED),
    (Unauthenticated, grpc.StatusCode.UNAUTHENTICATED),
    (UpstreamFailure, grpc.StatusCode.UNKNOWN),     # a module's provider failed: Weaviate's plain error status
    (ShuttingDown, grpc.StatusCode.UNAVAILABLE),    # the one server-side UNAVAILABLE: the retry finds the restart
]


def request_headers(context) -> dict[str, str]:
    """The call's gRPC metadata (keys lower-case), what modules read API keys and base URLs from."""
    return {key.lower(): value for key, value in (context.invocation_metadata() or ()) if isinstance(value, str)}


def status_for(exc: LoomError) -> grpc.StatusCode:
    for kind, code in _CODES:
        if isinstance(exc, kind):
            return code
    return grpc.StatusCode.UNKNOWN


def grpc_errors(method):
    """Turn LoomError into its status code with a readable message; anything else into INTERNAL (logged)."""
    @functools.wraps(method)
    def wrapper(self, request, context):
        try:
            return method(self, request, context)
        except LoomError as exc:
            context.abort(status_for(exc), exc.message)
        except Exception as exc:  # noqa: BLE001 - last line of defence: a bug must not look like an outage
            log.exception("internal error in %s", method.__name__)
            context.abort(grpc.StatusCode.INTERNAL, f"internal error: {type(exc).__name__}: {exc}")
    return wrapper
