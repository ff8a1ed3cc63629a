"""RBAC for OIDC users and groups (a real local issuer signing RS256 tokens): root and read-only groups from
AUTHORIZATION_RBAC_ROOT_GROUPS / _READONLY_GROUPS, roles assigned to groups with client.groups.oidc and to OIDC
users with client.users.oidc, and the Forbidden text naming the user's groups."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
import weaviate
from weaviate.classes.config import Configure
from weaviate.classes.rbac import Permissions
from weaviate.exceptions import InsufficientPermissionsError, UnexpectedStatusCodeError

from loomdb.config import Settings
from loomdb.server.app import LoomServer
from servers.oidc_issuer import OidcIssuer

# Weaviate's built-in roles hold permissions newer than weaviate-client 4.23 knows (read_backups, ...); that
# client skips them with its own RBAC001 warning, against a real Weaviate just the same.
pytestmark = [pytest.mark.loomdb_only("starts its own loomdb and OIDC issuer"),
              pytest.mark.filterwarnings("ignore:RBAC001:UserWarning")]


@pytest.fixture(scope="module")
def issuer() -> Iterator[OidcIssuer]:
    with OidcIssuer() as started:
        yield started


@pytest.fixture(scope="module")
def server(issuer, tmp_path_factory) -> Iterator[LoomServer]:
    env = {"AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED": "false", "AUTHENTICATION_OIDC_ENABLED": "true",
           "AUTHENTICATION_OIDC_ISSUER": issuer.url, "AUTHENTICATION_OIDC_CLIENT_ID": "loomdb",
           "AUTHENTICATION_OIDC_USERNAME_CLAIM": "email", "AUTHENTICATION_OIDC_GROUPS_CLAIM": "groups",
           "AUTHORIZATION_RBAC_ENABLED": "true", "AUTHORIZATION_RBAC_ROOT_GROUPS": "admins",
           "AUTHORIZATION_RBAC_READONLY_GROUPS": "readers"}
    settings = Settings.from_env(env).with_overrides(data_path=tmp_path_factory.mktemp("rbac-oidc"),
                                                     host="127.0.0.1", port=0, grpc_port=0)
    srv = LoomServer(settings).start()
    yield srv
    srv.stop()


def _connect(srv: LoomServer, token: str) -> weaviate.WeaviateClient:
    return weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                     headers={"Authorization": f"Bearer {token}"}, skip_init_checks=True)


def test_group_roles_decide_for_oidc_users(server, issuer):
    with _connect(server, issuer.token("ada", groups=["admins"])) as ada:           # root through her group
        ada.collections.create("Wiki", vector_config=Configure.Vectors.self_provided())
        ada.collections.use("Wiki").data.insert({"title": "start"})
        ada.roles.create(role_name="wiki-reader", permissions=[
            Permissions.data(collection="Wiki", read=True), Permissions.collections(collection="Wiki",
                                                                                    read_config=True)])
        ada.groups.oidc.assign_roles(group_id="editors", role_names="wiki-reader")
        assert set(ada.groups.oidc.get_assigned_roles(group_id="editors")) == {"wiki-reader"}
        with pytest.raises(UnexpectedStatusCodeError) as root_group:
            ada.groups.oidc.assign_roles(group_id="admins", role_names="wiki-reader")
        assert root_group.value.status_code == 403
    with _connect(server, issuer.token("eve", groups=["editors", "staff"])) as eve:
        assert len(eve.collections.use("Wiki").query.fetch_objects().objects) == 1
        with pytest.raises(InsufficientPermissionsError) as denied:
            eve.collections.use("Wiki").data.insert({"title": "edit"})
        assert ("user 'eve@example.org' (of groups 'editors', 'staff') has insufficient permissions to create_data"
                in denied.value.message)
    with _connect(server, issuer.token("rita", groups=["readers"])) as rita:         # viewer through her group
        assert len(rita.collections.use("Wiki").query.fetch_objects().objects) == 1
        with pytest.raises(InsufficientPermissionsError):
            rita.collections.delete("Wiki")


def test_roles_assigned_to_an_oidc_user(server, issuer):
    with _connect(server, issuer.token("ada", groups=["admins"])) as ada:
        ada.collections.create("Memo", vector_config=Configure.Vectors.self_provided())
        ada.roles.create(role_name="memo-reader", permissions=[Permissions.data(collection="Memo", read=True)])
        ada.users.oidc.assign_roles(user_id="bob@example.org", role_names="memo-reader")
        assert set(ada.users.oidc.get_assigned_roles(user_id="bob@example.org")) == {"memo-reader"}
    with _connect(server, issuer.token("bob")) as bob:
        assert bob.collections.use("Memo").query.fetch_objects().objects == []
        assert set(bob.users.get_my_user().roles) == {"memo-reader"}
    with _connect(server, issuer.token("ada", groups=["admins"])) as ada:
        ada.users.oidc.revoke_roles(user_id="bob@example.org", role_names="memo-reader")
    with _connect(server, issuer.token("bob")) as bob:
        with pytest.raises(InsufficientPermissionsError):
            bob.collections.use("Memo").query.fetch_objects()
