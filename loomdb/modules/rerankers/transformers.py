"""reranker-transformers: Weaviate runs a cross-encoder container; no cross-encoder model ships in a PyPI package
(modules-facts §0), so loomdb cannot run one offline and says so instead of reranking wrongly."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...entities.errors import Unsupported
from ..capabilities import ModuleRequest, Settings

NOT_AVAILABLE = ("module reranker-transformers is not available in loomdb: no packaged cross-encoder model "
                 "exists to run offline; use reranker-cohere, reranker-voyageai or reranker-jinaai")


class TransformersReranker:
    name = "reranker-transformers"

    def meta(self) -> dict[str, Any]:
        return {}

    def rerank(self, query: str, documents: Sequence[str], settings: Settings, request: ModuleRequest
               ) -> list[float]:
        raise Unsupported(NOT_AVAILABLE)
