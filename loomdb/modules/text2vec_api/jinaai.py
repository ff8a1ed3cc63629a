"""text2vec-jinaai: POST {baseURL}/v1/embeddings (S usecases/modulecomponents/clients/jinaai/jinaai.go)."""
from __future__ import annotations

from typing import Any

from loomdb.modules.capabilities import ModuleRequest, Settings
from loomdb.modules.upstream import api_key, post_json, status_wording

from .common import ApiVectorizer, setting

DEFAULT_BASE_URL = "https://api.jina.ai"
DEFAULT_MODEL = "jina-embeddings-v4"
TASK_MODELS = ("v3", "v4", "clip")     # the models that take a retrieval task and a dimensions choice


class JinaAIVectorizer(ApiVectorizer):
    name = "text2vec-jinaai"
    max_batch = 512
    meta_name = "JinaAI Module"
    documentation = ""
    defaults = {"vectorizeClassName": False, "model": DEFAULT_MODEL, "baseURL": DEFAULT_BASE_URL}

    def embed(self, texts: list[str], settings: Settings, request: ModuleRequest, *, query: bool
              ) -> list[list[float]]:
        model = str(setting(settings, "model", default=DEFAULT_MODEL))
        body: dict[str, Any] = {"input": texts, "model": model, "embedding_type": "float"}
        if setting(settings, "normalized", default=False):
            body["normalized"] = True
        if any(tag in model for tag in TASK_MODELS):
            body["task"] = "retrieval.query" if query else "retrieval.passage"
            dimensions = setting(settings, "dimensions")
            if dimensions is not None:
                body["dimensions"] = int(dimensions)
        key = api_key(request, "X-Jinaai-Api-Key", "JINAAI_APIKEY", "API Key")
        url = str(setting(settings, "baseURL", default=DEFAULT_BASE_URL)).rstrip("/")
        reply = post_json(request, f"{url}/v1/embeddings", body, {"Authorization": f"Bearer {key}"},
                          status_wording("connection to JinaAI API", "detail"))
        data = sorted(reply.get("data") or [], key=lambda item: item.get("index", 0))
        return [item["embedding"] for item in data]
