"""In-process loomdb for notebooks, tests and scripts: the real server on free loopback ports, and an official
client connected to it. Closing the client stops the server."""
from __future__ import annotations

import tempfile
from pathlib import Path

from .config import Settings
from .server.app import LoomServer

__all__ = ["LoomServer", "connect_embedded", "start_embedded"]


def start_embedded(path: str | Path | None = None, *, port: int = 0, grpc_port: int = 0,
                   **settings) -> LoomServer:
    """Start a server (not a client) on 127.0.0.1; `path=None` uses a fresh temporary directory."""
    data = Path(path) if path is not None else Path(tempfile.mkdtemp(prefix="loomdb-"))
    base = Settings.from_env()
    return LoomServer(base.with_overrides(data_path=data, host="127.0.0.1", port=port, grpc_port=grpc_port,
                                          **settings)).start()


def connect_embedded(path: str | Path | None = None, *, port: int = 0, grpc_port: int = 0,
                     headers: dict[str, str] | None = None, **settings):
    """A connected `weaviate.WeaviateClient` talking to an in-process loomdb on `path`.

    ``with loomdb.connect_embedded("./data") as client: ...`` — leaving the block (or client.close())
    shuts the server down cleanly."""
    import weaviate

    server = start_embedded(path, port=port, grpc_port=grpc_port, **settings)
    try:
        client = weaviate.connect_to_local(host="127.0.0.1", port=server.rest_port, grpc_port=server.grpc_port,
                                           headers=headers, skip_init_checks=True)
    except BaseException:
        server.stop()
        raise
    original_close = client.close

    def close() -> None:
        try:
            original_close()
        finally:
            server.stop()

    client.close = close          # also what `with client:` calls on exit
    client.loomdb_server = server
    return client
