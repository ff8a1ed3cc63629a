"""Mistral embeddings (https://docs.mistral.ai/api/#tag/embeddings): POST /v1/embeddings, Bearer key,
{"model", "input", "encoding_format"} -> {"data": [{"embedding", "index"}]}."""
from __future__ import annotations

from typing import Any

from .base import FakeProvider, bad_request, bearer, embed


def error_body(message: str) -> dict[str, Any]:
    return {"object": "error", "message": message, "type": "invalid_request_error", "param": None, "code": None}


def _embed(path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
    texts = body.get("input")
    if not isinstance(texts, list) or not texts:
        return bad_request(error_body, "input must be a non-empty list")
    if body.get("model") != "mistral-embed" or body.get("encoding_format", "float") != "float":
        return bad_request(error_body, "Invalid model")
    data = [{"object": "embedding", "embedding": embed(t), "index": i} for i, t in enumerate(texts)]
    return 200, {"id": "emb-1", "object": "list", "data": data, "model": "mistral-embed",
                 "usage": {"prompt_tokens": len(texts), "total_tokens": len(texts)}}


def serve(key: str = "mistral-test") -> FakeProvider:
    return FakeProvider({"/v1/embeddings": _embed}, error_body, bearer(key))
