"""generative-mistral: POST {baseURL}/v1/chat/completions (Mistral's chat API)."""
from __future__ import annotations

from collections.abc import Sequence

from ..capabilities import Generated, ModuleRequest
from ..upstream import status_wording
from .common import ChatEndpoint, Params, ProviderGenerative, chat_body, usage

DEFAULT_MODEL = "open-mistral-7b"
_CHAT = ChatEndpoint("/v1/chat/completions", "https://api.mistral.ai", "X-Mistral-Baseurl", "X-Mistral-Api-Key",
                     "MISTRAL_APIKEY", status_wording("connection to Mistral API", "message", "detail"))
_BODY_FIELDS = {"maxTokens": "max_tokens", "temperature": "temperature", "topP": "top_p"}


class MistralGenerative(ProviderGenerative):
    name = "generative-mistral"
    meta_name = "Generative Search - Mistral"
    documentation = "https://docs.mistral.ai/api/"

    def complete(self, prompt: str, params: Params, request: ModuleRequest, images: Sequence[str]) -> Generated:
        reply = _CHAT.call(request, params, chat_body(params, DEFAULT_MODEL, _BODY_FIELDS, prompt))
        text = str(reply["choices"][0]["message"].get("content") or "")
        return Generated(text, usage(reply))
