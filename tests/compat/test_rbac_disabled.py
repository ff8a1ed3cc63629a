"""/v1/authz and /v1/users/own-info with AUTHORIZATION_RBAC_ENABLED off (the shared test server: anonymous access,
no authorization), as Weaviate answers them: its authz handlers run over an RBAC store that is absent, so there are
no roles (not even the built-in ones), has-permission is false, a change passes the usual checks and keeps nothing,
and own-info without a user is 401. Database users off: Weaviate's 422 "db user management is not enabled"."""
from __future__ import annotations

import pytest
from weaviate.classes.rbac import Permissions
from weaviate.exceptions import UnexpectedStatusCodeError


def test_the_client_sees_no_roles_and_a_created_role_is_not_kept(client):
    assert client.roles.list_all() == {}
    assert client.roles.get("admin") is None and not client.roles.exists("viewer")
    client.roles.create(role_name="ghost", permissions=Permissions.cluster(read=True))
    assert not client.roles.exists("ghost")
    with pytest.raises(UnexpectedStatusCodeError) as info:
        client.roles.create(role_name="admin", permissions=Permissions.cluster(read=True))
    assert info.value.status_code == 400
    assert "you cannot create role with the same name as built-in role admin" in str(info.value)


def test_rest_answers_are_weaviates_without_rbac(rest):
    assert (rest.get("/v1/authz/roles").status_code, rest.get("/v1/authz/roles").json()) == (200, [])
    reply = rest.get("/v1/authz/roles/ghost")
    assert (reply.status_code, reply.content) == (404, b"")
    reply = rest.post("/v1/authz/roles/ghost/add-permissions", json={"permissions": [
        {"action": "read_cluster", "cluster": {}}]})
    assert reply.status_code == 404
    reply = rest.post("/v1/authz/roles/ghost/has-permission", json={"action": "read_cluster", "cluster": {}})
    assert (reply.status_code, reply.json()) == (200, False)      # weaviate-client 4.23 reads any 200 as True
    assert rest.delete("/v1/authz/roles/ghost").status_code == 204
    reply = rest.post("/v1/authz/users/alice/assign", json={"roles": ["ghost"]})
    assert (reply.status_code, reply.json()["error"][0]["message"]) == (
        404, "one or more of the roles requested doesn't exist")
    assert rest.get("/v1/authz/roles/ghost/user-assignments").json() == []
    reply = rest.get("/v1/users/own-info")
    assert (reply.status_code, reply.content) == (401, b"")
    reply = rest.post("/v1/users/db/somebody")
    assert (reply.status_code, reply.json()["error"][0]["message"]) == (422, "db user management is not enabled")
