"""generative-ollama: POST {apiEndpoint}/api/generate, non-streaming."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..capabilities import Generated, ModuleRequest
from ..upstream import base_url, body_says_error, error_or_status, post_json
from .common import Params, ProviderGenerative

DEFAULT_ENDPOINT = "http://localhost:11434"
DEFAULT_MODEL = "llama3"
_WORDING = error_or_status("connection to Ollama API", "error")


class OllamaGenerative(ProviderGenerative):
    name = "generative-ollama"
    meta_name = "Generative Search - Ollama"
    documentation = "https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion"

    def complete(self, prompt: str, params: Params, request: ModuleRequest, images: Sequence[str]) -> Generated:
        body: dict[str, Any] = {"model": params.get("model") or DEFAULT_MODEL, "prompt": prompt, "stream": False}
        if params.get("temperature") is not None:
            body["options"] = {"temperature": params["temperature"]}
        if images:
            body["images"] = list(images)
        url = base_url(request, "X-Ollama-Baseurl", params.get("apiEndpoint"), DEFAULT_ENDPOINT) + "/api/generate"
        reply = post_json(request, url, body, {}, _WORDING, failed=body_says_error)
        return Generated(str(reply.get("response", "")))

