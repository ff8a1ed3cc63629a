"""Ollama's API (https://github.com/ollama/ollama/blob/main/docs/api.md), no key: embed, POST /api/embed
{"model", "input": [...]} -> {"embeddings": [[...]]}; generate (non-streaming), POST /api/generate {"model",
"prompt", "stream": false, "options"} -> {"model", "created_at", "response", "done"}. An unknown model is 404
{"error": "model \"<m>\" not found, try pulling it first"}."""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from .base import FakeProvider, embed

MODELS = {"nomic-embed-text", "all-minilm"}
CHAT_MODELS = ("llama3",)


def error_body(message: str) -> dict[str, Any]:
    return {"error": message}


def _embed(path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
    model, texts = body.get("model"), body.get("input")
    if model not in MODELS:
        return _unknown(model)
    if isinstance(texts, str):
        texts = [texts]
    if not isinstance(texts, list):
        return 400, error_body("invalid input type")
    return 200, {"model": model, "embeddings": [embed(t) for t in texts], "total_duration": 1, "prompt_eval_count": 1}


def _unknown(model: Any) -> tuple[int, Any]:
    return 404, error_body(f'model "{model}" not found, try pulling it first')


def serve(chat_models: Collection[str] = CHAT_MODELS) -> FakeProvider:
    """`chat_models` are the models /api/generate knows; its reply names the model, the temperature and the
    prompt: "ollama(<model>, t=<temperature>): <prompt>"."""
    def generate(path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        if body.get("model") not in chat_models:
            return _unknown(body.get("model"))
        temperature = (body.get("options") or {}).get("temperature")
        return 200, {"model": body["model"], "created_at": "2026-12-03T00:00:00Z", "done": True,
                     "response": f"ollama({body['model']}, t={temperature}): {body['prompt']}"}
    return FakeProvider({"/api/embed": _embed, "/api/generate": generate}, error_body)
