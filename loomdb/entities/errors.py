"""The one error tree. Wire adapters map these to HTTP status codes and gRPC codes in exactly one place each.

Messages follow Weaviate's wording where the official client or users depend on it.
"""
from __future__ import annotations


class LoomError(Exception):
    """Base of every error loomdb raises on purpose; `message` is what the user sees."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(LoomError):
    """The request is malformed or violates the schema (REST 422, gRPC INVALID_ARGUMENT)."""


class NotFound(LoomError):
    """A collection, object or other named thing does not exist (REST 404, gRPC NOT_FOUND)."""


class AlreadyExists(LoomError):
    """A create collided with an existing name or id (REST 422, gRPC ALREADY_EXISTS)."""


class NameTaken(AlreadyExists):
    """A collection or alias name already in use in the database's one namespace of names (compared
    case-insensitively): `kind` is "class" or "alias" for what holds it, `existing` its stored spelling. The use
    cases word it as Weaviate does for the request at hand."""

    def __init__(self, kind: str, name: str, existing: str) -> None:
        super().__init__(f'name "{name}" is already used by {kind} "{existing}"')
        self.kind = kind
        self.name = name
        self.existing = existing


class Unsupported(LoomError):
    """A valid Weaviate feature this loomdb version does not implement yet (REST 501, gRPC UNIMPLEMENTED)."""


class ShardClosed(InvalidInput):
    """A request reached a shard that was closed meanwhile (tenant deactivated, collection dropped)."""


class ShuttingDown(LoomError):
    """The server is stopping and abandons work it has not acknowledged (a vectorising batch past the grace period,
    a request reaching a closed database): REST 503, gRPC UNAVAILABLE, because it is not the user's mistake and
    the client's retry reaches the restarted server."""


class DataDirLocked(LoomError):
    """Another process holds the data directory."""


class UpstreamFailure(LoomError):
    """A module's model or provider failed or refused (401, 429, 5xx, unreachable); `message` carries the
    provider's own text so the user sees why."""


class Unauthenticated(LoomError):
    """No valid credentials where they are required (REST 401, gRPC UNAUTHENTICATED)."""


class Forbidden(LoomError):
    """The principal lacks a permission (REST 403, gRPC PERMISSION_DENIED); the message names the user, the verb
    and the resource as Weaviate's does."""


class BodyValidation(InvalidInput):
    """A request body breaks its OpenAPI schema (a number out of range, a value not in an enum): Weaviate's
    go-swagger layer refuses it before any handler, with its own body {"code": <go-openapi code>, "message"}."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
