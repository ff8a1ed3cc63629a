"""RBAC through the official client: client.roles / client.users / client.groups as Weaviate answers them, the
permissions enforced on REST and gRPC with Weaviate's Forbidden text, the built-in roles, and roles surviving a
restart (AUTHORIZATION_RBAC_ENABLED with API keys)."""
from __future__ import annotations

import httpx
import pytest
from weaviate.classes.config import Configure
from weaviate.classes.rbac import Permissions, RoleScope
from weaviate.exceptions import InsufficientPermissionsError, UnexpectedStatusCodeError

from servers.rbac import client_of, start

# Weaviate's built-in roles hold permissions newer than weaviate-client 4.23 knows (read_backups, ...); that
# client skips them with its own RBAC001 warning, against a real Weaviate just the same.
pytestmark = [pytest.mark.loomdb_only("starts its own loomdb with RBAC settings"),
              pytest.mark.filterwarnings("ignore:RBAC001:UserWarning")]


@pytest.fixture
def server(tmp_path):
    srv = start(tmp_path / "data")
    yield srv
    srv.stop()


def _http(server, user: str) -> httpx.Client:
    return httpx.Client(base_url=f"http://127.0.0.1:{server.rest_port}/v1",
                        headers={"Authorization": f"Bearer {user}-key"})


def test_role_lifecycle_through_the_client(server):
    perms = [
        Permissions.collections(collection="articles*", create_collection=True, read_config=True),
        Permissions.data(collection="Articles", tenant=["tenantA", "tenantB*"], read=True, update=True),
        Permissions.tenants(collection="Articles", tenant="tenantA", read=True),
        Permissions.roles(role="reader", read=True, scope=RoleScope.MATCH),
        Permissions.users(user="alice", read=True, assign_and_revoke=True),
        Permissions.backup(collection="Articles", manage=True),
        Permissions.Nodes.verbose(collection="Articles", read=True),
        Permissions.cluster(read=True),
        Permissions.alias(alias="Latest", collection="Articles", read=True),
        Permissions.replicate(collection="Articles", shard="s1", read=True),
        Permissions.Groups.oidc(group="editors", read=True),
    ]
    with client_of(server, "root-user") as root:
        created = root.roles.create(role_name="editor", permissions=perms)
        assert created.name == "editor"
        role = root.roles.get("editor")
        assert role is not None
        assert {p.collection for p in role.collections_permissions} == {"Articles*"}
        assert sorted((p.tenant, sorted(a.value for a in p.actions)) for p in role.data_permissions) == [
            ("tenantA", ["read_data", "update_data"]), ("tenantB*", ["read_data", "update_data"])]
        assert role.roles_permissions[0].scope == RoleScope.MATCH
        assert role.nodes_permissions[0].verbosity == "verbose"
        assert len(role.cluster_permissions) == 1 and len(role.groups_permissions) == 1
        assert root.roles.exists("editor") and not root.roles.exists("nobody")
        assert {"admin", "viewer", "editor", "root"} <= set(root.roles.list_all())
        assert root.roles.has_permissions(permissions=Permissions.cluster(read=True), role="editor")
        # a denial is `200 false`; weaviate-client 4.23 reads any 200 as True (4.24 reads the body), so ask directly
        with _http(server, "root-user") as http:
            denied = http.post("/authz/roles/editor/has-permission",
                               json={"action": "read_data", "data": {"collection": "Other", "tenant": "*"}})
        assert denied.status_code == 200 and denied.json() is False

        root.roles.add_permissions(permissions=Permissions.data(collection="Other", read=True), role_name="editor")
        assert root.roles.has_permissions(permissions=Permissions.data(collection="Other", read=True), role="editor")
        root.roles.remove_permissions(permissions=Permissions.cluster(read=True), role_name="editor")
        assert not root.roles.get("editor").cluster_permissions

        with pytest.raises(UnexpectedStatusCodeError) as exists:
            root.roles.create(role_name="editor", permissions=Permissions.cluster(read=True))
        assert exists.value.status_code == 409
        with pytest.raises(UnexpectedStatusCodeError) as built_in:
            root.roles.delete("admin")
        assert built_in.value.status_code == 400 and "built-in role admin" in built_in.value.message

        root.roles.delete("editor")
        assert root.roles.get("editor") is None


