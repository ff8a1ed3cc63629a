"""VoyageAI, Bearer key checked: embeddings (https://docs.voyageai.com/reference/embeddings-api): POST
/v1/embeddings {"input", "model", "input_type", "truncation", "output_dimension"} -> {"data": [{"embedding",
"index"}]}; rerank (https://docs.voyageai.com/reference/reranker-api): POST /v1/rerank {"query", "documents",
"model"} -> {"object": "list", "data": [{"index", "relevance_score"}], "model", "usage"} best first."""
from __future__ import annotations

from typing import Any

from .base import DIMS, FakeProvider, bad_request, bearer, embed, overlap_ranking


def error_body(message: str) -> dict[str, Any]:
    return {"detail": message}


def _embed(path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
    texts = body.get("input")
    if not isinstance(texts, list) or not texts or len(texts) > 128:
        return bad_request(error_body, "input must be a list of 1 to 128 strings")
    if not body.get("model") or body.get("input_type") not in (None, "query", "document"):
        return bad_request(error_body, "model is required; input_type must be query, document or null")
    dims = int(body.get("output_dimension") or DIMS)
    data = [{"object": "embedding", "embedding": embed(t, dims), "index": i} for i, t in enumerate(texts)]
    return 200, {"object": "list", "data": data, "model": body["model"], "usage": {"total_tokens": len(texts)}}


def _rerank(path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
    return 200, {"object": "list", "data": overlap_ranking(body["query"], body["documents"]),
                 "model": body["model"], "usage": {"total_tokens": 10}}


def serve(key: str = "voyage-test") -> FakeProvider:
    return FakeProvider({"/v1/embeddings": _embed, "/v1/rerank": _rerank}, error_body, bearer(key))
