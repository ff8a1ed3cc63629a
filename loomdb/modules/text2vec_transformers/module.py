"""The local model as Weaviate's `text2vec-transformers` and `text2vec-contextionary` modules.

Weaviate runs both as inference containers; loomdb answers both names with the same in-process all-MiniLM-L6-v2,
so the client's test setup (contextionary as the default vectorizer) and docker-compose files written for the
transformers container work without a container. What differs between the two names is only Weaviate's text rule:
contextionary lower-cases the text it embeds (`lowercase_input`, which the vectorize use case reads), and the class
defaults each writes on create."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...entities.errors import InvalidInput, UpstreamFailure
from ..capabilities import ModuleRequest, Settings
from .model import DIMENSIONS, INSTALL_HINT, MAX_WORD_PIECES, ModelUnavailable, missing_packages, shared_model

TRANSFORMERS = "text2vec-transformers"
CONTEXTIONARY = "text2vec-contextionary"
MODULE_NAMES = (TRANSFORMERS, CONTEXTIONARY)

# what /v1/meta shows: the transformers container answers its model's config (HF AutoConfig) under "model"
_MODEL_META: dict[str, Any] = {
    "_name_or_path": "sentence-transformers/all-MiniLM-L6-v2",
    "architectures": ["BertModel"],
    "model_type": "bert",
    "hidden_size": DIMENSIONS,
    "num_hidden_layers": 6,
    "num_attention_heads": 12,
    "max_position_embeddings": 512,
    "vocab_size": 30522,
    "max_seq_length": MAX_WORD_PIECES,
    "runtime": "loomdb in-process (onnxruntime, int8)",
}


class LocalVectorizer:
    """Weaviate's Vectorizer capability over the shared in-process model."""

    def __init__(self, name: str) -> None:
        if name not in MODULE_NAMES:
            raise ValueError(f"the local model serves {MODULE_NAMES}, not {name!r}")
        self.name = name
        # Weaviate's LowerCaseInput: True only for contextionary (MiniLM is uncased, so the vectors do not change;
        # the rule still decides the text, e.g. what a cased model or a test that reads the text would see)
        self.lowercase_input = name == CONTEXTIONARY

    def meta(self) -> dict[str, Any]:
        return {"model": dict(_MODEL_META)}

    def class_defaults(self) -> dict[str, Any]:
        if self.name == TRANSFORMERS:
            return {"poolingStrategy": "masked_mean", "vectorizeClassName": True}
        return {"vectorizeClassName": True}

    def property_defaults(self) -> dict[str, Any]:
        return {"skip": False, "vectorizePropertyName": False}

    def validate(self, settings: Settings) -> None:
        """A collection that asks for this module is refused at create when the model is not installed, with
        the command that installs it (Weaviate would fail on its first write, with the container unreachable)."""
        missing = missing_packages()
        if missing:
            raise InvalidInput(f"module {self.name!r}: the local model is not installed (missing "
                               f"{', '.join(missing)}); run {INSTALL_HINT}")

    def vectorize(self, texts: Sequence[str], settings: Settings, request: ModuleRequest, *, query: bool
                  ) -> np.ndarray:
        """One model call for all texts; query and passage are embedded alike (MiniLM has no task types).
        An unknown poolingStrategy fails here, not at create, as the container refuses it per request."""
        pooling = settings.get("poolingStrategy") or "masked_mean"
        try:
            return shared_model().embed(texts, pooling, request.stopping)
        except (ModelUnavailable, ValueError) as exc:
            raise UpstreamFailure(f"module {self.name!r}: {exc}") from None


def make_vectorizer(name: str) -> LocalVectorizer:
    """The registry's factory for either module name. Cheap: imports no runtime and loads no model (that
    happens on the first vectorize), and never fails for a missing extra (`validate` says what to install)."""
    return LocalVectorizer(name)
