"""Every REST route (enumerated from the Starlette app, so a route added later without a check fails here), every
gRPC method of weaviate.v1.Weaviate and GraphQL × {no key, wrong key, user outside the admin list, read-only user,
admin} under AUTHORIZATION_ADMINLIST_*: 401 / UNAUTHENTICATED without a valid key, 403 / PERMISSION_DENIED for what
the admin list refuses, never either for what it allows. Also the admin list's own rules through the client."""
from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import grpc
import httpx
import pytest
import weaviate
from weaviate.classes.config import Configure, DataType, Property, ReferenceProperty
from weaviate.classes.init import Auth
from weaviate.exceptions import InsufficientPermissionsError
from weaviate.proto.v1 import (
    aggregate_pb2,
    base_pb2,
    batch_delete_pb2,
    batch_pb2,
    search_get_pb2,
    tenants_pb2,
    weaviate_pb2_grpc,
)

import loomdb
from loomdb.config import AuthSettings
from loomdb.server.auth import OPEN_PATHS
from loomdb.server.grpc.servicer import WeaviateService
from loomdb.server.rest.app import build_rest_app
from loomdb.server.rest.routes_unsupported import NOT_YET_SUPPORTED

pytestmark = pytest.mark.loomdb_only("starts its own loomdb with the admin list")

KEYS = {"admin": "admin-key", "reader": "reader-key", "outsider": "outsider-key"}
THING, TENANTED, OBJ = "MatrixThing", "MatrixTenants", str(uuid.UUID(int=7))
BEACON = f"weaviate://localhost/{THING}/{OBJ}"
GRAPHQL = {"query": f"{{Get{{{THING}{{name}}}}}}"}

# request bodies that pass parsing, so the use case (and its authorization) is reached
BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/v1/schema"): {"class": "MatrixNew"},
    ("PUT", "/v1/schema/{collection}"): {"class": THING},
    ("POST", "/v1/schema/{collection}/properties"): {"name": "extra", "dataType": ["text"]},
    ("PUT", "/v1/schema/{collection}/shards/{shard}"): {"status": "READY"},
    ("POST", "/v1/objects"): {"class": THING, "properties": {"name": "x"}},
    ("POST", "/v1/objects/validate"): {"class": THING, "properties": {"name": "x"}},
    ("PUT", "/v1/objects/{collection}/{id}"): {"properties": {"name": "y"}},
    ("PATCH", "/v1/objects/{collection}/{id}"): {"properties": {"name": "y"}},
    ("PUT", "/v1/objects/{id}"): {"class": THING, "properties": {"name": "y"}},
    ("PATCH", "/v1/objects/{id}"): {"class": THING, "properties": {"name": "y"}},
    ("POST", "/v1/batch/objects"): {"objects": [{"class": THING, "properties": {"name": "b"}}]},
    ("DELETE", "/v1/batch/objects"): {"match": {"class": THING, "where": {"path": ["name"], "operator": "Equal",
                                                                          "valueText": "zzz"}}, "dryRun": True},
    ("POST", "/v1/batch/references"): [{"from": f"{BEACON}/refs", "to": BEACON}],
    ("POST", "/v1/aliases"): {"alias": "MatrixAliasTwo", "class": THING},
    ("PUT", "/v1/aliases/{name}"): {"class": THING},
    ("POST", "/v1/schema/{collection}/tenants"): [{"name": "t2"}],
    ("PUT", "/v1/schema/{collection}/tenants"): [{"name": "t1", "activityStatus": "HOT"}],
    ("DELETE", "/v1/schema/{collection}/tenants"): ["t9"],
    ("POST", "/v1/users/db/{user}/deactivate"): {},
    ("POST", "/v1/graphql"): GRAPHQL,
    ("POST", "/v1/graphql/batch"): [GRAPHQL],
    ("POST", "/v1/backups/{backend}"): {"id": "matrix-backup"},
    ("POST", "/v1/backups/{backend}/{id}/restore"): {},
    ("POST", "/v1/authz/roles"): {"name": "matrix-role", "permissions": [{"action": "read_cluster", "cluster": {}}]},
    ("POST", "/v1/authz/roles/{id}/add-permissions"): {"permissions": [{"action": "read_cluster", "cluster": {}}]},
    ("POST", "/v1/authz/roles/{id}/remove-permissions"): {"permissions": [{"action": "read_cluster", "cluster": {}}]},
    ("POST", "/v1/authz/roles/{id}/has-permission"): {"action": "read_cluster", "cluster": {}},
}
for _path in ("/v1/authz/users/{id}/assign", "/v1/authz/users/{id}/revoke", "/v1/authz/groups/{id}/assign",
              "/v1/authz/groups/{id}/revoke"):
    BODIES[("POST", _path)] = {"roles": ["matrix-role"]}
