"""A provider stand-in: a stdlib ThreadingHTTPServer on 127.0.0.1 (free port) in a daemon thread. It records every
request, checks the key when it has one, answers through per-path handlers, and can be told to fail the next calls
(401 / 429 with Retry-After / 500) with an error body in the provider's own format; `with serve() as provider:`
closes it. Embeddings are a hashed bag of
words, so texts sharing words get close vectors and the same text always gets the same vector."""
from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DIMS = 16
INVALID_TOKEN = "invalid api token"     # the error text of a request whose key the server refuses

Handler = Callable[[str, Any, dict[str, str]], tuple[int, Any]]     # (path, body, headers) -> (status, reply)


def embed(text: str, dims: int = DIMS) -> list[float]:
    """Hashed bag of words, L2-normalised (all zeros stay zeros)."""
    vector = [0.0] * dims
    for word in re.findall(r"\w+", text.lower()):
        digest = hashlib.sha256(word.encode()).digest()
        vector[digest[0] % dims] += 1.0 if digest[1] % 2 else -1.0
    norm = sum(v * v for v in vector) ** 0.5
    return [round(v / norm, 6) for v in vector] if norm else vector


class LoopbackHttp:
    """A stdlib HTTP server on a free loopback port, served from a daemon thread: what every test server stands on."""

    def __init__(self, handler_class: type[BaseHTTPRequestHandler]) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Failure:
    status: int
    message: str
    retry_after: str | None = None


@dataclass
class FakeProvider:
    """`routes` maps path patterns to handlers; `auth(headers) -> bool` says whether a request carries the right
    key (None: no check); `error_body(message)` shapes an error as the provider does."""
    routes: dict[str, Handler]
    error_body: Callable[[str], Any]
    auth: Callable[[dict[str, str]], bool] | None = None
    requests: list[Recorded] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._http = LoopbackHttp(self._handler_class())

    @property
    def url(self) -> str:
        return self._http.url

    def fail_next(self, status: int, message: str, *, retry_after: str | None = None, times: int = 1) -> None:
        with self._lock:
            self.failures.extend(Failure(status, message, retry_after) for _ in range(times))

    def bodies(self) -> list[Any]:
        return [r.body for r in self.requests]

    def __enter__(self) -> FakeProvider:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _answer(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any, dict[str, str]]:
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            return 400, self.error_body("body is not JSON"), {}
        with self._lock:
            self.requests.append(Recorded(path, headers, body))
            failure = self.failures.pop(0) if self.failures else None
        if failure is not None:
            extra = {"Retry-After": failure.retry_after} if failure.retry_after is not None else {}
            return failure.status, self.error_body(failure.message), extra
        if self.auth is not None and not self.auth(headers):
            return 401, self.error_body(INVALID_TOKEN), {}
        for pattern, handler in self.routes.items():     # keys are regular expressions over the whole path
            if re.fullmatch(pattern, path):
                status, reply = handler(path, body, headers)
                return status, reply, {}
        return 404, self.error_body(f"no route {path}"), {}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, reply, extra = provider._answer(self.path, headers, raw)
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's signature)
                pass

        return Handler


def bearer(key: str) -> Callable[[dict[str, str]], bool]:
    return lambda headers: headers.get("authorization") == f"Bearer {key}"


def overlap_ranking(query: str, documents: list[str]) -> list[dict[str, Any]]:
    """A rerank reply's [{index, relevance_score}], best first; the score is the share of the query's words found
    in the document (a deterministic stand-in for a cross-encoder)."""
    words = set(query.lower().split())
    scores = [len(words & set(doc.lower().split())) / max(len(words), 1) for doc in documents]
    return [{"index": i, "relevance_score": scores[i]} for i in sorted(range(len(scores)), key=lambda i: -scores[i])]


def bad_request(error_body: Callable[[str], Any], message: str) -> tuple[int, Any]:
    return 400, error_body(message)
