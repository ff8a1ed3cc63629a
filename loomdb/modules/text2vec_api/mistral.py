"""text2vec-mistral: POST to baseURL, Weaviate's default being the whole endpoint
(S modules/text2vec-mistral/clients/mistral.go, ent/class_settings.go)."""
from __future__ import annotations

from loomdb.modules.capabilities import ModuleRequest, Settings
from loomdb.modules.upstream import api_key, base_url, post_json, status_wording

from .common import ApiVectorizer, setting

DEFAULT_BASE_URL = "https://api.mistral.ai/v1/embeddings"
DEFAULT_MODEL = "mistral-embed"


def embeddings_url(base: str) -> str:
    """Weaviate's baseURL is the whole endpoint and is posted to as is; a bare origin (what the official client's
    base_url gives, "https://api.mistral.ai/") gets the embeddings path."""
    return base if base.endswith("/embeddings") else f"{base}/v1/embeddings"


class MistralVectorizer(ApiVectorizer):
    name = "text2vec-mistral"
    max_batch = 128
    meta_name = "Mistral Module"
    documentation = "https://docs.mistral.ai/api/#operation/createEmbedding"
    defaults = {"vectorizeClassName": True, "baseURL": DEFAULT_BASE_URL, "model": DEFAULT_MODEL}

    def embed(self, texts: list[str], settings: Settings, request: ModuleRequest, *, query: bool
              ) -> list[list[float]]:
        body = {"input": texts, "model": setting(settings, "model", default=DEFAULT_MODEL), "encoding_format": "float"}
        key = api_key(request, "X-Mistral-Api-Key", "MISTRAL_APIKEY", "Mistral API Key")
        url = base_url(request, "X-Mistral-Baseurl", setting(settings, "baseURL", default=DEFAULT_BASE_URL))
        reply = post_json(request, embeddings_url(url), body, {"Authorization": f"Bearer {key}"},
                          status_wording("connection to Mistral", "message"))
        return [item["embedding"] for item in reply.get("data") or []]
