"""Ollama's generate API (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion), non-
streaming: POST /api/generate {"model", "prompt", "stream": false, "options"} -> {"model", "created_at",
"response", "done"}; an unknown model is 404 {"error": "model \"<m>\" not found, try pulling it first"}."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .stub import JsonServer


def ollama_server(models: tuple[str, ...] = ("llama3",)) -> JsonServer:
    def generate(body: Any, headers: Mapping[str, str]) -> tuple[int, Any]:
        if body.get("model") not in models:
            return 404, {"error": f'model "{body.get("model")}" not found, try pulling it first'}
        temperature = (body.get("options") or {}).get("temperature")
        return 200, {"model": body["model"], "created_at": "2026-12-03T00:00:00Z", "done": True,
                     "response": f"ollama({body['model']}, t={temperature}): {body['prompt']}"}
    return JsonServer({"/api/generate": generate})
