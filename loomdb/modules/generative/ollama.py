"""generative-ollama: POST {apiEndpoint}/api/generate, non-streaming."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...entities.errors import UpstreamFailure
from ..capabilities import Generated, ModuleRequest, Settings
from ..upstream import base_url, error_message, merged, post_json

DEFAULT_ENDPOINT = "http://localhost:11434"
DEFAULT_MODEL = "llama3"


class OllamaGenerative:
    name = "generative-ollama"

    def meta(self) -> dict[str, Any]:
        return {"documentationHref": "https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion",
                "name": "Generative Search - Ollama"}

    def generate(self, prompt: str, settings: Settings, options: Settings, request: ModuleRequest,
                 images: Sequence[str] = ()) -> Generated:
        params = merged(settings, options)
        body: dict[str, Any] = {"model": params.get("model") or DEFAULT_MODEL, "prompt": prompt, "stream": False}
        if params.get("temperature") is not None:
            body["options"] = {"temperature": params["temperature"]}
        if images:
            body["images"] = list(images)
        url = base_url(request, "X-Ollama-Baseurl", params.get("apiEndpoint"), DEFAULT_ENDPOINT) + "/api/generate"
        reply = post_json(url, body, {}, _error, "Ollama API")
        if reply.get("error"):
            raise UpstreamFailure(_error(200, reply))
        return Generated(str(reply.get("response", "")))


def _error(status: int, body: Any) -> str:
    """Weaviate's wording: the provider's error text when it sent one, else the status."""
    message = error_message(body, "error")
    return (f"connection to Ollama API failed with error: {message}" if message
            else f"connection to Ollama API failed with status: {status}")
