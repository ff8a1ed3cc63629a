"""Authentication at the two doors: ONE ASGI middleware (REST and GraphQL) and ONE gRPC server interceptor, both
asking the same `usecases.authn.Authenticator` for the principal of the request's `Authorization: Bearer` header.
The principal then travels explicitly: adapters read it here (`rest_principal`, `grpc_principal`) and pass it as
the first argument of the use-case call, which authorizes it.

Left open as Weaviate leaves them: the liveness/readiness probes, the OIDC discovery document the client reads
before it has a token, and the gRPC health check (sent without any metadata)."""
from __future__ import annotations

import contextvars
from collections.abc import Callable

import grpc
import orjson
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from ..config import AuthSettings
from ..entities.errors import Unauthenticated
from ..entities.principal import Principal
from ..usecases.adminlist import AdminList
from ..usecases.authn import Authenticator, StaticApiKeys, TokenScheme
from ..usecases.authz import AllowAll, Authorizer
from ..usecases.db_users import DbUsers
from .oidc import OidcTokens

OPEN_PATHS = frozenset({"/v1/.well-known/live", "/v1/.well-known/ready", "/v1/.well-known/openid-configuration"})
OPEN_GRPC_METHODS = frozenset({"/grpc.health.v1.Health/Check"})
_SCOPE_KEY = "loomdb.principal"


class AuthMiddleware:
    """Pure ASGI (no per-request task or body wrapping): a few microseconds per request with API keys."""

    def __init__(self, app: ASGIApp, authenticator: Authenticator) -> None:
        self.app = app
        self.authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in OPEN_PATHS:
            header = None
            for name, value in scope["headers"]:
                if name == b"authorization":
                    header = value.decode("latin-1")
                    break
            try:
                scope[_SCOPE_KEY] = self.authenticator.authenticate(header)
            except Unauthenticated as exc:
                await _unauthorized(send, exc.message)
                return
        await self.app(scope, receive, send)


async def _unauthorized(send: Send, message: str) -> None:
    """go-openapi's rendering of Weaviate's 401 errors: {"code": 401, "message": ...}."""
    body = orjson.dumps({"code": 401, "message": message})
    await send({"type": "http.response.start", "status": 401, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def rest_principal(request: Request) -> Principal | None:
    """The principal the middleware authenticated for this request (None: anonymous)."""
    return request.scope.get(_SCOPE_KEY)


# ---- gRPC ---------------------------------------------------------------------------------------------------------
_grpc_principal: contextvars.ContextVar[Principal | None] = contextvars.ContextVar("loomdb_grpc_principal",
                                                                                   default=None)


def grpc_principal(context: grpc.ServicerContext) -> Principal | None:
    """The principal the interceptor authenticated for the call being served (read it when the method starts)."""
    return _grpc_principal.get()


class AuthInterceptor(grpc.ServerInterceptor):
    """Authenticates every weaviate.v1 call from its `authorization` metadata before the method runs; a failure
    answers UNAUTHENTICATED without reaching the servicer."""

    def __init__(self, authenticator: Authenticator) -> None:
        self.authenticator = authenticator

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        if handler is None or handler_call_details.method in OPEN_GRPC_METHODS:
            return handler
        header = None
        for key, value in handler_call_details.invocation_metadata or ():
            if key == "authorization" and isinstance(value, str):
                header = value
                break
        try:
            principal = self.authenticator.authenticate(header)
        except Unauthenticated as exc:
            return _with_behavior(handler, _refusal(exc.message))
        return _with_behavior(handler, _as(principal, _behavior(handler)))


def _behavior(handler: grpc.RpcMethodHandler) -> Callable:
    return (handler.unary_unary or handler.unary_stream or handler.stream_unary or handler.stream_stream)


def _as(principal: Principal | None, behavior: Callable) -> Callable:
    """The method run with `principal` visible to grpc_principal (the pool thread's context, reset after)."""
    def run(request_or_iterator, context):
        token = _grpc_principal.set(principal)
        try:
            return behavior(request_or_iterator, context)
        finally:
            _grpc_principal.reset(token)
    return run


def _refusal(message: str) -> Callable:
    def refuse(request_or_iterator, context):
        context.abort(grpc.StatusCode.UNAUTHENTICATED, message)
    return refuse


def _with_behavior(handler: grpc.RpcMethodHandler, behavior: Callable) -> grpc.RpcMethodHandler:
    """The same method (kind, (de)serializers) with another behavior."""
    make = {(False, False): grpc.unary_unary_rpc_method_handler, (False, True): grpc.unary_stream_rpc_method_handler,
            (True, False): grpc.stream_unary_rpc_method_handler, (True, True): grpc.stream_stream_rpc_method_handler}
    return make[(handler.request_streaming, handler.response_streaming)](
        behavior, request_deserializer=handler.request_deserializer,
        response_serializer=handler.response_serializer)


def static_keys(auth: AuthSettings) -> StaticApiKeys | None:
    """AUTHENTICATION_APIKEY_*; ValueError (the server refuses to start) for an invalid configuration."""
    return StaticApiKeys(auth.apikey_allowed_keys, auth.apikey_users) if auth.apikey_enabled else None


def oidc_tokens(auth: AuthSettings) -> OidcTokens | None:
    """AUTHENTICATION_OIDC_*: ValueError when misconfigured or the issuer's discovery cannot be read."""
    if not auth.oidc_enabled:
        return None
    return OidcTokens(auth.oidc_issuer, auth.oidc_client_id, auth.oidc_username_claim, auth.oidc_groups_claim,
                      auth.oidc_skip_client_id_check)


def build_authenticator(auth: AuthSettings, static: StaticApiKeys | None, db_users: DbUsers,
                        oidc: OidcTokens | None) -> Authenticator:
    """The schemes AUTHENTICATION_* configures, API keys in Weaviate's order: static keys, then database users."""
    schemes: list[TokenScheme] = [scheme for scheme in (static, db_users if db_users.enabled else None) if scheme]
    return Authenticator(anonymous_allowed=auth.anonymous_access, api_keys=schemes, oidc=oidc)


def build_authorizer(auth: AuthSettings) -> Authorizer:
    """The admin list when AUTHORIZATION_ADMINLIST_ENABLED, else everyone may do everything (Weaviate's default)."""
    if auth.adminlist_enabled:
        return AdminList(auth.adminlist_users, auth.adminlist_readonly_users, auth.adminlist_groups,
                         auth.adminlist_readonly_groups)
    return AllowAll()
