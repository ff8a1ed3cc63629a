"""generative-anthropic: POST {baseURL}/v1/messages (Anthropic's Messages API)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..capabilities import Generated, ModuleRequest
from ..upstream import status_wording
from .common import ChatEndpoint, Params, ProviderGenerative, chat_body, usage

DEFAULT_MODEL = "claude-3-5-sonnet-20240620"
DEFAULT_MAX_TOKENS = 4096
API_VERSION = "2023-06-01"
_CHAT = ChatEndpoint("/v1/messages", "https://api.anthropic.com", "X-Anthropic-Baseurl", "X-Anthropic-Api-Key",
                     "ANTHROPIC_APIKEY", status_wording("connection to Anthropic API", "error.message"),
                     lambda key: {"x-api-key": key, "anthropic-version": API_VERSION})
_BODY_FIELDS = {"temperature": "temperature", "topK": "top_k", "topP": "top_p", "stopSequences": "stop_sequences"}


class AnthropicGenerative(ProviderGenerative):
    name = "generative-anthropic"
    meta_name = "Generative Search - Anthropic"
    documentation = "https://docs.anthropic.com/en/api/getting-started"

    def complete(self, prompt: str, params: Params, request: ModuleRequest, images: Sequence[str]) -> Generated:
        content: list[dict[str, Any]] = [{"type": "text", "text": prompt}]
        content += [{"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": image}}
                    for image in images]
        body = chat_body(params, DEFAULT_MODEL, _BODY_FIELDS, content)
        body["max_tokens"] = int(params.get("maxTokens") or DEFAULT_MAX_TOKENS)
        reply = _CHAT.call(request, params, body)
        text = "".join(part.get("text", "") for part in reply.get("content") or [] if part.get("type") == "text")
        return Generated(text, usage(reply))
