"""A loomdb started with Weaviate's API-key + RBAC settings, and official clients connected as its users: what the
test_rbac_* files share. Users: root-user (AUTHORIZATION_RBAC_ROOT_USERS), viewer-user (viewer), alice, bob and
carol (no role until a test assigns one); each one's API key is "<user>-key". Database users are on too."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import weaviate
from weaviate.classes.init import Auth

from loomdb.config import Settings
from loomdb.server.app import LoomServer

USERS = ("root-user", "viewer-user", "alice", "bob", "carol")


def rbac_env(users: tuple[str, ...] = USERS) -> dict[str, str]:
    return {
        "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED": "false",
        "AUTHENTICATION_APIKEY_ENABLED": "true",
        "AUTHENTICATION_APIKEY_ALLOWED_KEYS": ",".join(f"{u}-key" for u in users),
        "AUTHENTICATION_APIKEY_USERS": ",".join(users),
        "AUTHORIZATION_RBAC_ENABLED": "true",
        "AUTHORIZATION_RBAC_ROOT_USERS": "root-user",
        "AUTHORIZATION_VIEWER_USERS": "viewer-user",
        "AUTHENTICATION_DB_USERS_ENABLED": "true",
    }


def start(data: Path, users: tuple[str, ...] = USERS, extra_env: dict[str, str] | None = None) -> LoomServer:
    env = {**rbac_env(users), **(extra_env or {})}
    settings = Settings.from_env(env).with_overrides(data_path=data, host="127.0.0.1", port=0, grpc_port=0)
    return LoomServer(settings).start()


@contextmanager
def client_of(server: LoomServer, user: str | None, key: str | None = None) -> Iterator[weaviate.WeaviateClient]:
    """The official client authenticated as `user` (its static key, or `key`; None: no key at all)."""
    key = key or (f"{user}-key" if user else None)
    client = weaviate.connect_to_local(host="127.0.0.1", port=server.rest_port, grpc_port=server.grpc_port,
                                       auth_credentials=Auth.api_key(key) if key else None,
                                       skip_init_checks=True)
    try:
        yield client
    finally:
        client.close()
