"""Jina AI embeddings (https://jina.ai/embeddings/, API reference): POST /v1/embeddings, Bearer key,
{"input", "model", "task", "dimensions", "embedding_type"} -> {"data": [{"index", "embedding"}]}. This server
answers the data in reverse order, which the API allows (each item names its index)."""
from __future__ import annotations

from typing import Any

from .base import DIMS, FakeProvider, bad_request, bearer, embed

TASKS = {None, "retrieval.query", "retrieval.passage", "text-matching", "classification", "separation"}


def error_body(message: str) -> dict[str, Any]:
    return {"detail": message}


def _embed(path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
    texts = body.get("input")
    if not isinstance(texts, list) or not texts or len(texts) > 2048:
        return bad_request(error_body, "input must be a list of 1 to 2048 strings")
    if not body.get("model") or body.get("task") not in TASKS:
        return bad_request(error_body, "model is required; unknown task")
    if body.get("embedding_type", "float") != "float":
        return bad_request(error_body, "this server speaks float only")
    dims = int(body.get("dimensions") or DIMS)
    data = [{"object": "embedding", "index": i, "embedding": embed(t, dims)} for i, t in enumerate(texts)]
    return 200, {"model": body["model"], "object": "list", "usage": {"total_tokens": len(texts)},
                 "data": data[::-1]}


def serve(key: str = "jina-test") -> FakeProvider:
    return FakeProvider({"/v1/embeddings": _embed}, error_body, bearer(key))
