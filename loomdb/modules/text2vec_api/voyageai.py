"""text2vec-voyageai: POST {baseURL}/embeddings (S usecases/modulecomponents/clients/voyageai/voyageai.go)."""
from __future__ import annotations

from typing import Any

from loomdb.modules.capabilities import ModuleRequest, Settings
from loomdb.modules.upstream import api_key, base_url, post_json, status_wording

from .common import ApiVectorizer, setting

DEFAULT_BASE_URL = "https://api.voyageai.com/v1"


class VoyageAIVectorizer(ApiVectorizer):
    name = "text2vec-voyageai"
    max_batch = 128         # VoyageAI's limit of inputs per call for its larger models
    meta_name = "VoyageAI Module"
    documentation = "https://docs.voyageai.com/docs/embeddings"
    defaults = {"vectorizeClassName": True, "baseURL": DEFAULT_BASE_URL, "model": "voyage-3", "truncate": True}

    def embed(self, texts: list[str], settings: Settings, request: ModuleRequest, *, query: bool
              ) -> list[list[float]]:
        body: dict[str, Any] = {"input": texts, "model": setting(settings, "model", default="voyage-3"),
                                "input_type": "query" if query else "document"}
        if setting(settings, "truncate", default=True):     # Go's omitempty drops a false truncation
            body["truncation"] = True
        dimensions = setting(settings, "dimensions")
        if dimensions is not None:
            body["output_dimension"] = int(dimensions)
        key = api_key(request, "X-VoyageAI-Api-Key", "VOYAGEAI_APIKEY", "VoyageAI API Key")
        url = base_url(request, "X-Voyageai-Baseurl", setting(settings, "baseURL", default=DEFAULT_BASE_URL))
        reply = post_json(request, f"{url}/embeddings", body, {"Authorization": f"Bearer {key}"},
                          status_wording("connection to VoyageAI", "detail"))
        return [item["embedding"] for item in reply.get("data") or []]
