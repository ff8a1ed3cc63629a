"""generative-google: generateContent on Google AI Studio (apiEndpoint generativelanguage.googleapis.com) or
Vertex AI (any other apiEndpoint, with projectId and region)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..capabilities import Generated, ModuleRequest
from ..upstream import api_key, post_json, status_wording
from .common import Params, ProviderGenerative, renamed

DEFAULT_ENDPOINT = "us-central1-aiplatform.googleapis.com"
STUDIO_ENDPOINT = "generativelanguage.googleapis.com"
DEFAULT_MODEL = "gemini-2.0-flash-001"
DEFAULT_REGION = "us-central1"
_KEY_HEADERS = ("X-Goog-Api-Key", "X-Goog-Vertex-Api-Key", "X-Goog-Studio-Api-Key", "X-Palm-Api-Key")
_WORDING = status_wording("connection to Google", "error.message")
_CONFIG_FIELDS = {"temperature": "temperature", "topP": "topP", "topK": "topK", "maxTokens": "maxOutputTokens",
                  "stopSequences": "stopSequences", "presencePenalty": "presencePenalty",
                  "frequencyPenalty": "frequencyPenalty"}


class GoogleGenerative(ProviderGenerative):
    name = "generative-google"
    meta_name = "Generative Search - Google"
    documentation = "https://cloud.google.com/vertex-ai/docs/generative-ai/chat/test-chat-prompts"

    def complete(self, prompt: str, params: Params, request: ModuleRequest, images: Sequence[str]) -> Generated:
        endpoint = str(params.get("apiEndpoint") or DEFAULT_ENDPOINT).rstrip("/")
        scheme = "" if "://" in endpoint else "https://"
        model = params.get("model") or params.get("modelId") or DEFAULT_MODEL
        parts: list[dict[str, Any]] = [{"text": prompt}]
        parts += [{"inlineData": {"mimeType": "image/jpeg", "data": image}} for image in images]
        body: dict[str, Any] = {"contents": [{"role": "user", "parts": parts}]}
        config = renamed(params, _CONFIG_FIELDS)
        if config:
            body["generationConfig"] = config
        key = _key(request)
        if endpoint.endswith(STUDIO_ENDPOINT):
            url = f"{scheme}{endpoint}/v1beta/models/{model}:generateContent"
            headers = {"x-goog-api-key": key}
        else:
            region = params.get("region") or params.get("location") or DEFAULT_REGION
            url = (f"{scheme}{endpoint}/v1/projects/{params.get('projectId', '')}/locations/{region}"
                   f"/publishers/google/models/{model}:generateContent")
            headers = {"Authorization": f"Bearer {key}"}
        reply = post_json(request, url, body, headers, _WORDING)
        candidates = reply.get("candidates") or [{}]
        text = "".join(p.get("text", "") for p in (candidates[0].get("content") or {}).get("parts") or [])
        usage = reply.get("usageMetadata")
        return Generated(text, {"usage_metadata": {"prompt_token_count": usage.get("promptTokenCount"),
                                                   "candidates_token_count": usage.get("candidatesTokenCount"),
                                                   "total_token_count": usage.get("totalTokenCount")}}
                         if isinstance(usage, dict) else None)


def _key(request: ModuleRequest) -> str:
    """Google's key from any of Weaviate's header names, else GOOGLE_APIKEY / PALM_APIKEY."""
    for header in _KEY_HEADERS:
        if request.header(header):
            return str(request.header(header))
    return request.env.get("GOOGLE_APIKEY") or api_key(request, "X-Goog-Api-Key", "PALM_APIKEY")
