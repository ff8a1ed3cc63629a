"""generative-cohere: POST {baseURL}/v2/chat (Cohere's Chat API v2)."""
from __future__ import annotations

from collections.abc import Sequence

from ..capabilities import Generated, ModuleRequest
from ..upstream import status_wording
from .common import ChatEndpoint, Params, ProviderGenerative, chat_body

DEFAULT_MODEL = "command-r-plus"
_CHAT = ChatEndpoint("/v2/chat", "https://api.cohere.ai", "X-Cohere-Baseurl", "X-Cohere-Api-Key", "COHERE_APIKEY",
                     status_wording("connection to Cohere API", "message"))
_BODY_FIELDS = {"maxTokens": "max_tokens", "temperature": "temperature", "k": "k", "p": "p",
                "stopSequences": "stop_sequences", "frequencyPenalty": "frequency_penalty",
                "presencePenalty": "presence_penalty"}


class CohereGenerative(ProviderGenerative):
    name = "generative-cohere"
    meta_name = "Generative Search - Cohere"
    documentation = "https://docs.cohere.com/reference/chat"

    def complete(self, prompt: str, params: Params, request: ModuleRequest, images: Sequence[str]) -> Generated:
        reply = _CHAT.call(request, params, chat_body(params, DEFAULT_MODEL, _BODY_FIELDS, prompt))
        parts = (reply.get("message") or {}).get("content") or []
        text = "".join(part.get("text", "") for part in parts if part.get("type") == "text")
        usage = reply.get("usage")
        return Generated(text, dict(usage) if isinstance(usage, dict) else None)
