"""What every API vectorizer shares: settings lookup and batching within the provider's per-call limit (keys, base
URLs, the HTTP call and error wording are ../upstream.py's, shared with the other modules)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from loomdb.entities.errors import UpstreamFailure
from loomdb.modules.capabilities import ModuleRequest, Settings


def setting(settings: Settings, *names: str, default: Any = None) -> Any:
    """The first of `names` present (and not None) in the module's settings, else `default`."""
    for name in names:
        value = settings.get(name)
        if value is not None:
            return value
    return default


def in_batches(texts: Sequence[str], limit: int, embed: Callable[[list[str]], list[list[float]]]) -> np.ndarray:
    """Embed `texts` in calls of at most `limit` texts, rows in the texts' order; a reply with the wrong number of
    rows is the provider's fault, said so rather than stored under the wrong objects."""
    rows: list[list[float]] = []
    for start in range(0, len(texts), limit):
        chunk = list(texts[start:start + limit])
        vectors = embed(chunk)
        if len(vectors) != len(chunk):
            raise UpstreamFailure(f"provider returned {len(vectors)} embeddings for {len(chunk)} texts")
        rows.extend(vectors)
    if not rows:
        return np.zeros((0, 0), dtype=np.float32)
    return np.asarray(rows, dtype=np.float32)


class ApiVectorizer:
    """Base of the API vectorizers: Weaviate's text2vec property defaults, meta, and vectorize() split into calls
    of `max_batch` texts. A subclass sets its class attributes and implements `embed`."""
    name: str = ""
    max_batch: int = 96
    meta_name: str = ""
    documentation: str = ""
    defaults: dict[str, Any] = {}

    def meta(self) -> dict[str, Any]:
        return {"name": self.meta_name, "documentationHref": self.documentation}

    def class_defaults(self) -> dict[str, Any]:
        return dict(self.defaults)

    def property_defaults(self) -> dict[str, Any]:
        return {"skip": False, "vectorizePropertyName": False}

    def validate(self, settings: Settings) -> None:
        """Most providers accept any model name since Weaviate 1.25; subclasses refuse what Weaviate refuses."""

    def batch_limit(self, settings: Settings) -> int:
        return self.max_batch

    def vectorize(self, texts: Sequence[str], settings: Settings, request: ModuleRequest, *, query: bool
                  ) -> np.ndarray:
        return in_batches(texts, self.batch_limit(settings), lambda chunk: self.embed(chunk, settings, request,
                                                                                        query=query))

    def embed(self, texts: list[str], settings: Settings, request: ModuleRequest, *, query: bool
              ) -> list[list[float]]:
        """One provider call for at most `batch_limit` texts: one vector per text, in order."""
        raise NotImplementedError
