"""Weaviate's RBAC permissions as the official client sends them (`{"action": "read_data", "data": {...}}`) and
what they grant: a verb on a resource-path pattern (entities.permissions shapes, `*` = any run of characters).

A permission is normalised once (collection names upper-cased in their first letter, missing fields filled with
`*`, only the fields of its own domain kept), so the same grant written twice is one grant, GET answers what
Weaviate answers, and remove-permissions finds what add-permissions stored."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...entities import permissions as paths
from ...entities.errors import InvalidInput

Json = dict[str, Any]        # a permission, a role, a request body as the client sends them

# action prefix -> the verbs it grants ("manage" = all four of create/read/update/delete)
_VERBS = {"create": "C", "read": "R", "update": "U", "delete": "D", "manage": "CRUD", "assign_and_revoke": "A"}
_PREFIX_OF_VERB = {"C": "create", "R": "read", "U": "update", "D": "delete", "A": "assign_and_revoke"}
SCOPE_ALL = "all"
SCOPE_MATCH = "match"

# domain -> the actions Weaviate 1.36 accepts in it (client: weaviate/rbac/models.py)
ACTIONS: dict[str, tuple[str, ...]] = {
    "collections": ("create", "read", "update", "delete", "manage"),
    "tenants": ("create", "read", "update", "delete"),
    "data": ("create", "read", "update", "delete", "manage"),
    "backups": ("read", "manage"),
    "cluster": ("read",),
    "nodes": ("read",),
    "roles": ("create", "read", "update", "delete", "manage"),
    "users": ("create", "read", "update", "delete", "assign_and_revoke"),
    "groups": ("read", "assign_and_revoke"),
    "aliases": ("create", "read", "update", "delete"),
    "replicate": ("create", "read", "update", "delete"),
}


@dataclass(frozen=True)
class Grant:
    """What one permission allows: `verbs` on resource paths matching `pattern`; `scope` only for roles."""

    verbs: str
    pattern: str
    scope: str | None = None


def split_action(action: object) -> tuple[str, str]:
    """'read_data' -> ('read', 'data'); InvalidInput for anything Weaviate does not know."""
    if not isinstance(action, str):
        raise InvalidInput("invalid permission: action is required")
    for prefix in _VERBS:
        if action.startswith(prefix + "_"):
            domain = action[len(prefix) + 1:]
            if prefix in ACTIONS.get(domain, ()):
                return prefix, domain
    raise InvalidInput(f"invalid permission: unknown action {action!r}")


def _text(section: Json, key: str, default: str = paths.ANY) -> str:
    value = section.get(key)
    if value is None or value == "":
        return default
    if not isinstance(value, str):
        raise InvalidInput(f"invalid permission: {key} must be a string")
    return value


def _collection(section: Json, key: str = "collection") -> str:
    name = _text(section, key)
    return name[0].upper() + name[1:]


def normalise(permission: object) -> Json:
    """The permission as stored and returned: action plus its own domain's fields, defaults filled in."""
    if not isinstance(permission, dict):
        raise InvalidInput("invalid permission: each permission must be an object")
    action = permission.get("action")
    prefix, domain = split_action(action)
    section = permission.get(domain) or {}
    if not isinstance(section, dict):
        raise InvalidInput(f"invalid permission: {domain} must be an object")
    fields: Json
    if domain == "collections":
        fields = {"collection": _collection(section)}
    elif domain in ("tenants", "data"):
        fields = {"collection": _collection(section), "tenant": _text(section, "tenant")}
        if domain == "data":
            fields["object"] = _text(section, "object")
    elif domain == "backups":
        fields = {"collection": _collection(section)}
    elif domain == "nodes":
        verbosity = _text(section, "verbosity", "minimal")
        if verbosity not in ("minimal", "verbose"):
            raise InvalidInput(f"invalid permission: unknown nodes verbosity {verbosity!r}")
        fields = {"verbosity": verbosity} if verbosity == "minimal" else {
            "verbosity": verbosity, "collection": _collection(section)}
    elif domain == "roles":
        scope = _text(section, "scope", SCOPE_MATCH).lower()
        if scope not in (SCOPE_ALL, SCOPE_MATCH):
            raise InvalidInput(f"invalid permission: unknown roles scope {scope!r}")
        fields = {"role": _text(section, "role"), "scope": scope}
    elif domain == "users":
        fields = {"users": _text(section, "users")}
    elif domain == "groups":
        fields = {"group": _text(section, "group"), "groupType": _text(section, "groupType", "oidc")}
    elif domain == "aliases":
        fields = {"collection": _collection(section), "alias": _collection(section, "alias")}
    elif domain == "replicate":
        fields = {"collection": _collection(section), "shard": _text(section, "shard")}
    else:                       # cluster: no fields
        return {"action": action}
    return {"action": action, domain: fields}


