"""Authentication: the `Authorization: Bearer <token>` of a request -> the Principal it proves (None = anonymous),
or Unauthenticated in Weaviate's words. Which schemes answer (static API keys, database users, OIDC) is chosen once
at start from the AUTHENTICATION_* settings; the REST middleware and the gRPC interceptor (server/auth.py) both ask
this one object, so the three doors decide alike.

Static keys are compared as SHA-256 digests with hmac.compare_digest against every allowed key (no early exit), so
neither the comparison nor the loop reveals how much of a key matched or which key it was. Keys are never logged."""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Protocol

from ..entities.errors import Unauthenticated
from ..entities.principal import Principal

BEARER = "Bearer "
ANONYMOUS_DISABLED = "anonymous access not enabled, please provide an auth scheme such as OIDC"
INVALID_API_KEY = "invalid api key, please provide a valid api key"
OIDC_NOT_CONFIGURED = ("oidc auth is not configured, please try another auth scheme or set up weaviate with OIDC "
                       "configured")


class TokenScheme(Protocol):
    def principal(self, token: str) -> Principal | None:
        """The principal `token` proves, None when this scheme does not know it, Unauthenticated when the token is
        this scheme's and invalid."""


class StaticApiKeys:
    """AUTHENTICATION_APIKEY_ALLOWED_KEYS with _USERS: one user for every key, or one user per key (same order)."""

    def __init__(self, keys: Sequence[str], users: Sequence[str]) -> None:
        if not keys:
            raise ValueError("invalid apikey config: need at least one valid allowed key")
        if any(not key for key in keys):
            raise ValueError("invalid apikey config: keys cannot have length 0")
        if not users:
            raise ValueError("invalid apikey config: need at least one user")
        if any(not user for user in users):
            raise ValueError("invalid apikey config: users cannot have length 0")
        if len(users) > 1 and len(users) != len(keys):
            raise ValueError("invalid apikey config: length of users and keys must match, alternatively provide "
                             "single user for all keys")
        self._digests = [hashlib.sha256(key.encode()).digest() for key in keys]
        self._principals = [Principal(users[i] if len(users) > 1 else users[0]) for i in range(len(keys))]

    def principal(self, token: str) -> Principal | None:
        digest = hashlib.sha256(token.encode()).digest()
        found = None
        for allowed, principal in zip(self._digests, self._principals):
            if hmac.compare_digest(digest, allowed):
                found = principal
        return found


class Authenticator:
    """The configured schemes in Weaviate's order: API keys (static, then database users) for tokens that are no
    JWT, OIDC for JWTs; anonymous requests pass only when anonymous access is enabled."""

    def __init__(self, anonymous_allowed: bool = True, api_keys: Sequence[TokenScheme] = (),
                 oidc: TokenScheme | None = None) -> None:
        self.anonymous_allowed = anonymous_allowed
        self._api_keys = tuple(api_keys)
        self._oidc = oidc

    @property
    def open(self) -> bool:
        """Nothing to check: anonymous access and no scheme configured (Weaviate's default)."""
        return self.anonymous_allowed and not self._api_keys and self._oidc is None

    def authenticate(self, authorization: str | None) -> Principal | None:
        """The principal of an `Authorization` header value (None or not a Bearer token: anonymous)."""
        token = authorization[len(BEARER):] if authorization and authorization.startswith(BEARER) else ""
        if not token:
            if self.anonymous_allowed:
                return None
            raise Unauthenticated(ANONYMOUS_DISABLED)
        if self._oidc is not None and (not self._api_keys or _looks_like_jwt(token)):
            principal = self._oidc.principal(token)
            if principal is not None:
                return principal
        for scheme in self._api_keys:
            principal = scheme.principal(token)
            if principal is not None:
                return principal
        if not self._api_keys:
            raise Unauthenticated(OIDC_NOT_CONFIGURED)
        raise Unauthenticated(INVALID_API_KEY)


def _looks_like_jwt(token: str) -> bool:
    """Weaviate tells a JWT from an API key by whether it parses as one: three dot-separated parts."""
    return token.count(".") == 2
