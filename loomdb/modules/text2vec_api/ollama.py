"""text2vec-ollama: POST {apiEndpoint}/api/embed, no key (S modules/text2vec-ollama/clients/ollama.go)."""
from __future__ import annotations

from loomdb.entities.errors import InvalidInput
from loomdb.modules.capabilities import ModuleRequest, Settings
from loomdb.modules.upstream import body_says_error, error_or_status, post_json

from .common import ApiVectorizer, setting

DEFAULT_ENDPOINT = "http://localhost:11434"
DEFAULT_MODEL = "nomic-embed-text"


_wording = error_or_status("connection to Ollama API", "error")


class OllamaVectorizer(ApiVectorizer):
    name = "text2vec-ollama"
    max_batch = 512         # Ollama takes any number; bounded so one call stays a reasonable size
    meta_name = "Ollama Module"
    documentation = "https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings"
    defaults = {"vectorizeClassName": False}

    def validate(self, settings: Settings) -> None:
        if not setting(settings, "apiEndpoint", default=DEFAULT_ENDPOINT):
            raise InvalidInput("apiEndpoint cannot be empty")
        if not setting(settings, "model", default=DEFAULT_MODEL):
            raise InvalidInput("model cannot be empty")

    def embed(self, texts: list[str], settings: Settings, request: ModuleRequest, *, query: bool
              ) -> list[list[float]]:
        endpoint = str(setting(settings, "apiEndpoint", default=DEFAULT_ENDPOINT)).rstrip("/")
        body = {"model": setting(settings, "model", default=DEFAULT_MODEL), "input": texts}
        reply = post_json(request, f"{endpoint}/api/embed", body, {}, _wording, failed=body_says_error)
        vectors: list[list[float]] = reply.get("embeddings") or []
        return vectors