def grant_of(permission: Json) -> Grant:
    """The verbs and resource pattern of a normalised permission."""
    prefix, domain = split_action(permission["action"])
    verbs = _VERBS[prefix]
    f = permission.get(domain, {})
    if domain == "collections":
        return Grant(verbs, paths.collection_metadata(f["collection"]))
    if domain == "tenants":
        return Grant(verbs, paths.shard_metadata(f["collection"], f["tenant"]))
    if domain == "data":
        return Grant(verbs, paths.objects(f["collection"], f["tenant"], f["object"]))
    if domain == "backups":
        return Grant(verbs, paths.backups(f["collection"]))
    if domain == "nodes":
        return Grant(verbs, paths.nodes(f["verbosity"], f.get("collection", paths.ANY)))
    if domain == "roles":
        return Grant(verbs, paths.roles(f["role"]), f["scope"])
    if domain == "users":
        return Grant(verbs, paths.users(f["users"]))
    if domain == "groups":
        return Grant(verbs, paths.groups(f["group"], f["groupType"]))
    if domain == "aliases":
        return Grant(verbs, paths.aliases(f["collection"], f["alias"]))
    if domain == "replicate":
        return Grant(verbs, paths.replicate(f["collection"], f["shard"]))
    return Grant(verbs, paths.cluster())


def every_action() -> list[str]:
    """Every action Weaviate knows, one per verb ("manage" is a shorthand, not listed): the built-in roles."""
    return [f"{prefix}_{domain}" for domain, prefixes in ACTIONS.items() for prefix in prefixes
            if prefix != "manage"]


def all_of(action: str) -> Json:
    """The permission of `action` on everything in its domain (what the built-in roles hold)."""
    _, domain = split_action(action)
    everything = {"collections": {}, "tenants": {}, "data": {}, "backups": {}, "cluster": {},
                  "nodes": {"verbosity": "verbose"}, "roles": {"scope": SCOPE_ALL}, "users": {},
                  "groups": {}, "aliases": {}, "replicate": {}}[domain]
    return normalise({"action": action, domain: everything})


# ---- the request side: which permission a denied request lacked, in Weaviate's wording ----------------------------
def describe(verb: str, resource: str) -> tuple[str, str]:
    """(action, resource description) of a request for the Forbidden message, as Weaviate prints them."""
    base_verb, _, _scope = verb.partition("_")
    parts = resource.split("/")
    domain = parts[0]
    prefix = _PREFIX_OF_VERB.get(base_verb, "manage")
    if domain == "schema":
        if parts[4] == "#":
            return f"{prefix}_collections", f"[Domain: collections, Collection: {parts[2]}]"
        return f"{prefix}_tenants", f"[Domain: tenants, Collection: {parts[2]}, Tenant: {parts[4]}]"
    if domain == "data":
        return (f"{prefix}_data",
                f"[Domain: data, Collection: {parts[2]}, Tenant: {parts[4]}, Object: {parts[6]}]")
    if domain == "backups":
        return f"{prefix}_backups", f"[Domain: backups,Collection: {parts[2]}]"
    if domain == "nodes":
        if parts[2] == "minimal":
            return f"{prefix}_nodes", "[Domain: nodes, Verbosity: minimal]"
        return f"{prefix}_nodes", f"[Domain: nodes, Verbosity: {parts[2]}, Collection: {parts[4]}]"
    if domain == "roles":
        return f"{prefix}_roles", f"[Domain: roles, Role: {parts[1]}]"
    if domain == "users":
        return f"{prefix}_users", f"[Domain: users, User: {parts[1]}]"
    if domain == "groups":
        return f"{prefix}_groups", f"[Domain: groups, GroupType: {parts[1]}, Group: {parts[2]}]"
    if domain == "aliases":
        return f"{prefix}_aliases", f"[Domain: aliases, Collection: {parts[2]}, Alias: {parts[4]}]"
    if domain == "replicate":       # Weaviate prints these fields before the bracket
        return f"{prefix}_replicate", f"Collection: {parts[2]}, Shard: {parts[4]},[Domain: replicate]"
    return f"{prefix}_{domain}", ""
