"""The role book: roles (name -> normalised permissions) and who holds them (users by type, OIDC groups).

Built-in roles (admin, root, viewer) and the assignments the AUTHORIZATION_* settings make are rebuilt at every
start and never stored, as Weaviate re-applies them from its environment; everything the /v1/authz API changes is
saved through the `PolicyStore` port (one document, written atomically) before the call returns, so it survives a
restart. Every change bumps `generation`, which is how the authorizer knows its caches are stale."""
from __future__ import annotations

import copy
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from ...entities.principal import Principal
from .permissions import Grant, Json, all_of, every_action, grant_of, normalise

ADMIN = "admin"
ROOT = "root"
VIEWER = "viewer"
BUILT_IN = (ADMIN, ROOT, VIEWER)
_EVERYTHING = "*"


class PolicyStore(Protocol):
    """Where roles and assignments persist (engine/rbac_store.py: <data>/rbac/policy.json)."""

    def load(self) -> Json: ...

    def save(self, document: Json) -> None: ...


@dataclass(frozen=True)
class ConfiguredAssignments:
    """AUTHORIZATION_RBAC_ROOT_USERS (or AUTHORIZATION_ADMIN_USERS), _VIEWER_USERS, _ROOT_GROUPS, _READONLY_GROUPS."""

    root_users: tuple[str, ...] = ()
    viewer_users: tuple[str, ...] = ()
    root_groups: tuple[str, ...] = ()
    viewer_groups: tuple[str, ...] = ()

    def is_root(self, principal: Principal | None) -> bool:
        """A root user, or a member of a root group (what only root may do: groups, the root role's holders)."""
        return principal is not None and (principal.username in self.root_users
                                          or any(g in self.root_groups for g in principal.groups))


def user_key(user_id: str, user_type: str) -> str:
    return f"{user_type}:{user_id}"


def group_key(group_id: str, group_type: str = "oidc") -> str:
    return f"{group_type}:{group_id}"


def _built_in_permissions(name: str) -> list[Json]:
    actions = every_action()
    if name == VIEWER:
        actions = [a for a in actions if a.startswith("read_")]
    return [all_of(a) for a in actions]


@dataclass
class _State:
    roles: dict[str, list[Json]] = field(default_factory=dict)
    users: dict[str, list[str]] = field(default_factory=dict)      # "db:alice" -> role names
    groups: dict[str, list[str]] = field(default_factory=dict)     # "oidc:team" -> role names


def _state_of(document: Json) -> _State:
    """The stored policy document (store or backup) as the book holds it; built-in roles are never taken."""
    return _State(
        roles={name: [normalise(p) for p in perms] for name, perms in document.get("roles", {}).items()
               if name not in BUILT_IN},
        users={k: list(v) for k, v in document.get("users", {}).items()},
        groups={k: list(v) for k, v in document.get("groups", {}).items()})