for _path in ("/v1/objects/{collection}/{id}/references/{prop}", "/v1/objects/{id}/references/{prop}"):
    BODIES.update({("POST", _path): {"beacon": BEACON}, ("PUT", _path): [{"beacon": BEACON}],
                   ("DELETE", _path): {"beacon": BEACON}})

READS_BY_POST = {"/v1/objects/validate", "/v1/graphql", "/v1/graphql/batch"}   # POST, but the READ verb
ANY_USER = {"/v1/meta", "/v1/users/own-info", "/v1/authz/users/own-roles"}     # no authorization in Weaviate
FILTERED = {"/v1/schema", "/v1/aliases", "/v1/users/db", "/v1/authz/roles",    # listings show what one may read
            "/v1/authz/groups/{group_type}"}
# Weaviate's role handlers ask for R_ALL / R_MATCH on the role: an admin list grants those to its admins only
SCOPED_ROLE_READS = {"/v1/authz/roles/{id}", "/v1/authz/roles/{id}/user-assignments",
                     "/v1/authz/roles/{id}/group-assignments", "/v1/authz/roles/{id}/users"}
PARAMS = {"collection": THING, "id": OBJ, "prop": "refs", "index": "filterable", "shard": "shard",
          "name": "MatrixAlias", "tenant": "t1", "user": "someone", "backend": "filesystem", "role": "viewer",
          "action": "add-permissions", "user_type": "db", "group": "g", "group_type": "oidc", "vector": "default"}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[loomdb.embedded.LoomServer]:
    srv = loomdb.start_embedded(tmp_path_factory.mktemp("matrix-data"), auth=AuthSettings(
        anonymous_access=False, apikey_enabled=True, apikey_allowed_keys=tuple(KEYS.values()),
        apikey_users=tuple(KEYS), db_users_enabled=True, adminlist_enabled=True, adminlist_users=("admin",),
        adminlist_readonly_users=("reader",)))
    with _client(srv, "admin") as admin:
        thing = admin.collections.create(THING, properties=[Property(name="name", data_type=DataType.TEXT)],
                                         references=[ReferenceProperty(name="refs", target_collection=THING)],
                                         vector_config=Configure.Vectors.self_provided())
        thing.data.insert({"name": "one"}, uuid=OBJ, vector=[1.0, 0.0])
        admin.collections.create(TENANTED, multi_tenancy_config=Configure.multi_tenancy(enabled=True))
        admin.collections.get(TENANTED).tenants.create("t1")
        admin.alias.create(alias_name="MatrixAlias", target_collection=THING)
    yield srv
    srv.stop()


def _client(srv, who: str) -> weaviate.WeaviateClient:
    return weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                     auth_credentials=Auth.api_key(KEYS[who]), skip_init_checks=True)


