"""Hugging Face Inference feature-extraction (https://huggingface.co/docs/inference-providers/tasks/feature-extraction):
POST .../pipeline/feature-extraction or a dedicated endpoint, {"inputs": [...], "options": {...}} -> [[...], ...].
The key is checked only when the server is given one."""
from __future__ import annotations

from typing import Any

from .base import FakeProvider, bearer, embed

OPTIONS = {"wait_for_model", "use_gpu", "use_cache"}


def error_body(message: str) -> dict[str, Any]:
    return {"error": message}


def _features(path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
    inputs, options = body.get("inputs"), body.get("options") or {}
    if not isinstance(inputs, list) or not all(isinstance(t, str) for t in inputs):
        return 400, error_body("inputs must be a list of strings")
    if set(options) - OPTIONS:
        return 400, error_body(f"unknown options {sorted(set(options) - OPTIONS)}")
    if path.endswith("/tokens"):        # a model without pooling answers token embeddings per text
        return 200, [[embed(t), embed(t.upper() + " extra")] for t in inputs]
    return 200, [embed(t) for t in inputs]


def serve(key: str | None = None) -> FakeProvider:
    return FakeProvider({r"/.*": _features}, error_body, bearer(key) if key else None)
