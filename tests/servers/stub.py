"""A JSON-over-HTTP server on a free loopback port, run in a thread: routes map a path to a function of the
request (body, headers) returning (status, reply body)."""
from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Route = Callable[[Any, Mapping[str, str]], tuple[int, Any]]


class JsonServer:
    def __init__(self, routes: Mapping[str, Route]) -> None:
        self.requests: list[tuple[str, Any]] = []     # (path, decoded body) as received, for assertions
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                server.requests.append((self.path, body))
                route = routes.get(self.path)
                status, reply = (route(body, {k.lower(): v for k, v in self.headers.items()}) if route
                                 else (404, {"error": "not found"}))
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    def __enter__(self) -> JsonServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.shutdown()
        self._http.server_close()