def _rest_cases(srv) -> list[tuple[str, str]]:
    """(method, path template) of every route the REST app serves; HEAD where it is declared on its own."""
    cases = []
    for route in build_rest_app(srv.ctx).routes:
        methods = set(route.methods or ())
        if methods != {"HEAD"}:
            methods.discard("HEAD")
        cases += [(method, route.path) for method in sorted(methods)]
    return sorted(set(cases))


UNSUPPORTED = {(method, path) for path, methods, _ in NOT_YET_SUPPORTED for method in methods}


def _concrete(template: str) -> str:
    collection = TENANTED if "/tenants" in template else THING
    return re.sub(r"{(\w+)}", lambda m: collection if m.group(1) == "collection" else PARAMS[m.group(1)], template)


def _send(http: httpx.Client, method: str, template: str, key: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return http.request(method, _concrete(template), headers=headers, json=BODIES.get((method, template)))


@pytest.mark.parametrize("who", ["nobody", "wrong", "outsider", "reader", "admin"])   # admin last: it may delete
def test_every_rest_route(server, who):
    problems = []
    key = {"nobody": None, "wrong": "not-a-key"}.get(who, KEYS.get(who))
    with httpx.Client(base_url=f"http://127.0.0.1:{server.rest_port}", timeout=30) as http:
        replies = [(method, template, _send(http, method, template, key)) for method, template in _rest_cases(server)]
    for method, template, reply in replies:
        status = reply.status_code
        if template in OPEN_PATHS:
            ok = status not in (401, 403)
        elif who in ("nobody", "wrong"):
            ok = status == 401
        elif (method, template) in UNSUPPORTED:
            ok = status == 501
        elif who == "admin" or template in ANY_USER:
            ok = status not in (401, 403)
        elif template in ("/v1/graphql", "/v1/graphql/batch") and who == "outsider":
            ok = status == 200 and "forbidden" in reply.text
        elif who == "outsider" and method == "GET" and template in FILTERED:
            ok = status == 200 and not [v for v in _listed(reply.json()) if v]
        elif who == "outsider":
            ok = status == 403
        else:                                           # the read-only user
            reads = (method in ("GET", "HEAD") or template in READS_BY_POST) and template not in SCOPED_ROLE_READS
            ok = status not in (401, 403) if reads else status == 403
        if not ok:
            problems.append(f"{who} {method} {template} -> {status} {reply.text[:150]}")
    assert not problems, "\n".join(problems)


def _listed(body: Any) -> list:
    return body.get("classes") or body.get("aliases") or [] if isinstance(body, dict) else body


# ---- gRPC ------------------------------------------------------------------------------------------------------
def _grpc_requests() -> dict[str, tuple[Any, bool]]:
    """method -> (request, is a write) for every weaviate.v1 method loomdb implements."""
    flt = base_pb2.Filters(operator=base_pb2.Filters.OPERATOR_EQUAL, target=base_pb2.FilterTarget(property="name"),
                           value_text="zzz")
    return {
        "Search": (search_get_pb2.SearchRequest(collection=THING, uses_123_api=True, uses_125_api=True,
                                                uses_127_api=True), False),
        "Aggregate": (aggregate_pb2.AggregateRequest(collection=THING, objects_count=True), False),
        "TenantsGet": (tenants_pb2.TenantsGetRequest(collection=TENANTED), False),
        "BatchObjects": (batch_pb2.BatchObjectsRequest(objects=[batch_pb2.BatchObject(
            collection=THING, uuid=str(uuid.uuid4()))]), True),
        "BatchDelete": (batch_delete_pb2.BatchDeleteRequest(collection=THING, filters=flt, dry_run=True), True),
        "BatchReferences": (batch_pb2.BatchReferencesRequest(references=[batch_pb2.BatchReference(
            name="refs", from_collection=THING, from_uuid=OBJ, to_uuid=OBJ)]), True),
    }


GRPC_STREAMS = {"BatchStream"}          # bidirectional: per-object errors, checked through the client below


def test_every_grpc_method_has_a_case():
    implemented = {name for name, member in vars(WeaviateService).items()
                   if callable(member) and not name.startswith("_") and getattr(member, "__name__", "") == name
                   and "refuse" not in getattr(member, "__qualname__", "")}
    assert implemented - GRPC_STREAMS == set(_grpc_requests())


@pytest.mark.parametrize("who", ["nobody", "wrong", "outsider", "reader", "admin"])
def test_every_grpc_method(server, who):
    key = {"nobody": None, "wrong": "not-a-key"}.get(who, KEYS.get(who))
    metadata = (("authorization", f"Bearer {key}"),) if key else ()
    problems = []
    with grpc.insecure_channel(f"127.0.0.1:{server.grpc_port}") as channel:
        stub = weaviate_pb2_grpc.WeaviateStub(channel)
        for method, (request, write) in _grpc_requests().items():
            try:
                getattr(stub, method)(request, metadata=metadata)
                code = grpc.StatusCode.OK
            except grpc.RpcError as exc:
                code = exc.code()
            if who in ("nobody", "wrong"):
                expected = code == grpc.StatusCode.UNAUTHENTICATED
            elif who == "outsider" or (who == "reader" and write):
                expected = code == grpc.StatusCode.PERMISSION_DENIED
            else:
                expected = code not in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED)
            if not expected:
                problems.append(f"{who} {method} -> {code}")
    assert not problems, "\n".join(problems)


