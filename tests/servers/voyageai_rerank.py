"""Voyage AI's rerank API (https://docs.voyageai.com/reference/reranker-api), Bearer key checked: POST /rerank
{"query", "documents", "model"} -> {"object": "list", "data": [{"index", "relevance_score"}], "model", "usage"}
best first; a wrong key is 401 {"detail": "Provided API key is invalid."}."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .cohere_chat import overlap_ranking
from .stub import JsonServer

INVALID_KEY = "Provided API key is invalid."


def voyageai_server(key: str = "voyage-test-key") -> JsonServer:
    def rerank(body: Any, headers: Mapping[str, str]) -> tuple[int, Any]:
        if headers.get("authorization") != f"Bearer {key}":
            return 401, {"detail": INVALID_KEY}
        return 200, {"object": "list", "data": overlap_ranking(body["query"], body["documents"]),
                     "model": body["model"], "usage": {"total_tokens": 10}}
    return JsonServer({"/rerank": rerank})
