"""Weaviate's admin list (AUTHORIZATION_ADMINLIST_*): listed admins (users or groups) may do anything, listed
read-only users (or groups) may only READ, everyone else nothing. An anonymous request is judged as the user
"anonymous", so `..._READONLY_USERS=anonymous` opens reads to requests without a key, as in Weaviate."""
from __future__ import annotations

from collections.abc import Iterable

from ..entities import permissions as perm
from ..entities.principal import Principal
from .authz import ANONYMOUS, forbidden


class AdminList:
    """An Authorizer (usecases/authz.py)."""

    def __init__(self, users: Iterable[str] = (), readonly_users: Iterable[str] = (), groups: Iterable[str] = (),
                 readonly_groups: Iterable[str] = ()) -> None:
        self._admins, self._readers = frozenset(users), frozenset(readonly_users)
        self._admin_groups, self._reader_groups = frozenset(groups), frozenset(readonly_groups)
        for subject in sorted(self._admins & self._readers):
            raise ValueError(f"admin list: subject '{subject}' is present on both admin and read-only list")

    def authorize(self, principal: Principal | None, verb: str, *resources: str) -> None:
        user = principal.username if principal is not None else ANONYMOUS
        groups = principal.groups if principal is not None else ()
        if user in self._admins or not self._admin_groups.isdisjoint(groups):
            return
        if verb == perm.READ and (user in self._readers or not self._reader_groups.isdisjoint(groups)):
            return
        raise forbidden(principal, verb, resources)
