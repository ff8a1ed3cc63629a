"""Cohere's v2 Chat and Rerank APIs (https://docs.cohere.com/reference/chat, /reference/rerank), Bearer key
checked: POST /v2/chat {"model", "messages"} -> {"message": {"role", "content": [{"type": "text", "text"}]},
"usage"}; POST /v2/rerank {"model", "query", "documents"} -> {"results": [{"index", "relevance_score"}]} best
first. A wrong key is 401 {"message": "invalid api token"}. The relevance score here is the share of the
query's words found in the document (a deterministic stand-in for a model)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .stub import JsonServer

INVALID_TOKEN = "invalid api token"


def cohere_server(key: str = "cohere-test-key") -> JsonServer:
    def authorised(headers: Mapping[str, str]) -> bool:
        return headers.get("authorization") == f"Bearer {key}"

    def chat(body: Any, headers: Mapping[str, str]) -> tuple[int, Any]:
        if not authorised(headers):
            return 401, {"message": INVALID_TOKEN}
        prompt = body["messages"][-1]["content"]
        return 200, {"id": "c1", "finish_reason": "COMPLETE",
                     "message": {"role": "assistant", "content": [{"type": "text", "text": f"cohere: {prompt}"}]},
                     "usage": {"billed_units": {"input_tokens": 3, "output_tokens": 2},
                               "tokens": {"input_tokens": 10, "output_tokens": 2}}}

    def rerank(body: Any, headers: Mapping[str, str]) -> tuple[int, Any]:
        if not authorised(headers):
            return 401, {"message": INVALID_TOKEN}
        return 200, {"id": "r1", "results": overlap_ranking(body["query"], body["documents"]),
                     "meta": {"billed_units": {"search_units": 1}}}

    return JsonServer({"/v2/chat": chat, "/v2/rerank": rerank})


def overlap_ranking(query: str, documents: list[str]) -> list[dict[str, Any]]:
    """[{index, relevance_score}] best first; the score is the share of the query's words in the document."""
    words = set(query.lower().split())
    scores = [len(words & set(doc.lower().split())) / max(len(words), 1) for doc in documents]
    return [{"index": i, "relevance_score": scores[i]} for i in sorted(range(len(scores)), key=lambda i: -scores[i])]
