"""Ollama's embed API (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings): POST /api/embed
{"model", "input": [...]} -> {"embeddings": [[...]]}; no key."""
from __future__ import annotations

from typing import Any

from .base import FakeProvider, embed

MODELS = {"nomic-embed-text", "all-minilm"}


def error_body(message: str) -> dict[str, Any]:
    return {"error": message}


def _embed(path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
    model, texts = body.get("model"), body.get("input")
    if model not in MODELS:
        return 404, error_body(f'model "{model}" not found, try pulling it first')
    if isinstance(texts, str):
        texts = [texts]
    if not isinstance(texts, list):
        return 400, error_body("invalid input type")
    return 200, {"model": model, "embeddings": [embed(t) for t in texts], "total_duration": 1, "prompt_eval_count": 1}


def serve() -> FakeProvider:
    return FakeProvider({"/api/embed": _embed}, error_body)
