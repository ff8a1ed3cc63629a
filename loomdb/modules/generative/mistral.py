"""generative-mistral: POST {baseURL}/v1/chat/completions (Mistral's chat API)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..capabilities import Generated, ModuleRequest, Settings
from ..upstream import api_key, base_url, error_message, merged, post_json, status_error

DEFAULT_BASE_URL = "https://api.mistral.ai"
DEFAULT_MODEL = "open-mistral-7b"
_BODY_FIELDS = {"maxTokens": "max_tokens", "temperature": "temperature", "topP": "top_p"}


class MistralGenerative:
    name = "generative-mistral"

    def meta(self) -> dict[str, Any]:
        return {"documentationHref": "https://docs.mistral.ai/api/", "name": "Generative Search - Mistral"}

    def generate(self, prompt: str, settings: Settings, options: Settings, request: ModuleRequest,
                 images: Sequence[str] = ()) -> Generated:
        params = merged(settings, options)
        body: dict[str, Any] = {"model": params.get("model") or DEFAULT_MODEL,
                                "messages": [{"role": "user", "content": prompt}]}
        body.update({wire: params[key] for key, wire in _BODY_FIELDS.items() if params.get(key) is not None})
        headers = {"Authorization": f"Bearer {api_key(request, 'X-Mistral-Api-Key', 'MISTRAL_APIKEY')}"}
        url = base_url(request, "X-Mistral-Baseurl", params.get("baseURL"), DEFAULT_BASE_URL) + \
            "/v1/chat/completions"
        reply = post_json(url, body, headers, lambda status, got: status_error(
            "connection to Mistral API", error_message(got, "message") or error_message(got, "detail"), status),
            "Mistral API")
        text = str(reply["choices"][0]["message"].get("content") or "")
        usage = reply.get("usage")
        return Generated(text, {"usage": usage} if isinstance(usage, dict) else None)
