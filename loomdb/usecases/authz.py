"""The one authorization decision: may this principal do this verb on these resources?

Every use case asks it first, with the principal the adapter authenticated (None = anonymous) and the resource
paths of `entities.permissions`; it raises `Forbidden` or returns. Which policy answers (everyone allowed, Weaviate's
admin list, RBAC) is chosen once at start from the AUTHORIZATION_* settings."""
from __future__ import annotations

from typing import Protocol

from ..entities.errors import Forbidden
from ..entities.principal import Principal

ANONYMOUS = "anonymous"     # the user name Weaviate's authorizers give a request without credentials


class Authorizer(Protocol):
    def authorize(self, principal: Principal | None, verb: str, *resources: str) -> None:
        """Return when every resource is allowed for `verb`; raise entities.errors.Forbidden otherwise."""


class AllowAll:
    """No authorization configured (Weaviate's default): every principal, anonymous included, may do anything."""

    def authorize(self, principal: Principal | None, verb: str, *resources: str) -> None:
        return None


def forbidden(principal: Principal | None, verb: str, resources: tuple[str, ...] | list[str]) -> Forbidden:
    """Weaviate's authorization/errors wording (anonymous requests are judged as the user "anonymous")."""
    user = principal.username if principal is not None else ANONYMOUS
    groups = principal.groups if principal is not None else ()
    of_groups = ""
    if len(groups) == 1:
        of_groups = f" (of group '{groups[0]}')"
    elif groups:
        of_groups = " (of groups " + ", ".join(f"'{g}'" for g in groups) + ")"
    return Forbidden(f"authorization, forbidden action: user '{user}'{of_groups} has insufficient permissions to "
                     f"{verb} [{' '.join(resources)}]")


def allowed(authz: Authorizer, principal: Principal | None, verb: str, resource: str) -> bool:
    """Whether one resource is allowed, for listings that show only what the principal may see (Weaviate's
    filter.Filter: the schema, aliases)."""
    try:
        authz.authorize(principal, verb, resource)
    except Forbidden:
        return False
    return True
