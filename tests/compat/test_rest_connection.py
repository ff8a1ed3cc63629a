"""REST connections the official client keeps alive must not wait for Nagle's algorithm.

With Nagle on, a small reply written in two pieces waits for the client's delayed ACK: ~40 ms per request on a
kept-alive connection (every schema call and single-object write of the official client). asyncio disables Nagle
only on sockets created with IPPROTO_TCP, so the listener's protocol decides it; this checks the accepted sockets."""
from __future__ import annotations

import socket


def test_kept_alive_rest_connections_have_nagle_disabled(server, rest):
    rest.get("/v1/meta").raise_for_status()         # opens the connection the server now holds
    connections = list(server._uvicorn.server_state.connections)
    sockets = [c.transport.get_extra_info("socket") for c in connections]
    assert sockets, "the server holds no REST connection"
    assert all(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for s in sockets)
