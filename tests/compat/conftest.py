"""Fixtures for compatibility tests: the official weaviate-client against a live loomdb.

One in-process server per test session (real sockets, real SQLite files in a temp dir); each test gets a
fresh, uniquely named collection through `collection_factory`, deleted afterwards."""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import weaviate

import loomdb


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[loomdb.embedded.LoomServer]:
    srv = loomdb.start_embedded(tmp_path_factory.mktemp("compat-data"))
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def client(server) -> Iterator[weaviate.WeaviateClient]:
    c = weaviate.connect_to_local(host="127.0.0.1", port=server.rest_port, grpc_port=server.grpc_port,
                                  skip_init_checks=True)
    yield c
    c.close()


@pytest.fixture
def rest(server):
    """A raw httpx client on the REST port, for checks the official client hides (status codes, bodies)."""
    import httpx
    with httpx.Client(base_url=f"http://127.0.0.1:{server.rest_port}", timeout=30) as h:
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
