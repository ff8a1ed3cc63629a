"""text2vec-cohere: POST {baseURL}/v2/embed (S usecases/modulecomponents/clients/cohere/cohere.go)."""
from __future__ import annotations

from typing import Any

from loomdb.entities.errors import InvalidInput
from loomdb.modules.capabilities import ModuleRequest, Settings
from loomdb.modules.upstream import api_key, base_url, post_json, status_wording

from .common import ApiVectorizer, setting

DEFAULT_BASE_URL = "https://api.cohere.ai"
TRUNCATES = ["NONE", "START", "END", "LEFT", "RIGHT"]


class CohereVectorizer(ApiVectorizer):
    name = "text2vec-cohere"
    max_batch = 96          # Cohere's documented limit of texts per embed call
    meta_name = "Cohere Module"
    documentation = "https://docs.cohere.ai/embedding-wiki/"
    # Weaviate writes the base URL as "baseUrl" and reads "baseURL": both are read below
    defaults = {"vectorizeClassName": True, "model": "embed-multilingual-v3.0", "truncate": "END",
                "baseUrl": DEFAULT_BASE_URL}

    def validate(self, settings: Settings) -> None:
        if setting(settings, "truncate", default="END") not in TRUNCATES:
            raise InvalidInput(f"wrong truncate type, available types are: [{' '.join(TRUNCATES)}]")

    def embed(self, texts: list[str], settings: Settings, request: ModuleRequest, *, query: bool
              ) -> list[list[float]]:
        body: dict[str, Any] = {
            "texts": texts,
            "model": setting(settings, "model", default="embed-multilingual-v3.0"),
            "input_type": "search_query" if query else "search_document",
            "embedding_types": ["float"],
            "truncate": setting(settings, "truncate", default="END"),
        }
        dimensions = setting(settings, "dimensions")
        if dimensions is not None:
            body["output_dimension"] = int(dimensions)
        key = api_key(request, "X-Cohere-Api-Key", "COHERE_APIKEY", "Cohere API Key")
        url = base_url(request, "X-Cohere-Baseurl", setting(settings, "baseURL", "baseUrl", default=DEFAULT_BASE_URL))
        reply = post_json(request, f"{url}/v2/embed", body,
                          {"Authorization": f"Bearer {key}", "Request-Source": "unspecified:weaviate"},
                          status_wording("connection to Cohere", "message"))
        vectors: list[list[float]] = (reply.get("embeddings") or {}).get("float") or []
        return vectors
