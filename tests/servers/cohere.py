"""Cohere's v2 APIs, Bearer key checked: embed (https://docs.cohere.com/reference/embed): POST /v2/embed, at most
96 texts; chat (/reference/chat): POST /v2/chat {"model", "messages"} -> {"message": {"role", "content": [{"type":
"text", "text"}]}, "usage"}; rerank (/reference/rerank): POST /v2/rerank {"model", "query", "documents"} ->
{"results": [{"index", "relevance_score"}]} best first. A wrong key is 401 {"message": "invalid api token"}."""
from __future__ import annotations

from typing import Any

from .base import DIMS, FakeProvider, bad_request, bearer, embed, overlap_ranking

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


def _chat(path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
    """The reply echoes the last message: "cohere: <prompt>"."""
    prompt = body["messages"][-1]["content"]
    return 200, {"id": "c1", "finish_reason": "COMPLETE",
                 "message": {"role": "assistant", "content": [{"type": "text", "text": f"cohere: {prompt}"}]},
                 "usage": {"billed_units": {"input_tokens": 3, "output_tokens": 2},
                           "tokens": {"input_tokens": 10, "output_tokens": 2}}}


def _rerank(path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
    return 200, {"id": "r1", "results": overlap_ranking(body["query"], body["documents"]),
                 "meta": {"billed_units": {"search_units": 1}}}


def serve(key: str = "co-test") -> FakeProvider:
    return FakeProvider({"/v2/embed": _embed, "/v2/chat": _chat, "/v2/rerank": _rerank}, error_body, bearer(key))
