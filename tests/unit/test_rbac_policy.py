"""The RBAC decision function and role book without sockets: Weaviate's name patterns, the tenant/collection rule,
role scopes, the Forbidden wording, and persistence through the store port."""
from __future__ import annotations

import pytest

from loomdb.engine.rbac_store import JsonPolicyStore
from loomdb.entities import permissions as paths
from loomdb.entities.errors import Forbidden, InvalidInput, Unauthenticated
from loomdb.entities.principal import Principal
from loomdb.usecases.rbac import ConfiguredAssignments, ConfiguredUsers, RbacAuthorizer, RbacService, RoleBook

ROOT = Principal("root-user")
ALICE = Principal("alice")


class MemoryStore:
    def __init__(self) -> None:
        self.document: dict = {}

    def load(self) -> dict:
        return self.document

    def save(self, document: dict) -> None:
        import copy
        self.document = copy.deepcopy(document)


def _service(store=None, **configured) -> RbacService:
    conf = ConfiguredAssignments(root_users=("root-user",), **configured)
    book = RoleBook(store if store is not None else MemoryStore(), conf)
    return RbacService(RbacAuthorizer(book), ConfiguredUsers(("root-user", "alice", "bob"), True), conf)


def _grant(svc: RbacService, user: str, role: str, *permissions: dict) -> None:
    svc.create_role(ROOT, {"name": role, "permissions": list(permissions)})
    svc.assign_user(ROOT, user, {"roles": [role], "userType": "db"})


def test_tenant_patterns_glob_and_isolate():
    svc = _service()
    _grant(svc, "alice", "t-a", {"action": "read_data", "data": {"collection": "docs", "tenant": "tenantA*"}})
    authz = svc.authz
    authz.authorize(ALICE, "R", paths.objects("Docs", "tenantA"))
    authz.authorize(ALICE, "R", paths.objects("Docs", "tenantA-2", "some-uuid"))
    for tenant in ("tenantB", "xtenantA", "*"):
        with pytest.raises(Forbidden):
            authz.authorize(ALICE, "R", paths.objects("Docs", tenant))
    with pytest.raises(Forbidden):
        authz.authorize(ALICE, "U", paths.objects("Docs", "tenantA"))
    with pytest.raises(Forbidden):
        authz.authorize(ALICE, "R", paths.objects("Other", "tenantA"))


def test_regex_characters_in_names_are_literal():
    svc = _service()
    _grant(svc, "alice", "dots", {"action": "read_users", "users": {"users": "a.b"}})
    svc.authz.authorize(ALICE, "R", paths.users("a.b"))
    with pytest.raises(Forbidden):
        svc.authz.authorize(ALICE, "R", paths.users("axb"))


def test_a_tenant_permission_does_not_grant_the_collection():
    svc = _service()
    _grant(svc, "alice", "tenants", {"action": "read_tenants", "tenants": {"collection": "Docs"}})
    svc.authz.authorize(ALICE, "R", paths.shard_metadata("Docs", "t1"))
    with pytest.raises(Forbidden):
        svc.authz.authorize(ALICE, "R", paths.collection_metadata("Docs"))


def test_forbidden_text_names_user_groups_action_and_resource():
    svc = _service()
    with pytest.raises(Forbidden) as denied:
        svc.authz.authorize(Principal("carol", groups=("g1", "g2")), "R", paths.objects("Docs", "t1"))
    assert denied.value.message == (
        "rbac: authorization, forbidden action: user 'carol' (of groups 'g1', 'g2') has insufficient permissions "
        "to read_data [[Domain: data, Collection: Docs, Tenant: t1, Object: *]]")
    with pytest.raises(Unauthenticated):
        svc.authz.authorize(None, "R", paths.cluster())


def test_built_in_roles_and_configured_holders():
    svc = _service(viewer_users=("bob",), root_groups=("admins",))
    svc.authz.authorize(ROOT, "D", paths.collection_metadata("Anything"))
    svc.authz.authorize(Principal("bob"), "R", paths.objects("Docs", "t"))
    with pytest.raises(Forbidden):
        svc.authz.authorize(Principal("bob"), "C", paths.objects("Docs", "t"))
    svc.authz.authorize(Principal("zed", "oidc", ("admins",)), "D", paths.roles("x"))
    assert [r["name"] for r in svc.list_roles(ROOT)] == ["admin", "root", "viewer"]
    assert [r["name"] for r in svc.list_roles(Principal("bob"))] == ["admin", "viewer"]


def test_role_scope_match_only_grants_what_the_caller_holds():
    svc = _service()
    _grant(svc, "alice", "manager",
           {"action": "create_roles", "roles": {"role": "*", "scope": "match"}},
           {"action": "read_data", "data": {"collection": "Docs"}})
    svc.create_role(ALICE, {"name": "reader", "permissions": [{"action": "read_data",
                                                                "data": {"collection": "Docs"}}]})
    with pytest.raises(Forbidden):
        svc.create_role(ALICE, {"name": "writer", "permissions": [{"action": "create_data",
                                                                    "data": {"collection": "Docs"}}]})


def test_permissions_round_trip_and_has_permission():
    svc = _service()
    svc.create_role(ROOT, {"name": "r", "permissions": [{"action": "read_data", "data": {"collection": "docs"}}]})
    svc.add_permissions(ROOT, "r", {"permissions": [{"action": "read_data", "data": {"collection": "Docs"}},
                                                    {"action": "read_cluster"}]})
    assert svc.get_role(ROOT, "r") == {"name": "r", "permissions": [
        {"action": "read_data", "data": {"collection": "Docs", "tenant": "*", "object": "*"}},
        {"action": "read_cluster"}]}
    assert svc.has_permission(ROOT, "r", {"action": "read_cluster"}) is True
    assert svc.has_permission(ROOT, "r", {"action": "create_data", "data": {"collection": "Docs"}}) is False
    svc.remove_permissions(ROOT, "r", {"permissions": [{"action": "read_cluster"}]})
    assert len(svc.get_role(ROOT, "r")["permissions"]) == 1
    with pytest.raises(InvalidInput):
        svc.create_role(ROOT, {"name": "bad", "permissions": [{"action": "fly_data"}]})


def test_roles_and_assignments_survive_a_reload(tmp_path):
    svc = _service(JsonPolicyStore(tmp_path))
    _grant(svc, "alice", "reader", {"action": "read_data", "data": {"collection": "Docs"}})
    again = _service(JsonPolicyStore(tmp_path))
    again.authz.authorize(ALICE, "R", paths.objects("Docs", "t"))
    assert again.roles_of_user(ROOT, "alice", "db", False) == [{"name": "reader"}]
    again.delete_role(ROOT, "reader")
    with pytest.raises(Forbidden):
        _service(JsonPolicyStore(tmp_path)).authz.authorize(ALICE, "R", paths.objects("Docs", "t"))


def test_decisions_follow_changes():
    svc = _service()
    _grant(svc, "alice", "reader", {"action": "read_data", "data": {"collection": "Docs"}})
    svc.authz.authorize(ALICE, "R", paths.objects("Docs"))
    svc.assign_user(ROOT, "alice", {"roles": ["reader"], "userType": "db"}, revoke=True)
    with pytest.raises(Forbidden):
        svc.authz.authorize(ALICE, "R", paths.objects("Docs"))
