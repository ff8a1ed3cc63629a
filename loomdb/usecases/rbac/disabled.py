"""/v1/authz and /v1/users/own-info with AUTHORIZATION_RBAC_ENABLED off, answered as Weaviate answers them there.

Weaviate registers its authz handlers whatever the setting; without RBAC their controller has no policy store
(its RBAC manager answers every query empty and applies every change as a no-op). So reads find nothing, not even
the built-in roles (a role: 404; lists: []; has-permission: false), and changes pass the handlers' own checks (names,
permissions, built-in names, users that exist) and then keep nothing: creating a role answers 201 and the role is
not there. Who may call them is decided by the server's authorizer (the admin list, or everyone). The same
RbacService runs over the two null objects below, so every check and message is the one RBAC uses."""
from __future__ import annotations

from ...entities.principal import Principal
from ..authz import Authorizer, allowed
from .authorizer import RbacAuthorizer
from .permissions import Json
from .roles import ConfiguredAssignments, RoleBook, _State


class _NoStore:
    def load(self) -> Json:
        return {}

    def save(self, document: Json) -> None:
        """Nothing is kept (Weaviate's RBAC manager without a store)."""


class EmptyRoleBook(RoleBook):
    """A role book that holds nothing and forgets every change as it is made."""

    def __init__(self) -> None:
        super().__init__(_NoStore(), ConfiguredAssignments())

    def role_names(self) -> list[str]:
        return []

    def exists(self, name: str) -> bool:
        return False

    def permissions(self, name: str) -> list[Json] | None:
        return None

    def _commit(self) -> None:
        self._state = _State()


class WithoutRbac(RbacAuthorizer):
    """What RbacService asks of an authorizer, answered by the server's own one (admin list or allow-all) with the
    verbs Weaviate's handlers pass it: the scoped role verbs (R_ALL, U_MATCH, ...) too, which an admin list grants
    its admins only (its read-only users hold the plain READ); nobody holds a role."""

    def __init__(self, authz: Authorizer) -> None:
        super().__init__(EmptyRoleBook())
        self._server_authz = authz

    def authorize(self, principal: Principal | None, verb: str, *resources: str) -> None:
        self._server_authz.authorize(principal, verb, *resources)

    def allowed(self, principal: Principal, verb: str, resource: str) -> bool:
        return allowed(self._server_authz, principal, verb, resource)

    def role_allows(self, role: str, verb: str, resource: str) -> bool:
        return False

    def roles_of(self, principal: Principal) -> tuple[str, ...]:
        return ()
