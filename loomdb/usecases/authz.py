"""The one authorization decision: may this principal do this verb on these resources?

Every use case asks it first, with the principal the adapter authenticated (None = anonymous) and the resource
paths of `entities.permissions`; it raises `Forbidden` or returns. Which policy answers (everyone allowed, Weaviate's
admin list, RBAC) is chosen once at start from the AUTHORIZATION_* settings."""
from __future__ import annotations

from typing import Protocol

from ..entities.principal import Principal


class Authorizer(Protocol):
    def authorize(self, principal: Principal | None, verb: str, *resources: str) -> None:
        """Return when every resource is allowed for `verb`; raise entities.errors.Forbidden otherwise."""


class AllowAll:
    """No authorization configured (Weaviate's default): every principal, anonymous included, may do anything."""

    def authorize(self, principal: Principal | None, verb: str, *resources: str) -> None:
        return None
