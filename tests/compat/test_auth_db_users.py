"""Database users (AUTHENTICATION_DB_USERS_ENABLED) through the official client's `client.users.db.*`: the key shown
once authenticates on REST and gRPC, deactivation / rotation / deletion take effect at once, only hashes are on
disk, and users survive a restart."""
from __future__ import annotations

import json

import httpx
import pytest
import weaviate
from weaviate.classes.init import Auth
from weaviate.exceptions import UnexpectedStatusCodeError
from weaviate.users.users import UserTypes

import loomdb
from loomdb.config import AuthSettings

pytestmark = pytest.mark.loomdb_only("starts its own loomdb with database users")

AUTH = AuthSettings(anonymous_access=False, apikey_enabled=True, apikey_allowed_keys=("root-key",),
                    apikey_users=("root",), db_users_enabled=True)


def _connect(srv, key: str) -> weaviate.WeaviateClient:
    return weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                     auth_credentials=Auth.api_key(key), skip_init_checks=True)


def _refused(srv, key: str) -> dict:
    with pytest.raises(UnexpectedStatusCodeError) as refused:
        _connect(srv, key)
    assert refused.value.status_code == 401
    return refused.value.error


def test_lifecycle_of_a_database_user(tmp_path):
    srv = loomdb.start_embedded(tmp_path, auth=AUTH)
    try:
        with _connect(srv, "root-key") as root:
            key = root.users.db.create(user_id="dana")
            info = root.users.db.get(user_id="dana")
            assert (info.user_id, info.active, info.user_type, info.role_names) == ("dana", True,
                                                                                     UserTypes.DB_DYNAMIC, [])
            assert info.created_at is not None
            assert [u.user_id for u in root.users.db.list_all()] == ["dana"]
            assert root.users.db.get(user_id="nobody") is None
            with pytest.raises(UnexpectedStatusCodeError) as taken:
                root.users.db.create(user_id="dana")
            assert taken.value.status_code == 409
            with pytest.raises(UnexpectedStatusCodeError) as static:
                root.users.db.create(user_id="root")
            assert static.value.status_code == 409
            with pytest.raises(UnexpectedStatusCodeError) as invalid:
                root.users.db.create(user_id="9lives")
            assert invalid.value.status_code == 422
            assert invalid.value.error == {"error": [{"message": "'9lives' is not a valid user name"}]}
            root.collections.create("Ledger").data.insert({"entry": "one"})

        with _connect(srv, key) as dana:                 # the key works on REST and gRPC
            assert "Ledger" in dana.collections.list_all()
            assert len(dana.collections.get("Ledger").query.fetch_objects().objects) == 1

        with _connect(srv, "root-key") as root:
            assert root.users.db.get(user_id="dana", include_last_used_time=True).last_used_time is not None
            assert root.users.db.deactivate(user_id="dana") is True
            assert root.users.db.deactivate(user_id="dana") is False          # 409: already inactive
        assert _refused(srv, key) == {"code": 401, "message": "user deactivated"}

        with _connect(srv, "root-key") as root:
            assert root.users.db.activate(user_id="dana") is True
            assert root.users.db.activate(user_id="dana") is False
            new_key = root.users.db.rotate_key(user_id="dana")
        assert new_key != key
        assert _refused(srv, key)["message"] == "invalid api key, please provide a valid api key"
        _connect(srv, new_key).close()

        with _connect(srv, "root-key") as root:
            assert root.users.db.deactivate(user_id="dana", revoke_key=True) is True
            assert root.users.db.activate(user_id="dana") is True
        assert _refused(srv, new_key) == {"code": 401, "message": "key is revoked"}
        with _connect(srv, "root-key") as root:
            new_key = root.users.db.rotate_key(user_id="dana")
        _connect(srv, new_key).close()
    finally:
        srv.stop()

    stored = (tmp_path / "users" / "db_users.json").read_text()
    assert new_key not in stored and key not in stored and "dana" in stored      # hashes only
    assert json.loads(stored)["dana"]["key_hash"]

    srv = loomdb.start_embedded(tmp_path, auth=AUTH)                         # survives a restart
    try:
        with _connect(srv, new_key) as dana:
            assert len(dana.collections.get("Ledger").query.fetch_objects().objects) == 1
        with _connect(srv, "root-key") as root:
            assert root.users.db.delete(user_id="dana") is True
            assert root.users.db.delete(user_id="dana") is False             # 404
            assert root.users.db.list_all() == []
        _refused(srv, new_key)
    finally:
        srv.stop()


def test_static_users_cannot_be_managed_and_self_deactivation_is_refused(tmp_path):
    srv = loomdb.start_embedded(tmp_path, auth=AUTH)
    try:
        base, headers = f"http://127.0.0.1:{srv.rest_port}/v1/users/db", {"Authorization": "Bearer root-key"}
        for path in ("/root/rotate-key", "/root/activate"):
            reply = httpx.post(base + path, headers=headers, json={})
            assert reply.status_code == 422 and reply.json() == {"error": [{"message": "user 'root' is static user"}]}
        with _connect(srv, "root-key") as root:
            key = root.users.db.create(user_id="eve")
        reply = httpx.post(base + "/root/deactivate", headers={"Authorization": f"Bearer {key}"}, json={})
        assert reply.status_code == 422 and reply.json() == {"error": [{"message": "user 'root' is static user"}]}
        reply = httpx.post(base + "/eve/deactivate", headers={"Authorization": f"Bearer {key}"}, json={})
        assert reply.status_code == 422
        assert reply.json() == {"error": [{"message": "user 'eve' cannot self-deactivate"}]}
    finally:
        srv.stop()


def test_without_database_users_the_routes_say_so(tmp_path):
    srv = loomdb.start_embedded(tmp_path)
    try:
        with weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                       skip_init_checks=True) as client:
            assert client.users.db.list_all() == []
            with pytest.raises(UnexpectedStatusCodeError) as refused:
                client.users.db.create(user_id="someone")
            assert refused.value.status_code == 422
            assert refused.value.error == {"error": [{"message": "db user management is not enabled"}]}
    finally:
        srv.stop()
