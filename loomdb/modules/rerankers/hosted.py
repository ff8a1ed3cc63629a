"""reranker-cohere, reranker-voyageai and reranker-jinaai: one rerank call over HTTP each. All three answer
`{index, relevance_score}` pairs (Cohere/Jina under "results", Voyage under "data"), possibly in score order,
which are put back in the documents' order."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..capabilities import ModuleRequest, Settings
from ..upstream import api_key, base_url, post_json, status_wording


@dataclass
class HostedReranker:
    """One provider's rerank endpoint: where it is, which key it takes, how it words a refusal."""

    name: str
    label: str                  # "Cohere API", as Weaviate's error texts name the provider
    default_base_url: str
    path: str
    default_model: str
    key_header: str
    key_env: str
    base_url_header: str | None
    results_field: str
    error_field: str

    def meta(self) -> dict[str, Any]:
        return {"name": f"Reranker - {self.label}"}

    def rerank(self, query: str, documents: Sequence[str], settings: Settings, request: ModuleRequest
               ) -> list[float]:
        if not documents:
            return []
        body: dict[str, Any] = {"model": settings.get("model") or self.default_model, "query": query,
                                "documents": list(documents)}
        if self.name == "reranker-cohere":
            body["return_documents"] = False
        url = base_url(request, self.base_url_header, settings.get("baseURL"), self.default_base_url) + self.path
        headers = {"Authorization": f"Bearer {api_key(request, self.key_header, self.key_env)}"}
        reply = post_json(request, url, body, headers, status_wording(f"connection to {self.label}", self.error_field))
        scores = [0.0] * len(documents)
        for entry in reply.get(self.results_field) or []:
            scores[int(entry["index"])] = float(entry["relevance_score"])
        return scores


def cohere() -> HostedReranker:
    return HostedReranker("reranker-cohere", "Cohere API", "https://api.cohere.ai", "/v2/rerank", "rerank-v3.5",
                          "X-Cohere-Api-Key", "COHERE_APIKEY", "X-Cohere-Baseurl", "results", "message")


def voyageai() -> HostedReranker:
    return HostedReranker("reranker-voyageai", "VoyageAI API", "https://api.voyageai.com/v1", "/rerank",
                          "rerank-lite-1", "X-Voyageai-Api-Key", "VOYAGEAI_APIKEY", "X-Voyageai-Baseurl", "data",
                          "detail")


def jinaai() -> HostedReranker:
    return HostedReranker("reranker-jinaai", "JinaAI API", "https://api.jina.ai", "/v1/rerank",
                          "jina-reranker-v2-base-multilingual", "X-Jinaai-Api-Key", "JINAAI_APIKEY", None, "results",
                          "detail")
