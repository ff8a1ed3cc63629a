"""RBAC roles and database users in backups, through the official client: a backup taken with RBAC and db users on
carries the role book and the users; `client.backup.restore(..., roles_restore="all", users_restore="all")` puts
them back in place of the current ones (a db user's key issued before the backup works again, with its roles), and
the default ("noRestore") leaves both alone, as Weaviate does."""
from __future__ import annotations

import httpx
import pytest
from weaviate.classes.config import Configure
from weaviate.classes.rbac import Permissions
from weaviate.exceptions import InsufficientPermissionsError

from servers.rbac import client_of, start

pytestmark = [pytest.mark.loomdb_only("starts its own loomdb with RBAC, db users and a backup directory"),
              pytest.mark.filterwarnings("ignore:RBAC001:UserWarning")]
BACKEND = "filesystem"


@pytest.fixture
def server(tmp_path):
    srv = start(tmp_path / "data", extra_env={"BACKUP_FILESYSTEM_PATH": str(tmp_path / "backups")})
    yield srv
    srv.stop()


def _can_read_vault(server, user: str, key: str) -> bool:
    with client_of(server, user, key) as client:
        try:
            return len(client.collections.get("Vault").query.fetch_objects().objects) == 3
        except InsufficientPermissionsError:
            return False


def test_roles_and_db_users_come_back_only_when_the_restore_asks(server):
    with client_of(server, "root-user") as root:
        vault = root.collections.create("Vault", vector_config=Configure.Vectors.self_provided())
        vault.data.insert_many([{"n": i} for i in range(3)])
        root.roles.create(role_name="vault-reader", permissions=[
            Permissions.collections(collection="Vault", read_config=True), Permissions.data(collection="Vault",
                                                                                            read=True)])
        dora_key = root.users.db.create(user_id="dora")
        root.users.db.assign_roles(user_id="dora", role_names="vault-reader")
        assert _can_read_vault(server, "dora", dora_key)
        assert root.backup.create("acl-1", BACKEND, include_collections="Vault",
                                  wait_for_completion=True).status.value == "SUCCESS"

        root.users.db.delete(user_id="dora")
        root.roles.delete("vault-reader")
        root.roles.create(role_name="newcomer", permissions=Permissions.cluster(read=True))
        root.collections.delete("Vault")
        assert root.backup.restore("acl-1", BACKEND, wait_for_completion=True).status.value == "SUCCESS"
        assert root.collections.exists("Vault")
        assert not root.roles.exists("vault-reader") and root.roles.exists("newcomer")
        assert root.users.db.get(user_id="dora") is None

        root.collections.delete("Vault")
        restored = root.backup.restore("acl-1", BACKEND, roles_restore="all", users_restore="all",
                                       wait_for_completion=True)
        assert restored.status.value == "SUCCESS"
        assert root.roles.exists("vault-reader") and not root.roles.exists("newcomer")
        assert {p.collection for p in root.roles.get("vault-reader").data_permissions} == {"Vault"}
        dora = root.users.db.get(user_id="dora")
        assert dora is not None and dora.role_names == ["vault-reader"]
    assert _can_read_vault(server, "dora", dora_key)


def test_restore_options_are_weaviates_enum(server):
    with client_of(server, "root-user") as root:
        root.collections.create("Vault", vector_config=Configure.Vectors.self_provided())
        root.backup.create("acl-2", BACKEND, wait_for_completion=True)
    reply = httpx.post(f"http://127.0.0.1:{server.rest_port}/v1/backups/filesystem/acl-2/restore",
                       json={"config": {"rolesOptions": "some"}}, headers={"Authorization": "Bearer root-user-key"})
    assert (reply.status_code, reply.json()) == (
        422, {"code": 605, "message": "config.rolesOptions in body should be one of [noRestore all]"})
