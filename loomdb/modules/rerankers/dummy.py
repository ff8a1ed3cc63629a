"""reranker-dummy: Weaviate's test module. No network; a document's score is its length in bytes."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..capabilities import ModuleRequest, Settings


class DummyReranker:
    name = "reranker-dummy"

    def meta(self) -> dict[str, Any]:
        return {}

    def rerank(self, query: str, documents: Sequence[str], settings: Settings, request: ModuleRequest
               ) -> list[float]:
        return [float(len(document.encode())) for document in documents]
