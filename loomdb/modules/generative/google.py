"""generative-google: generateContent on Google AI Studio (apiEndpoint generativelanguage.googleapis.com) or
Vertex AI (any other apiEndpoint, with projectId and region)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..capabilities import Generated, ModuleRequest, Settings
from ..upstream import api_key, error_message, merged, post_json, status_error

DEFAULT_ENDPOINT = "us-central1-aiplatform.googleapis.com"
STUDIO_ENDPOINT = "generativelanguage.googleapis.com"
DEFAULT_MODEL = "gemini-2.0-flash-001"
DEFAULT_REGION = "us-central1"
_KEY_HEADERS = ("X-Goog-Api-Key", "X-Goog-Vertex-Api-Key", "X-Goog-Studio-Api-Key", "X-Palm-Api-Key")
_CONFIG_FIELDS = {"temperature": "temperature", "topP": "topP", "topK": "topK", "maxTokens": "maxOutputTokens",
                  "stopSequences": "stopSequences", "presencePenalty": "presencePenalty",
                  "frequencyPenalty": "frequencyPenalty"}


class GoogleGenerative:
    name = "generative-google"

    def meta(self) -> dict[str, Any]:
        return {"documentationHref": "https://cloud.google.com/vertex-ai/docs/generative-ai/chat/test-chat-prompts",
                "name": "Generative Search - Google"}

    def generate(self, prompt: str, settings: Settings, options: Settings, request: ModuleRequest,
                 images: Sequence[str] = ()) -> Generated:
        params = merged(settings, options)
        endpoint = str(params.get("apiEndpoint") or DEFAULT_ENDPOINT).rstrip("/")
        scheme = "" if "://" in endpoint else "https://"
        model = params.get("model") or params.get("modelId") or DEFAULT_MODEL
        parts: list[dict[str, Any]] = [{"text": prompt}]
        parts += [{"inlineData": {"mimeType": "image/jpeg", "data": image}} for image in images]
        body: dict[str, Any] = {"contents": [{"role": "user", "parts": parts}]}
        config = {wire: params[key] for key, wire in _CONFIG_FIELDS.items() if params.get(key) is not None}
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
        reply = post_json(url, body, headers, lambda status, got: status_error(
            "connection to Google", error_message(got, "error", "message"), status), "Google API")
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