class RoleBook:
    def __init__(self, store: PolicyStore, configured: ConfiguredAssignments) -> None:
        self._store = store
        self._lock = threading.RLock()
        self._state = _state_of(store.load() or {})
        self._configured = configured
        self._grants: dict[str, list[Grant]] = {}       # role -> its grants, until the next change
        self.generation = 0

    # ---- reading ------------------------------------------------------------------------------------------------
    def role_names(self) -> list[str]:
        with self._lock:
            return sorted([*BUILT_IN, *self._state.roles])

    def exists(self, name: str) -> bool:
        with self._lock:
            return name in BUILT_IN or name in self._state.roles

    def permissions(self, name: str) -> list[Json] | None:
        if name in BUILT_IN:
            return _built_in_permissions(name)
        with self._lock:
            perms = self._state.roles.get(name)
            return None if perms is None else [dict(p) for p in perms]

    def grants(self, name: str) -> list[Grant]:
        """What the role allows, for the decision function (built-ins as one grant over everything)."""
        if name in (ADMIN, ROOT):
            return [Grant("CRUDA", _EVERYTHING)]
        if name == VIEWER:
            return [Grant("R", _EVERYTHING)]
        with self._lock:
            grants = self._grants.get(name)
            if grants is None:
                grants = self._grants[name] = [grant_of(p) for p in self._state.roles.get(name, ())]
            return grants

    def roles_of_user(self, user_id: str, user_type: str) -> list[str]:
        with self._lock:
            held = set(self._state.users.get(user_key(user_id, user_type), ()))
        if user_id in self._configured.root_users:
            held.add(ROOT)
        if user_id in self._configured.viewer_users:
            held.add(VIEWER)
        return sorted(held)

    def roles_of_group(self, group_id: str, group_type: str = "oidc") -> list[str]:
        with self._lock:
            held = set(self._state.groups.get(group_key(group_id, group_type), ()))
        if group_id in self._configured.root_groups:
            held.add(ROOT)
        if group_id in self._configured.viewer_groups:
            held.add(VIEWER)
        return sorted(held)

    def holders(self, role: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(users as (type, id), groups as (type, id)) holding `role`, stored and configured alike."""
        with self._lock:
            users = {tuple(k.split(":", 1)) for k, v in self._state.users.items() if role in v}
            groups = {tuple(k.split(":", 1)) for k, v in self._state.groups.items() if role in v}
        configured_users = {ROOT: self._configured.root_users, VIEWER: self._configured.viewer_users}.get(role, ())
        configured_groups = {ROOT: self._configured.root_groups, VIEWER: self._configured.viewer_groups}.get(role, ())
        users |= {(t, u) for u in configured_users for t in ("db", "oidc")}
        groups |= {("oidc", g) for g in configured_groups}
        return sorted(users), sorted(groups)      # type: ignore[arg-type]

    def known_groups(self, group_type: str) -> list[str]:
        with self._lock:
            stored = {k.split(":", 1)[1] for k, v in self._state.groups.items()
                      if k.startswith(group_type + ":") and v}
        return sorted(stored | set(self._configured.root_groups) | set(self._configured.viewer_groups))

    # ---- changing (each saved before it returns) ------------------------------------------------------------------
    def create(self, name: str, permissions: Iterable[Json]) -> None:
        with self._lock:
            self._state.roles[name] = _unique(permissions)
            self._commit()

    def add(self, name: str, permissions: Iterable[Json]) -> None:
        with self._lock:
            self._state.roles[name] = _unique([*self._state.roles[name], *permissions])
            self._commit()

    def remove(self, name: str, permissions: Iterable[Json]) -> None:
        """Drop these permissions; a role left without any stays (Weaviate keeps empty roles)."""
        gone = list(permissions)
        with self._lock:
            self._state.roles[name] = [p for p in self._state.roles[name] if p not in gone]
            self._commit()

    def delete(self, name: str) -> None:
        with self._lock:
            self._state.roles.pop(name, None)
            for table in (self._state.users, self._state.groups):
                for key in list(table):
                    table[key] = [r for r in table[key] if r != name]
                    if not table[key]:
                        del table[key]
            self._commit()

    def assign_user(self, user_id: str, user_type: str, roles: Iterable[str]) -> None:
        self._assign(self._state.users, user_key(user_id, user_type), roles)

    def revoke_user(self, user_id: str, user_type: str, roles: Iterable[str]) -> None:
        self._revoke(self._state.users, user_key(user_id, user_type), roles)

    def assign_group(self, group_id: str, group_type: str, roles: Iterable[str]) -> None:
        self._assign(self._state.groups, group_key(group_id, group_type), roles)

    def revoke_group(self, group_id: str, group_type: str, roles: Iterable[str]) -> None:
        self._revoke(self._state.groups, group_key(group_id, group_type), roles)

    def forget_user(self, user_id: str, user_type: str) -> None:
        """A deleted database user loses its assignments (a new user of that name starts with none)."""
        with self._lock:
            if self._state.users.pop(user_key(user_id, user_type), None) is not None:
                self._commit()

    def _assign(self, table: dict[str, list[str]], key: str, roles: Iterable[str]) -> None:
        with self._lock:
            held = table.setdefault(key, [])
            held.extend(r for r in roles if r not in held)
            self._commit()

    def _revoke(self, table: dict[str, list[str]], key: str, roles: Iterable[str]) -> None:
        drop = set(roles)
        with self._lock:
            remaining = [r for r in table.get(key, ()) if r not in drop]
            if remaining:
                table[key] = remaining
            else:
                table.pop(key, None)
            self._commit()

    # ---- backups: the whole stored policy out, and back in place of the current one -----------------------------
    def snapshot(self) -> Json:
        """The stored policy (roles and assignments made through the API, not the configured ones)."""
        with self._lock:
            return copy.deepcopy(self._document())

    def restore(self, document: Json) -> None:
        """A backup's policy instead of the current one, wholly (as Weaviate's restore of its RBAC snapshot)."""
        state = _state_of(document)
        with self._lock:
            self._state = state
            self._commit()

    def _document(self) -> Json:
        return {"version": 1, "roles": self._state.roles, "users": self._state.users, "groups": self._state.groups}

    def _commit(self) -> None:
        self._store.save(self._document())
        self._grants = {}
        self.generation += 1


def _unique(permissions: Iterable[Json]) -> list[Json]:
    kept: list[Json] = []
    for permission in permissions:
        if permission not in kept:
            kept.append(permission)
    return kept
