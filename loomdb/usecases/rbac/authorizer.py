"""The RBAC decision: may this principal do `verb` on every one of these resource paths?

A principal holds the roles assigned to its OIDC groups and to itself (`{user type}:{name}`); a request is allowed
when one grant of one of those roles names the verb and its pattern matches the path. Patterns are Weaviate's
glob-like names (`*` = any run of characters, everything else literal), compiled once per role set and cached
with every decision until the role book changes (its `generation`), so a repeated decision is one dict lookup.

Weaviate's one exception to plain matching: a tenant pattern ending in `/shards/*` does not grant the collection
itself (`/shards/#`). Verbs on roles carry a scope (`R_ALL`, `U_MATCH`, ...): a roles grant matches its own scope
only; the built-in roles and every other domain match any scope."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from ...entities.errors import Forbidden, Unauthenticated
from ...entities.principal import Principal
from .permissions import Grant, describe
from .roles import RoleBook

_CACHE_LIMIT = 200_000
_Compiled = tuple[str, "str | None", "re.Pattern[str]"]


def compile_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")))


def _matches(compiled: _Compiled, verb: str, scope: str | None, resource: str) -> bool:
    verbs, grant_scope, regex = compiled
    if verb not in verbs or (grant_scope is not None and grant_scope != scope):
        return False
    if resource.endswith("/shards/#") and regex.pattern.endswith("/shards/.*"):
        return False
    return regex.fullmatch(resource) is not None


def forbidden(principal: Principal, verb: str, resource: str) -> Forbidden:
    """Weaviate's text for a denied request, naming the user, its groups and what it lacked."""
    action, what = describe(verb, resource)
    groups = ""
    if len(principal.groups) == 1:
        groups = f" (of group '{principal.groups[0]}')"
    elif principal.groups:
        groups = " (of groups " + ", ".join(f"'{g}'" for g in principal.groups) + ")"
    return Forbidden(f"rbac: authorization, forbidden action: user '{principal.username}'{groups} has insufficient "
                     f"permissions to {action} [{what}]")


class RbacAuthorizer:
    """entities Authorizer for AUTHORIZATION_RBAC_ENABLED: anonymous requests are refused (Weaviate's RBAC needs
    an authenticated user), everyone else is judged by the role book."""

    def __init__(self, book: RoleBook) -> None:
        self.book = book
        self._lock = threading.Lock()
        self._caches = _Caches(-1)

    def authorize(self, principal: Principal | None, verb: str, *resources: str) -> None:
        if principal is None:
            raise Unauthenticated("rbac: user is not authenticated")
        for resource in resources:
            if not self.allowed(principal, verb, resource):
                raise forbidden(principal, verb, resource)

    def allowed(self, principal: Principal, verb: str, resource: str) -> bool:
        caches = self._current()
        key = (principal, verb, resource)
        decision = caches.decisions.get(key)
        if decision is None:
            base, _, scope = verb.partition("_")
            grants = self._compile(caches, self.roles_of(principal))
            decision = any(_matches(c, base, scope.lower() or None, resource) for c in grants)
            if len(caches.decisions) >= _CACHE_LIMIT:
                caches.decisions.clear()
            caches.decisions[key] = decision
        return decision

    def role_allows(self, role: str, verb: str, resource: str) -> bool:
        """Whether one role alone grants this (has-permission)."""
        base, _, scope = verb.partition("_")
        grants = self._compile(self._current(), (role,))
        return any(_matches(c, base, scope.lower() or None, resource) for c in grants)

    def roles_of(self, principal: Principal) -> tuple[str, ...]:
        held: set[str] = set(self.book.roles_of_user(principal.username, principal.user_type))
        for group in principal.groups:
            held.update(self.book.roles_of_group(group))
        return tuple(sorted(held))

    def _compile(self, caches: _Caches, roles: tuple[str, ...]) -> tuple[_Compiled, ...]:
        compiled = caches.compiled.get(roles)
        if compiled is None:
            grants: list[Grant] = [g for role in roles for g in self.book.grants(role)]
            compiled = tuple((g.verbs, g.scope, compile_pattern(g.pattern)) for g in dict.fromkeys(grants))
            caches.compiled[roles] = compiled
        return compiled

    def _current(self) -> _Caches:
        """The caches of the book's current generation. A generation is read BEFORE the book, so a decision racing
        a change lands in a cache that is already stale and thrown away, never in the new one."""
        caches = self._caches
        generation = self.book.generation
        if caches.generation != generation:
            with self._lock:
                if self._caches.generation != generation:
                    self._caches = _Caches(generation)
                caches = self._caches
        return caches


@dataclass
class _Caches:
    generation: int
    compiled: dict[tuple[str, ...], tuple[_Compiled, ...]] = field(default_factory=dict)
    decisions: dict[tuple, bool] = field(default_factory=dict)
