"""The /v1/authz use cases (client.roles, client.users.{db,oidc}, client.groups.oidc, users/own-info) with
Weaviate's rules, wording and checks: each call authorizes its principal first, as Weaviate's authz handlers do
(roles with their scope: ALL, or MATCH = only permissions the caller holds itself)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ...entities import permissions as paths
from ...entities.errors import AlreadyExists, Forbidden, InvalidInput, NotFound, Unauthenticated
from ...entities.principal import Principal
from .authorizer import RbacAuthorizer
from .permissions import Grant, Json, grant_of, normalise
from .roles import BUILT_IN, ROOT, ConfiguredAssignments, RoleBook

_ROLE_NAME_MAX = 64
_ROLE_NAME_FIRST = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ROLE_NAME_REST = _ROLE_NAME_FIRST | set("0123456789-_")
USER_TYPES = ("db", "oidc")
_GERUND = {"assign": "assigning", "revoke": "revoking"}


class BadRequest(InvalidInput):
    """Weaviate answers these authz mistakes with 400 rather than 422."""


class RoleConflict(AlreadyExists):
    """A role of that name exists (409)."""


class KnownUsers(Protocol):
    """Which users exist, for assignments (authentication knows: static API-key users, database users, OIDC)."""

    def exists(self, user_id: str, user_type: str) -> bool: ...

    def db_user_type(self, user_id: str) -> str:
        """'db_user' for a database user created through /v1/users/db, 'db_env_user' for a static API-key user."""


class ConfiguredUsers:
    """KnownUsers from the settings alone: the static API-key users (AUTHENTICATION_APIKEY_USERS) and, with OIDC on,
    any OIDC user (the issuer knows them, Weaviate cannot check); `db_users` answers for database users."""

    def __init__(self, static_users: tuple[str, ...], oidc_enabled: bool,
                 db_users: Callable[[str], bool] = lambda user_id: False) -> None:
        self.static_users = static_users
        self.oidc_enabled = oidc_enabled
        self.db_users = db_users

    def exists(self, user_id: str, user_type: str) -> bool:
        if user_type == "oidc":
            return self.oidc_enabled
        return user_id in self.static_users or self.db_users(user_id)

    def db_user_type(self, user_id: str) -> str:
        return "db_user" if self.db_users(user_id) else "db_env_user"


def _valid_role_name(name: str) -> bool:
    return (0 < len(name) <= _ROLE_NAME_MAX and name[0] in _ROLE_NAME_FIRST
            and all(c in _ROLE_NAME_REST for c in name))


def _permissions(body: object, allow_empty: bool) -> list[Json]:
    raw = body.get("permissions") if isinstance(body, dict) else None
    if raw is None:
        raw = []
    if not isinstance(raw, list) or (not raw and not allow_empty):
        raise InvalidInput("role permissions are invalid: permissions cannot be empty")
    return [normalise(p) for p in raw]


def _roles_field(body: object, doing: str) -> list[str]:
    roles = body.get("roles") if isinstance(body, dict) else None
    if isinstance(roles, str):
        roles = [roles]
    if not isinstance(roles, list) or any(not isinstance(r, str) for r in roles):
        raise BadRequest("roles can not be empty")
    for role in roles:
        if not role.strip():
            raise BadRequest(f"one or more of the roles you want to {doing} is empty")
        if role == ROOT:
            raise Forbidden(f"{_GERUND[doing]}: modifying 'root' role or changing its assignments is not allowed")
    if not roles:
        raise BadRequest("roles can not be empty")
    return roles


class RbacService:
    def __init__(self, authorizer: RbacAuthorizer, users: KnownUsers, configured: ConfiguredAssignments) -> None:
        self.authz = authorizer
        self.book: RoleBook = authorizer.book
        self.users = users
        self.configured = configured

    # ---- who may manage a role ------------------------------------------------------------------------------------
    def _may_manage(self, principal: Principal | None, verb: str, role: str, grants: list[Grant]) -> None:
        """Weaviate's role scopes: `verb_ALL` on the role, or `verb_MATCH` plus holding every granted permission."""
        try:
            self.authz.authorize(principal, f"{verb}_ALL", paths.roles(role))
            return
        except Forbidden:
            pass
        try:
            self.authz.authorize(principal, f"{verb}_MATCH", paths.roles(role))
        except Forbidden as exc:
            raise Forbidden("can only create roles with less or equal permissions as the current user: "
                            + exc.message) from None
        for grant in grants:
            for one in grant.verbs:
                self.authz.authorize(principal, one, grant.pattern)

    def _role(self, name: str) -> Json:
        return {"name": name, "permissions": self.book.permissions(name) or []}

    # ---- roles ----------------------------------------------------------------------------------------------------
    def list_roles(self, principal: Principal | None) -> list[Json]:
        if principal is None:
            self.authz.authorize(principal, "R_ALL", paths.roles())
        names = [n for n in self.book.role_names() if n != ROOT or self.configured.is_root(principal)]
        for scope in ("R_ALL", "R_MATCH"):
            visible = [n for n in names if self.authz.allowed(principal, scope, paths.roles(n))]  # type: ignore[arg-type]
            if visible:
                return [self._role(n) for n in visible]
        return []

    def get_role(self, principal: Principal | None, name: str) -> Json | None:
        self._may_manage(principal, "R", name, [])
        return self._role(name) if self.book.exists(name) else None

    def create_role(self, principal: Principal | None, body: object) -> None:
        name = body.get("name") if isinstance(body, dict) else None
        if not isinstance(name, str) or not name:
            raise BadRequest("role name is required")
        if not _valid_role_name(name):
            raise BadRequest("role name is invalid")
        perms = _permissions(body, allow_empty=True)
        if name in BUILT_IN:
            raise BadRequest(f"you cannot create role with the same name as built-in role {name}")
        self._may_manage(principal, "C", name, [grant_of(p) for p in perms])
        if self.book.exists(name):
            raise RoleConflict(f"role with name {name} already exists")
        self.book.create(name, perms)

    def delete_role(self, principal: Principal | None, name: str) -> None:
        if name in BUILT_IN:
            raise BadRequest(f"you can not delete built-in role {name}")
        self._may_manage(principal, "D", name, [grant_of(p) for p in self.book.permissions(name) or []])
        self.book.delete(name)

    def add_permissions(self, principal: Principal | None, name: str, body: object) -> None:
        if name in BUILT_IN:
            raise BadRequest(f"you can not update built-in role {name}")
        perms = _permissions(body, allow_empty=False)
        self._may_manage(principal, "U", name, [grant_of(p) for p in perms])
        if not self.book.exists(name):
            raise NotFound("")
        self.book.add(name, perms)

    def remove_permissions(self, principal: Principal | None, name: str, body: object) -> None:
        perms = _permissions(body, allow_empty=False)
        if name in BUILT_IN:
            raise BadRequest(f"you cannot update built-in role {name}")
        self._may_manage(principal, "U", name, [grant_of(p) for p in perms])
        if not self.book.exists(name):
            raise NotFound("")
        self.book.remove(name, perms)

    def has_permission(self, principal: Principal | None, name: str, permission: object) -> bool:
        if not isinstance(permission, dict):
            raise BadRequest("permission is required")
        grant = grant_of(normalise(permission))
        self._may_manage(principal, "R", name, [])
        verbs = grant.verbs if grant.scope is None else [f"{v}_{grant.scope.upper()}" for v in grant.verbs]
        return all(self.authz.role_allows(name, verb, grant.pattern) for verb in verbs)

    # ---- who holds a role -----------------------------------------------------------------------------------------
    def user_assignments(self, principal: Principal | None, role: str) -> list[Json]:
        if role == ROOT and not self.configured.is_root(principal):
            raise Forbidden("modifying 'root' role or changing its assignments is not allowed")
        self._may_manage(principal, "R", role, [])
        users, _ = self.book.holders(role)
        out = []
        for user_type in ("oidc", "db"):
            for kind, user_id in users:
                if kind != user_type or not self.users.exists(user_id, kind) \
                        or not self._may_read_user(principal, user_id):
                    continue
                out.append({"userId": user_id,
                            "userType": "oidc" if kind == "oidc" else self.users.db_user_type(user_id)})
        return out

    def users_of_role(self, principal: Principal | None, role: str) -> list[str]:
        """The deprecated GET /v1/authz/roles/{id}/users: ids only, without duplicates."""
        return sorted({a["userId"] for a in self.user_assignments(principal, role)})

    def group_assignments(self, principal: Principal | None, role: str) -> list[Json]:
        self._may_manage(principal, "R", role, [])
        _, groups = self.book.holders(role)
        return [{"groupId": g, "groupType": t} for t, g in groups
                if self.authz.allowed(principal, "R", paths.groups(g, t))]  # type: ignore[arg-type]

    def _may_read_user(self, principal: Principal | None, user_id: str) -> bool:
        return principal is not None and (user_id == principal.username
                                          or self.authz.allowed(principal, "R", paths.users(user_id)))

    # ---- users ----------------------------------------------------------------------------------------------------
    def roles_of_user(self, principal: Principal | None, user_id: str, user_type: str | None,
                      full: bool) -> list[Json]:
        """GET /v1/authz/users/{id}/roles/{userType}; user_type None = the deprecated path (both types)."""
        own = principal is not None and user_id == principal.username and (
            user_type is None or user_type == principal.user_type)
        if not own:
            self.authz.authorize(principal, "R", paths.users(user_id))
        if user_type is not None and user_type not in USER_TYPES:
            raise BadRequest(f"unknown userType: {user_type}")
        types = USER_TYPES if user_type is None else (user_type,)
        if not any(self.users.exists(user_id, t) for t in types):
            raise NotFound("")
        names = sorted({r for t in types for r in self.book.roles_of_user(user_id, t)})
        if not full and user_type is not None:
            return [{"name": n} for n in names]
        if not own:
            for name in names:
                self._may_manage(principal, "R", name, [])
        return [self._role(n) for n in names]

    def assign_user(self, principal: Principal | None, user_id: str, body: object, revoke: bool = False) -> None:
        doing = "revoke" if revoke else "assign"
        roles = _roles_field(body, doing)
        self.authz.authorize(principal, "A", paths.users(user_id))
        if not all(self.book.exists(r) for r in roles):
            raise NotFound("one or more of the request roles doesn't exist" if revoke else
                           "one or more of the roles requested doesn't exist")
        user_type = body.get("userType") if isinstance(body, dict) else None
        if user_type not in (None, "", *USER_TYPES):
            raise BadRequest(f"unknown userType: {user_type}")
        types = [t for t in (USER_TYPES if not user_type else (user_type,)) if self.users.exists(user_id, t)]
        if not types:
            raise NotFound(f"username to {doing} role {'from' if revoke else 'to'} doesn't exist")
        for one in types:
            (self.book.revoke_user if revoke else self.book.assign_user)(user_id, one, roles)

    # ---- groups ---------------------------------------------------------------------------------------------------
    def roles_of_group(self, principal: Principal | None, group_id: str, group_type: str, full: bool) -> list[Json]:
        if group_type != "oidc":
            raise BadRequest(f"unknown groupType: {group_type}")
        own = principal is not None and group_id in principal.groups
        if not own:
            self.authz.authorize(principal, "R", paths.groups(group_id, group_type))
        names = self.book.roles_of_group(group_id, group_type)
        if not full:
            return [{"name": n} for n in names]
        if not own:
            for name in names:
                self._may_manage(principal, "R", name, [])
        return [self._role(n) for n in names]

    def assign_group(self, principal: Principal | None, group_id: str, body: object, revoke: bool = False) -> None:
        doing = "revoke" if revoke else "assign"
        roles = _roles_field(body, doing)
        group_type = (body.get("groupType") if isinstance(body, dict) else None) or "oidc"
        if group_type != "oidc":
            raise BadRequest(f"unknown groupType: {group_type}")
        self.authz.authorize(principal, "A", paths.groups(group_id, group_type))
        if group_id in self.configured.root_groups or group_id in self.configured.viewer_groups:
            raise Forbidden(f"{_GERUND[doing]}: cannot assign or revoke from root group {group_id}")
        if not all(self.book.exists(r) for r in roles):
            raise NotFound("")
        (self.book.revoke_group if revoke else self.book.assign_group)(group_id, group_type, roles)

    def known_groups(self, principal: Principal | None, group_type: str) -> list[str]:
        if group_type != "oidc":
            raise BadRequest(f"unknown groupType: {group_type}")
        return [g for g in self.book.known_groups(group_type)
                if principal is not None and self.authz.allowed(principal, "R", paths.groups(g, group_type))]

    # ---- oneself --------------------------------------------------------------------------------------------------
    def own_roles(self, principal: Principal | None) -> list[Json]:
        if principal is None:
            self.authz.authorize(principal, "R", paths.users())
        return [self._role(n) for n in self.authz.roles_of(principal)]   # type: ignore[arg-type]

    def own_info(self, principal: Principal | None) -> Json:
        if principal is None:
            raise Unauthenticated("")          # Weaviate: 401 without a body for a request without a user
        roles = self.own_roles(principal)
        return {"username": principal.username, "roles": roles, "groups": list(principal.groups)}
