"""Fixtures for compatibility tests: the official weaviate-client against a live server.

By default one in-process loomdb per test session (real sockets, real SQLite files in a temp dir). With
LOOMDB_COMPAT_URL set (optional LOOMDB_COMPAT_GRPC_PORT, default 50051, and LOOMDB_COMPAT_API_KEY) the same tests
run against that already running server instead, e.g. a real Weaviate: the tests are our definition of
"compatible", so they must hold there too. Tests marked `loomdb_only` (they reach into the engine, start their
own loomdb or check something only loomdb does) are skipped then. See tests/README.md.

Each test gets a fresh, uniquely named collection through `collection_factory`, deleted afterwards."""
from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import pytest
import weaviate
from weaviate.classes.init import Auth

import loomdb


@dataclass(frozen=True)
class Endpoint:
    """Where the compat tests send their requests."""

    host: str
    rest_port: int
    grpc_port: int
    secure: bool = False
    api_key: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Endpoint | None:
        """The server named by LOOMDB_COMPAT_URL (None when unset)."""
        url = env.get("LOOMDB_COMPAT_URL")
        if not url:
            return None
        parts = urlsplit(url)
        secure = parts.scheme == "https"
        return cls(parts.hostname or "localhost", parts.port or (443 if secure else 80),
                   int(env.get("LOOMDB_COMPAT_GRPC_PORT") or 50051), secure, env.get("LOOMDB_COMPAT_API_KEY") or None)

    @property
    def base_url(self) -> str:
        return f"{'https' if self.secure else 'http'}://{self.host}:{self.rest_port}"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def connect(self) -> weaviate.WeaviateClient:
        return weaviate.connect_to_custom(
            http_host=self.host, http_port=self.rest_port, http_secure=self.secure, grpc_host=self.host,
            grpc_port=self.grpc_port, grpc_secure=self.secure,
            auth_credentials=Auth.api_key(self.api_key) if self.api_key else None, skip_init_checks=True)


REMOTE = Endpoint.from_env(os.environ)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Against LOOMDB_COMPAT_URL, skip the tests that only make sense against an embedded loomdb."""
    if REMOTE is None:
        return
    for item in items:
        marker = item.get_closest_marker("loomdb_only")
        if marker is not None:
            why = marker.args[0] if marker.args else "needs an embedded loomdb"
            item.add_marker(pytest.mark.skip(reason=f"loomdb_only ({why}): LOOMDB_COMPAT_URL is set"))


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[loomdb.embedded.LoomServer | Endpoint]:
    """The embedded loomdb; under LOOMDB_COMPAT_URL only the Endpoint of that server (no engine to reach into)."""
    if REMOTE is not None:
        yield REMOTE
        return
    # ASYNC_INDEXING=true, as a Weaviate under these tests needs it: the dynamic index tests create dynamic indexes
    srv = loomdb.start_embedded(tmp_path_factory.mktemp("compat-data"), async_indexing=True)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def endpoint(server) -> Endpoint:
    return server if isinstance(server, Endpoint) else Endpoint("127.0.0.1", server.rest_port, server.grpc_port)


@pytest.fixture(scope="session")
def client(endpoint: Endpoint) -> Iterator[weaviate.WeaviateClient]:
    c = endpoint.connect()
    yield c
    c.close()


@pytest.fixture
def rest(endpoint: Endpoint) -> Iterator[httpx.Client]:
    """A raw httpx client on the REST port, for checks the official client hides (status codes, bodies)."""
    with httpx.Client(base_url=endpoint.base_url, headers=endpoint.headers(), timeout=30) as h:
        yield h


@pytest.fixture
def collection_name(request) -> str:
    """A collection name derived from the test name (valid Weaviate class name)."""
    base = re.sub(r"[^0-9A-Za-z]", "", request.node.name.title())[:60]
    return "T" + base


@pytest.fixture
def collection_factory(client, collection_name):
    """Create collections with the official client; everything created is deleted after the test."""
    created: list[str] = []

    def make(suffix: str = "", **kwargs):
        name = collection_name + suffix
        client.collections.delete(name)
        created.append(name)
        return client.collections.create(name, **kwargs)

    yield make
    for name in created:
        client.collections.delete(name)


@pytest.fixture(scope="module")
def modules_server(request, tmp_path_factory) -> Iterator[loomdb.embedded.LoomServer]:
    """A loomdb of the test module's own with the modules its `ENABLED` names (ENABLE_MODULES), for the module
    tests that talk to local provider servers (generative, rerank)."""
    srv = loomdb.start_embedded(tmp_path_factory.mktemp("modules-data"), enable_modules=request.module.ENABLED)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def connect(modules_server) -> Iterator[Callable[[dict[str, str] | None], weaviate.WeaviateClient]]:
    """`connect(headers)`: a client of `modules_server` sending those headers (provider keys, base URLs); all
    closed at the end of the test module."""
    opened: list[weaviate.WeaviateClient] = []

    def make(headers: dict[str, str] | None = None) -> weaviate.WeaviateClient:
        c = weaviate.connect_to_local(host="127.0.0.1", port=modules_server.rest_port,
                                      grpc_port=modules_server.grpc_port, headers=headers, skip_init_checks=True)
        opened.append(c)
        return c
    yield make
    for c in opened:
        c.close()
