"""generative-cohere: POST {baseURL}/v2/chat (Cohere's Chat API v2)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..capabilities import Generated, ModuleRequest, Settings
from ..upstream import api_key, base_url, error_message, merged, post_json, status_error

DEFAULT_BASE_URL = "https://api.cohere.ai"
DEFAULT_MODEL = "command-r-plus"
_BODY_FIELDS = {"maxTokens": "max_tokens", "temperature": "temperature", "k": "k", "p": "p",
                "stopSequences": "stop_sequences", "frequencyPenalty": "frequency_penalty",
                "presencePenalty": "presence_penalty"}


class CohereGenerative:
    name = "generative-cohere"

    def meta(self) -> dict[str, Any]:
        return {"documentationHref": "https://docs.cohere.com/reference/chat", "name": "Generative Search - Cohere"}

    def generate(self, prompt: str, settings: Settings, options: Settings, request: ModuleRequest,
                 images: Sequence[str] = ()) -> Generated:
        params = merged(settings, options)
        body: dict[str, Any] = {"model": params.get("model") or DEFAULT_MODEL,
                                "messages": [{"role": "user", "content": prompt}]}
        body.update({wire: params[key] for key, wire in _BODY_FIELDS.items() if params.get(key) is not None})
        headers = {"Authorization": f"Bearer {api_key(request, 'X-Cohere-Api-Key', 'COHERE_APIKEY')}"}
        url = base_url(request, "X-Cohere-Baseurl", params.get("baseURL"), DEFAULT_BASE_URL) + "/v2/chat"
        reply = post_json(url, body, headers, lambda status, got: status_error(
            "connection to Cohere API", error_message(got, "message"), status), "Cohere API")
        parts = (reply.get("message") or {}).get("content") or []
        text = "".join(part.get("text", "") for part in parts if part.get("type") == "text")
        usage = reply.get("usage")
        return Generated(text, dict(usage) if isinstance(usage, dict) else None)
