"""text2vec-openai (and its Azure flavour): POST {baseURL}/v1/embeddings, as Weaviate's module sends it
(modules/text2vec-openai: clients/openai.go, ent/class_settings.go). Any OpenAI-compatible embedding server works
through `baseURL` (class config) or the X-Openai-Baseurl header."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..entities.errors import InvalidInput, UpstreamFailure
from .capabilities import ModuleRequest, Settings
from .upstream import Refusal, api_key, base_url, post_json

DEFAULT_BASE_URL = "https://api.openai.com"
DEFAULT_MODEL = "text-embedding-3-small"
DEFAULT_ENDPOINT = "/v1/embeddings"
_DEFAULT_DIMENSIONS = {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072}
_LEGACY_MODELS = {"ada": "text-embedding-ada-002"}
_AZURE_API_VERSION = "2024-02-01"
_MAX_INPUTS = 2048          # OpenAI's limit of inputs per embeddings request


class OpenAIVectorizer:
    name = "text2vec-openai"

    def meta(self) -> dict[str, Any]:
        return {"documentationHref": "https://platform.openai.com/docs/guides/embeddings/what-are-embeddings",
                "name": "OpenAI Module"}

    def class_defaults(self) -> dict[str, Any]:
        return {"vectorizeClassName": True, "baseURL": DEFAULT_BASE_URL, "model": DEFAULT_MODEL}

    def property_defaults(self) -> dict[str, Any]:
        return {"skip": False, "vectorizePropertyName": False}

    def validate(self, settings: Settings) -> None:
        if settings.get("type", "text") not in ("text", "code"):
            raise InvalidInput("wrong OpenAI type name, available model names are: [text code]")
        dims = settings.get("dimensions")
        if dims is not None and (not isinstance(dims, int) or isinstance(dims, bool) or dims <= 0):
            raise InvalidInput("dimensions needs to be a positive integer")
        if settings.get("isAzure") and not (settings.get("resourceName") and settings.get("deploymentId")):
            raise InvalidInput("both resourceName and deploymentId must be provided")

    def vectorize(self, texts: Sequence[str], settings: Settings, request: ModuleRequest, *, query: bool
                  ) -> np.ndarray:
        """One POST per 2048 texts; rows in the order of `texts`."""
        url, headers = self._endpoint(settings, request)
        rows: list[list[float]] = []
        for start in range(0, len(texts), _MAX_INPUTS):
            rows.extend(self._post(request, url, headers, _body(list(texts[start:start + _MAX_INPUTS]), settings),
                                   bool(settings.get("isAzure"))))
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), -1)

    def _endpoint(self, settings: Settings, request: ModuleRequest) -> tuple[str, dict[str, str]]:
        """The URL and the auth headers: the header base URL wins over the class's, as in Weaviate."""
        base = base_url(request, "x-openai-baseurl", settings.get("baseURL"), DEFAULT_BASE_URL)
        if settings.get("isAzure"):
            key = api_key(request, "X-Azure-Api-Key", "AZURE_APIKEY", "API Key")
            if base == DEFAULT_BASE_URL:
                base = f"https://{settings.get('resourceName')}.openai.azure.com"
            version = settings.get("apiVersion") or _AZURE_API_VERSION
            return (f"{base}/openai/deployments/{settings.get('deploymentId')}/embeddings?api-version={version}",
                    {"api-key": key})
        headers = {"Authorization": f"Bearer {api_key(request, 'X-Openai-Api-Key', 'OPENAI_APIKEY', 'API Key')}"}
        if organization := request.header("x-openai-organization"):
            headers["OpenAI-Organization"] = organization
        return f"{base}{settings.get('endpoint') or DEFAULT_ENDPOINT}", headers

    def _post(self, request: ModuleRequest, url: str, headers: dict[str, str], body: dict[str, Any], azure: bool
              ) -> list[list[float]]:
        payload = post_json(request, url, body, headers, _AZURE_WORDING if azure else _OPENAI_WORDING,
                            failed=lambda got: not isinstance(got, dict) or "data" not in got)
        data = sorted(payload["data"], key=lambda item: item.get("index", 0))
        if len(data) != len(body["input"]):
            raise UpstreamFailure(f"OpenAI API returned {len(data)} embeddings for {len(body['input'])} inputs")
        return [item["embedding"] for item in data]


def _body(texts: list[str], settings: Settings) -> dict[str, Any]:
    """`dimensions` goes only with text-embedding-3 models (Weaviate: every other model has a model version and
    is sent without it); a legacy short name becomes its full model name."""
    model = str(settings.get("model") or DEFAULT_MODEL)
    model = _LEGACY_MODELS.get(model, model)
    body: dict[str, Any] = {"input": texts, "model": model}
    if model.startswith("text-embedding-3"):
        dims = settings.get("dimensions") or (None if settings.get("isAzure") else _DEFAULT_DIMENSIONS.get(model))
        if dims:
            body["dimensions"] = dims
    return body


def _wording(endpoint: str) -> Callable[[Refusal], str]:
    """Weaviate's wording: "connection to: OpenAI API failed with status: 401 request-id: <id> error: <the
    provider's message>", and the wait a 429 asked for."""
    def wording(refusal: Refusal) -> str:
        text = f"connection to: {endpoint} failed with status: {refusal.status}"
        if request_id := refusal.headers.get("x-request-id"):
            text += f" request-id: {request_id}"
        body = refusal.body
        error = body.get("error") if isinstance(body, dict) else None
        message = error.get("message") if isinstance(error, dict) else error if isinstance(error, str) else None
        if message is None and refusal.status != 200:
            message = refusal.text[:500] or None
        if message:
            text += f" error: {message}"
        if retry_after := refusal.headers.get("retry-after"):
            text += f" (retry after {retry_after}s)"
        return text
    return wording


_OPENAI_WORDING = _wording("OpenAI API")
_AZURE_WORDING = _wording("Azure OpenAI API")