# ---- the admin list through the official client ------------------------------------------------------------------
def test_read_only_user_reads_and_cannot_write(server):
    with _client(server, "reader") as reader:
        thing = reader.collections.get(THING)
        assert len(thing.query.fetch_objects().objects) >= 1
        assert thing.aggregate.over_all(total_count=True).total_count >= 1
        with pytest.raises(InsufficientPermissionsError) as refused:
            thing.data.insert({"name": "no"})
        assert refused.value.status_code == 403
        assert "authorization, forbidden action: user 'reader' has insufficient permissions to C " \
               f"[data/collections/{THING}/shards/*/objects/*]" in str(refused.value)
        with pytest.raises(InsufficientPermissionsError):
            thing.data.insert_many([{"name": "no"}])                       # gRPC: PERMISSION_DENIED
        with pytest.raises(InsufficientPermissionsError):
            reader.collections.create("MatrixNope")
        with pytest.raises(InsufficientPermissionsError):
            reader.users.db.create(user_id="sneaky")


def test_outsider_cannot_read_through_grpc_or_references(server):
    with _client(server, "outsider") as outsider:
        with pytest.raises(InsufficientPermissionsError):
            outsider.collections.get(THING).query.fetch_objects()
        assert outsider.collections.list_all() == {}                        # the schema is filtered


def test_anonymous_reader_by_name(tmp_path):
    """AUTHORIZATION_ADMINLIST_READONLY_USERS=anonymous: requests without a key may read, not write."""
    srv = loomdb.start_embedded(tmp_path, auth=AuthSettings(
        apikey_enabled=True, apikey_allowed_keys=("k",), apikey_users=("boss",), adminlist_enabled=True,
        adminlist_users=("boss",), adminlist_readonly_users=("anonymous",)))
    try:
        with weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                       skip_init_checks=True) as anonymous:
            assert anonymous.collections.list_all() == {}
            with pytest.raises(InsufficientPermissionsError) as refused:
                anonymous.collections.create("Nope")
            assert "user 'anonymous' has insufficient permissions to C [schema/collections/Nope/shards/#]" in \
                str(refused.value)
    finally:
        srv.stop()


def test_overlapping_admin_list_refuses_to_start(tmp_path):
    with pytest.raises(ValueError, match="admin list: subject 'x' is present on both admin and read-only list"):
        loomdb.start_embedded(tmp_path, auth=AuthSettings(adminlist_enabled=True, adminlist_users=("x",),
                                                         adminlist_readonly_users=("x",)))
