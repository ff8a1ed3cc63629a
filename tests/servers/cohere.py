"""Cohere's embed API v2 (https://docs.cohere.com/reference/embed): POST /v2/embed, Bearer key, at most 96 texts."""
from __future__ import annotations

from typing import Any

from .base import DIMS, FakeProvider, bad_request, bearer, embed

INPUT_TYPES = {"search_document", "search_query", "classification", "clustering"}
TRUNCATES = {"NONE", "START", "END"}


def error_body(message: str) -> dict[str, Any]:
    return {"id": "err", "message": message}


def _embed(path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
    texts = body.get("texts")
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        return bad_request(error_body, "invalid request: texts must be a non-empty list of strings")
    if len(texts) > 96:
        return bad_request(error_body, f"invalid request: at most 96 texts per call, received {len(texts)}")
    if not body.get("model"):
        return bad_request(error_body, "invalid request: model is required")
    if body.get("input_type") not in INPUT_TYPES:
        return bad_request(error_body, "invalid request: input_type is required for embed models v3 and higher")
    if body.get("embedding_types") != ["float"] or body.get("truncate", "END") not in TRUNCATES | {"LEFT", "RIGHT"}:
        return bad_request(error_body, "invalid request: embedding_types / truncate")
    dims = int(body.get("output_dimension") or DIMS)
    return 200, {"id": "emb-1", "embeddings": {"float": [embed(t, dims) for t in texts]}, "texts": texts,
                 "meta": {"api_version": {"version": "2"}, "billed_units": {"input_tokens": len(texts)}}}


def serve(key: str = "co-test") -> FakeProvider:
    return FakeProvider({"/v2/embed": _embed}, error_body, bearer(key))
