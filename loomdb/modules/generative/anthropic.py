"""generative-anthropic: POST {baseURL}/v1/messages (Anthropic's Messages API)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..capabilities import Generated, ModuleRequest, Settings
from ..upstream import api_key, base_url, error_message, merged, post_json, status_error

DEFAULT_BASE_URL = "https://api.anthropic.com"
DEFAULT_MODEL = "claude-3-5-sonnet-20240620"
DEFAULT_MAX_TOKENS = 4096
API_VERSION = "2023-06-01"
_BODY_FIELDS = {"temperature": "temperature", "topK": "top_k", "topP": "top_p", "stopSequences": "stop_sequences"}


class AnthropicGenerative:
    name = "generative-anthropic"

    def meta(self) -> dict[str, Any]:
        return {"documentationHref": "https://docs.anthropic.com/en/api/getting-started",
                "name": "Generative Search - Anthropic"}

    def generate(self, prompt: str, settings: Settings, options: Settings, request: ModuleRequest,
                 images: Sequence[str] = ()) -> Generated:
        params = merged(settings, options)
        content: list[dict[str, Any]] = [{"type": "text", "text": prompt}]
        content += [{"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": image}}
                    for image in images]
        body: dict[str, Any] = {"model": params.get("model") or DEFAULT_MODEL,
                                "max_tokens": int(params.get("maxTokens") or DEFAULT_MAX_TOKENS),
                                "messages": [{"role": "user", "content": content}]}
        body.update({wire: params[key] for key, wire in _BODY_FIELDS.items() if params.get(key) is not None})
        headers = {"x-api-key": api_key(request, "X-Anthropic-Api-Key", "ANTHROPIC_APIKEY"),
                   "anthropic-version": API_VERSION}
        url = base_url(request, "X-Anthropic-Baseurl", params.get("baseURL"), DEFAULT_BASE_URL) + "/v1/messages"
        reply = post_json(url, body, headers, lambda status, got: status_error(
            "connection to Anthropic API", error_message(got, "error", "message"), status), "Anthropic API")
        text = "".join(part.get("text", "") for part in reply.get("content") or [] if part.get("type") == "text")
        usage = reply.get("usage")
        return Generated(text, {"usage": usage} if isinstance(usage, dict) else None)
