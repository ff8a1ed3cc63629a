"""The RBAC decision: may this principal do `verb` on every one of these resource paths?

A principal holds the roles assigned to its OIDC groups and to itself (`{user type}:{name}`); a request is allowed
when one grant of one of those roles names the verb and its pattern matches the path. Patterns are Weaviate's
glob-like names (`*` = any run of characters, everything else literal), compiled into ONE regex per role set and
verb (a new decision is one match however many grants), cached with every decision until the role book changes
(its `generation`), so a repeated decision is one dict lookup.

Weaviate's one exception to plain matching: a tenant pattern ending in `/shards/*` does not grant the collection
itself (`/shards/#`). Verbs on roles carry a scope (`R_ALL`, `U_MATCH`, ...): a roles grant matches its own scope
only; the built-in roles and every other domain match any scope."""
from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass, field

from ...entities.errors import Forbidden, Unauthenticated
from ...entities.principal import Principal
from .permissions import Grant, describe
from .roles import RoleBook

_CACHE_LIMIT = 200_000
_TENANT_WILDCARD = "/shards/*"


def _regex(pattern: str) -> str:
    return ".*".join(re.escape(part) for part in pattern.split("*"))


@functools.lru_cache(maxsize=4096)
def _combined(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex for a set of patterns (a decision is one match, not one per grant); kept across role changes."""
    return re.compile("|".join(f"(?:{_regex(p)})" for p in patterns)) if patterns else None


@dataclass(frozen=True)
class _Matcher:
    """What a role set allows for one verb and scope: every pattern, split by Weaviate's collection exception."""

    plain: re.Pattern[str] | None
    tenant_wildcards: re.Pattern[str] | None      # ".../shards/*": any tenant, but never the collection ("/shards/#")

    @classmethod
    def of(cls, grants: list[Grant], verb: str, scope: str | None) -> _Matcher:
        patterns = sorted({g.pattern for g in grants if verb in g.verbs and (g.scope is None or g.scope == scope)})
        return cls(_combined(tuple(p for p in patterns if not p.endswith(_TENANT_WILDCARD))),
                   _combined(tuple(p for p in patterns if p.endswith(_TENANT_WILDCARD))))

    def matches(self, resource: str) -> bool:
        if self.plain is not None and self.plain.fullmatch(resource):
            return True
        return (self.tenant_wildcards is not None and not resource.endswith("/shards/#")
                and self.tenant_wildcards.fullmatch(resource) is not None)


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
            roles = caches.roles.get(principal)
            if roles is None:
                roles = caches.roles[principal] = self.roles_of(principal)
            decision = self._matcher(caches, roles, verb).matches(resource)
            if len(caches.decisions) >= _CACHE_LIMIT:
                caches.decisions.clear()
            caches.decisions[key] = decision
        return decision

    def role_allows(self, role: str, verb: str, resource: str) -> bool:
        """Whether one role alone grants this (has-permission)."""
        return self._matcher(self._current(), (role,), verb).matches(resource)

    def roles_of(self, principal: Principal) -> tuple[str, ...]:
        held: set[str] = set(self.book.roles_of_user(principal.username, principal.user_type))
        for group in principal.groups:
            held.update(self.book.roles_of_group(group))
        return tuple(sorted(held))

    def _matcher(self, caches: _Caches, roles: tuple[str, ...], verb: str) -> _Matcher:
        matcher = caches.matchers.get((roles, verb))
        if matcher is None:
            base, _, scope = verb.partition("_")
            grants = [g for role in roles for g in self.book.grants(role)]
            matcher = caches.matchers[(roles, verb)] = _Matcher.of(grants, base, scope.lower() or None)
        return matcher

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
    roles: dict[Principal, tuple[str, ...]] = field(default_factory=dict)
    matchers: dict[tuple[tuple[str, ...], str], _Matcher] = field(default_factory=dict)
    decisions: dict[tuple[Principal, str, str], bool] = field(default_factory=dict)
