"""Toolkit tests run the real `loomdb` CLI in a subprocess against a real server started by the test."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import weaviate

import loomdb


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)


def run_cli(*args: str, timeout: float = 120) -> Run:
    done = subprocess.run([sys.executable, "-m", "loomdb", *args], capture_output=True, text=True, timeout=timeout)
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="session")
def cli():
    """`cli(*args)`: run `python -m loomdb *args` and return its exit code, stdout and stderr."""
    return run_cli


@pytest.fixture
def unused_port() -> Iterator[int]:
    """A port bound (so nobody takes it) but not listening: connections are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[loomdb.embedded.LoomServer]:
    """A loomdb on real sockets of this test module's own (its collections are the planted problems)."""
    srv = loomdb.start_embedded(tmp_path_factory.mktemp("toolkit-data"))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def live_client(live) -> Iterator[weaviate.WeaviateClient]:
    c = weaviate.connect_to_local(host="127.0.0.1", port=live.rest_port, grpc_port=live.grpc_port,
                                  skip_init_checks=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def url(live) -> str:
    return f"http://127.0.0.1:{live.rest_port}?grpc_port={live.grpc_port}"
