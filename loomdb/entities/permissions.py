"""Weaviate's authorization vocabulary: verbs and the resource paths a request touches.

Paths have Weaviate's shapes (`data/collections/{C}/shards/{tenant}/objects/{id}`, `schema/collections/{C}/shards/#`,
...), so RBAC permissions written for Weaviate (collection and tenant name patterns) match loomdb's requests the
same way. Class names are upper-cased in their first letter as Weaviate does. `*` stands for "any"."""
from __future__ import annotations

CREATE = "C"
READ = "R"
UPDATE = "U"
DELETE = "D"
ASSIGN_AND_REVOKE = "A"      # assigning roles to users and groups

ANY = "*"


def _class(name: str) -> str:
    if not name or name == ANY:
        return ANY
    return name[0].upper() + name[1:]


def cluster() -> str:
    return "cluster/*"


def nodes(verbosity: str = "minimal", collection: str = ANY) -> str:
    if verbosity in ("", "minimal"):
        return "nodes/verbosity/minimal"
    return f"nodes/verbosity/{verbosity}/collections/{_class(collection)}"


def users(name: str = ANY) -> str:
    return f"users/{name or ANY}"


def roles(name: str = ANY) -> str:
    return f"roles/{name or ANY}"


def collection_metadata(collection: str = ANY) -> str:
    """The collection definition itself (create, read, update, delete a class)."""
    return f"schema/collections/{_class(collection)}/shards/#"


def shard_metadata(collection: str, tenant: str = ANY) -> str:
    """A tenant (shard) of a collection: tenant create, read, update, delete."""
    return f"schema/collections/{_class(collection)}/shards/{tenant or ANY}"


def objects(collection: str = ANY, tenant: str = ANY, uuid: str = ANY) -> str:
    """Objects: `tenant` is "" or "*" for a collection without multi-tenancy."""
    return f"data/collections/{_class(collection)}/shards/{tenant or ANY}/objects/{uuid or ANY}"


def backups(collection: str = ANY) -> str:
    return f"backups/collections/{_class(collection)}"


def aliases(collection: str = ANY, alias: str = ANY) -> str:
    return f"aliases/collections/{_class(collection)}/aliases/{_class(alias)}"


def replicate(collection: str = ANY, shard: str = ANY) -> str:
    return f"replicate/collections/{_class(collection)}/shards/{shard or ANY}"


def groups(name: str = ANY, group_type: str = "oidc") -> str:
    """An (OIDC) group: reading its role assignments, assigning and revoking them."""
    return f"groups/{group_type or 'oidc'}/{name or ANY}"