def test_assignments_and_own_info(server):
    with client_of(server, "root-user") as root:
        root.roles.create(role_name="reader", permissions=Permissions.data(collection="Docs", read=True))
        root.users.db.assign_roles(user_id="alice", role_names="reader")
        assert set(root.users.db.get_assigned_roles(user_id="alice")) == {"reader"}
        assigned = root.roles.get_user_assignments("reader")
        assert [(a.user_id, a.user_type.value) for a in assigned] == [("alice", "db_env_user")]
        with client_of(server, "alice") as alice:
            me = alice.users.get_my_user()
            assert me.user_id == "alice" and set(me.roles) == {"reader"}
        root.groups.oidc.assign_roles(group_id="editors", role_names="reader")
        assert [g.group_id for g in root.roles.get_group_assignments("reader")] == ["editors"]
        assert set(root.groups.oidc.get_assigned_roles(group_id="editors")) == {"reader"}
        assert root.groups.oidc.get_known_group_names() == ["editors"]
        root.groups.oidc.revoke_roles(group_id="editors", role_names="reader")
        root.users.db.revoke_roles(user_id="alice", role_names="reader")
        assert root.users.db.get_assigned_roles(user_id="alice") == {}
        with pytest.raises(UnexpectedStatusCodeError) as missing:
            root.users.db.assign_roles(user_id="nobody", role_names="reader")
        assert missing.value.status_code == 404
        with pytest.raises(UnexpectedStatusCodeError) as root_role:
            root.users.db.assign_roles(user_id="alice", role_names="root")
        assert root_role.value.status_code == 403


def test_permissions_are_enforced_with_weaviates_text(server):
    with client_of(server, "root-user") as root:
        root.collections.create("Allowed", vector_config=Configure.Vectors.self_provided())
        root.collections.create("Secret", vector_config=Configure.Vectors.self_provided())
        root.roles.create(role_name="allowed-reader", permissions=[
            Permissions.data(collection="Allowed", read=True),
            Permissions.collections(collection="Allowed", read_config=True)])
        root.users.db.assign_roles(user_id="bob", role_names="allowed-reader")
    with client_of(server, "bob") as bob:
        assert bob.collections.use("Allowed").query.fetch_objects().objects == []
        with pytest.raises(InsufficientPermissionsError):          # gRPC: PERMISSION_DENIED
            bob.collections.use("Secret").query.fetch_objects()
        with pytest.raises(InsufficientPermissionsError):          # REST: 403
            bob.collections.use("Allowed").data.insert({"title": "x"})
        with pytest.raises(InsufficientPermissionsError):
            bob.roles.create(role_name="mine", permissions=Permissions.cluster(read=True))
    with _http(server, "bob") as http:
        answer = http.get("/schema/Secret")
        assert answer.status_code == 403
        assert answer.json()["error"][0]["message"] == (
            "rbac: authorization, forbidden action: user 'bob' has insufficient permissions to read_collections "
            "[[Domain: collections, Collection: Secret]]")


def test_built_in_viewer_reads_but_never_writes(server):
    with client_of(server, "root-user") as root:
        root.collections.create("Shared", vector_config=Configure.Vectors.self_provided())
        root.collections.use("Shared").data.insert({"title": "hello"})
    with client_of(server, "viewer-user") as viewer:
        assert len(viewer.collections.use("Shared").query.fetch_objects().objects) == 1
        with pytest.raises(InsufficientPermissionsError):
            viewer.collections.use("Shared").data.insert({"title": "nope"})
        with pytest.raises(InsufficientPermissionsError):
            viewer.collections.delete("Shared")
    with client_of(server, "carol") as carol:                     # no role at all: the schema is filtered
        assert carol.collections.list_all() == {}
        with pytest.raises(InsufficientPermissionsError):
            carol.collections.use("Shared").query.fetch_objects()


def test_database_users_hold_roles_until_deleted(server):
    with client_of(server, "root-user") as root:
        root.collections.create("Notes", vector_config=Configure.Vectors.self_provided())
        root.roles.create(role_name="notes-reader", permissions=[
            Permissions.data(collection="Notes", read=True), Permissions.collections(collection="Notes",
                                                                                     read_config=True)])
        key = root.users.db.create(user_id="dyn")
        root.users.db.assign_roles(user_id="dyn", role_names="notes-reader")
        assert root.users.db.get(user_id="dyn").role_names == ["notes-reader"]
        assert [(a.user_id, a.user_type.value) for a in root.roles.get_user_assignments("notes-reader")] == [
            ("dyn", "db_user")]
        with client_of(server, None, key) as dyn:
            assert dyn.collections.use("Notes").query.fetch_objects().objects == []
            with pytest.raises(InsufficientPermissionsError):
                dyn.collections.use("Notes").data.insert({"text": "no"})
        root.users.db.delete(user_id="dyn")
        root.users.db.create(user_id="dyn")                        # a new user of that name starts without roles
        assert root.users.db.get_assigned_roles(user_id="dyn") == {}


def test_roles_and_assignments_survive_a_restart(tmp_path):
    data = tmp_path / "data"
    first = start(data)
    try:
        with client_of(first, "root-user") as root:
            root.roles.create(role_name="kept", permissions=Permissions.data(collection="Docs", tenant="t*",
                                                                              read=True))
            root.users.db.assign_roles(user_id="alice", role_names="kept")
    finally:
        first.stop()
    second = start(data)
    try:
        with client_of(second, "root-user") as root:
            kept = root.roles.get("kept")
            assert kept is not None and kept.data_permissions[0].tenant == "t*"
            assert set(root.users.db.get_assigned_roles(user_id="alice")) == {"kept"}
    finally:
        second.stop()
