"""Google embeddings: AI Studio (https://ai.google.dev/api/embeddings#method:-models.batchembedcontents)
POST /v1/models/{model}:batchEmbedContents with x-goog-api-key, and Vertex AI
(https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api)
POST /v1/projects/{p}/locations/{l}/publishers/google/models/{m}:predict with a Bearer token."""
from __future__ import annotations

import re
from typing import Any

from .base import DIMS, FakeProvider, embed

STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL"}
KEY = "goog-test"
TASKS = {None, "RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT", "SEMANTIC_SIMILARITY", "CLASSIFICATION", "CLUSTERING"}


def error_body(message: str, code: int = 401) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": STATUS.get(code, "UNKNOWN")}}


def _task(item: dict[str, Any]) -> Any:
    return item.get("task_type", item.get("taskType"))


def _studio(path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
    if headers.get("x-goog-api-key") != KEY:
        return 401, error_body("API key not valid. Please pass a valid API key.")
    model = re.fullmatch(r"/v1(?:beta)?/models/(.+):batchEmbedContents", path).group(1)  # type: ignore[union-attr]
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests or len(requests) > 100:
        return 400, error_body("requests must hold 1 to 100 requests", 400)
    vectors = []
    for one in requests:
        parts = one.get("content", {}).get("parts") or []
        if one.get("model") != f"models/{model}" or len(parts) != 1 or _task(one) not in TASKS:
            return 400, error_body("each request names this model, one text part and a known task type", 400)
        vectors.append({"values": embed(parts[0]["text"], int(one.get("outputDimensionality") or DIMS))})
    return 200, {"embeddings": vectors}


def _vertex(path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
    if headers.get("authorization") != f"Bearer {KEY}":
        return 401, error_body("Request had invalid authentication credentials.")
    model = path.rsplit("/", 1)[1].removesuffix(":predict")
    instances = body.get("instances")
    limit = 5 if "gecko" in model else 250
    if not isinstance(instances, list) or not instances or len(instances) > limit:
        return 400, error_body(f"instances must hold 1 to {limit} items", 400)
    if any("content" not in i or _task(i) not in TASKS for i in instances):
        return 400, error_body("each instance needs content and a known task_type", 400)
    dims = int((body.get("parameters") or {}).get("outputDimensionality") or DIMS)
    return 200, {"predictions": [{"embeddings": {"values": embed(i["content"], dims),
                                                 "statistics": {"truncated": False, "token_count": 1}}}
                                 for i in instances]}


def serve() -> FakeProvider:
    """AI Studio takes the key in x-goog-api-key, Vertex a Bearer token: each route refuses the other's way."""
    routes = {r"/v1(?:beta)?/models/[^/]+:batchEmbedContents": _studio,
              r"/v1/projects/[^/]+/locations/[^/]+/publishers/google/models/[^/]+:predict": _vertex}
    return FakeProvider(routes, error_body)
