"""Multi-tenancy x RBAC (issue 13 section 4): a user allowed on some tenants never sees another tenant's objects
through any search, aggregate, iterator, reference resolution or GraphQL query. Randomized: many tenants, users
holding tenant-scoped roles (exact names and `*` patterns), every query kind against every tenant; an allowed
query must return only its tenant's objects, a denied one must be refused. 0 leaks."""
from __future__ import annotations

import random
import warnings
from collections.abc import Callable

import pytest
from weaviate.classes.config import Configure, DataType, Property, ReferenceProperty
from weaviate.classes.query import QueryReference
from weaviate.classes.rbac import Permissions
from weaviate.exceptions import InsufficientPermissionsError, UnexpectedStatusCodeError, WeaviateQueryError

from servers.rbac import client_of, start

pytestmark = pytest.mark.loomdb_only("starts its own loomdb with RBAC settings")

TENANTS = [f"tenant{i:02d}" for i in range(12)] + ["team-a1", "team-a2", "team-b1"]
USERS = tuple(f"user{i}" for i in range(8))


def _vector(rng: random.Random) -> list[float]:
    return [rng.random() for _ in range(4)]


def _setup(root, rng: random.Random) -> None:
    root.collections.create("Target", vector_config=Configure.Vectors.self_provided(),
                            multi_tenancy_config=Configure.multi_tenancy(enabled=True),
                            properties=[Property(name="tenant", data_type=DataType.TEXT)])
    root.collections.create("Doc", vector_config=Configure.Vectors.self_provided(),
                            multi_tenancy_config=Configure.multi_tenancy(enabled=True),
                            properties=[Property(name="tenant", data_type=DataType.TEXT),
                                        Property(name="body", data_type=DataType.TEXT)],
                            references=[ReferenceProperty(name="linked", target_collection="Target")])
    for name in ("Target", "Doc"):
        root.collections.use(name).tenants.create(TENANTS)
    for tenant in TENANTS:
        target = root.collections.use("Target").with_tenant(tenant)
        target_ids = [target.data.insert({"tenant": tenant}, vector=_vector(rng)) for _ in range(2)]
        docs = root.collections.use("Doc").with_tenant(tenant)
        for i in range(4):
            docs.data.insert({"tenant": tenant, "body": f"shared words {tenant} {i}"}, vector=_vector(rng),
                             references={"linked": rng.choice(target_ids)})


def _grants(rng: random.Random) -> dict[str, list[str]]:
    """user -> tenant patterns it may read (exact names, a prefix pattern, sometimes nothing)."""
    grants = {}
    for user in USERS:
        patterns = rng.sample(TENANTS, rng.randint(0, 3))
        if rng.random() < 0.3:
            patterns.append(rng.choice(["team-a*", "tenant0*"]))
        grants[user] = patterns
    return grants


def _allowed(tenant: str, patterns: list[str]) -> bool:
    return any(tenant == p or (p.endswith("*") and tenant.startswith(p[:-1])) for p in patterns)


class GraphQLRefused(Exception):
    """GraphQL answers a refusal in its `errors`, not with a status."""


def _graphql(client, tenant: str) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # graphql_raw_query is deprecated in the client, still served
        answer = client.graphql_raw_query(f'{{ Get {{ Doc(tenant: "{tenant}", limit: 50) {{ tenant }} }} }}')
    if answer.errors:
        raise GraphQLRefused(str(answer.errors))
    return [o["tenant"] for o in answer.get["Doc"]]


def _aggregate(docs, tenant: str) -> list[str]:
    count = docs.aggregate.over_all(total_count=True).total_count
    return [tenant] * count if count == 4 else [f"<{count} objects>"]


def _references(docs) -> list[str]:
    found = docs.query.fetch_objects(limit=50, return_references=QueryReference(link_on="linked",
                                                                                 return_properties=["tenant"]))
    return [t.properties["tenant"] for o in found.objects for t in o.references["linked"].objects]


def _query_kinds(client, tenant: str, rng: random.Random) -> list[tuple[str, Callable[[], list[str]]]]:
    """Every query kind as (name, run -> the `tenant` values of what it returned), as `client` on `tenant`."""
    docs = client.collections.use("Doc").with_tenant(tenant)

    def tenants_of(result) -> list[str]:
        return [o.properties["tenant"] for o in result.objects]
    return [
        ("fetch", lambda: tenants_of(docs.query.fetch_objects(limit=50))),
        ("near_vector", lambda: tenants_of(docs.query.near_vector(_vector(rng), limit=50))),
        ("bm25", lambda: tenants_of(docs.query.bm25("shared words", limit=50))),
        ("hybrid", lambda: tenants_of(docs.query.hybrid("shared", vector=_vector(rng), limit=50))),
        ("iterator", lambda: [o.properties["tenant"] for o in docs.iterator()]),
        ("aggregate", lambda: _aggregate(docs, tenant)),
        ("references", lambda: _references(docs)),
        ("graphql", lambda: _graphql(client, tenant)),
    ]


DENIED = (InsufficientPermissionsError, WeaviateQueryError, UnexpectedStatusCodeError, GraphQLRefused)


def test_no_tenant_leaks_across_users_and_query_kinds(tmp_path):
    rng = random.Random(1313)
    server = start(tmp_path / "data", ("root-user", *USERS))
    leaks: list[str] = []
    checked = refused = 0
    try:
        grants = _grants(rng)
        with client_of(server, "root-user") as root:
            _setup(root, rng)
            for user, patterns in grants.items():
                perms = [Permissions.collections(collection=["Doc", "Target"], read_config=True)]
                if patterns:
                    perms += [Permissions.data(collection=["Doc", "Target"], tenant=patterns, read=True),
                              Permissions.tenants(collection=["Doc", "Target"], tenant=patterns, read=True)]
                root.roles.create(role_name=f"r-{user}", permissions=perms)
                root.users.db.assign_roles(user_id=user, role_names=f"r-{user}")
        for user, patterns in grants.items():
            with client_of(server, user) as client:
                for tenant in TENANTS:
                    allowed = _allowed(tenant, patterns)
                    for kind, run in _query_kinds(client, tenant, rng):
                        try:
                            seen = run()
                        except DENIED:
                            refused += 1
                            if allowed:
                                leaks.append(f"{user} refused {kind} on allowed {tenant}")
                            continue
                        checked += 1
                        if not allowed:
                            leaks.append(f"{user} ran {kind} on forbidden {tenant}: {len(seen)} objects")
                        elif not seen or any(t != tenant for t in seen):
                            leaks.append(f"{user} {kind} on {tenant} saw {sorted(set(seen))}")
    finally:
        server.stop()
    assert leaks == [], leaks[:10]
    assert checked > 0 and refused > 0
