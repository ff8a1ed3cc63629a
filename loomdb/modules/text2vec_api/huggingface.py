"""text2vec-huggingface: the Inference API's feature-extraction pipeline or a dedicated endpoint
(S modules/text2vec-huggingface/clients/huggingface.go, ent/class_settings.go). The key is optional, as there."""
from __future__ import annotations

from typing import Any

import numpy as np

from loomdb.entities.errors import InvalidInput, UpstreamFailure
from loomdb.modules.capabilities import ModuleRequest, Settings
from loomdb.modules.upstream import Refusal, post_json

from .common import ApiVectorizer, setting

DEFAULT_MODEL = "sentence-transformers/msmarco-bert-base-dot-v5"
ROUTER = "https://router.huggingface.co/hf-inference/models"
OPTIONS = (("waitForModel", "wait_for_model", False), ("useGPU", "use_gpu", False), ("useCache", "use_cache", True))


def _wording(refusal: Refusal) -> str:
    status, body = refusal.status, refusal.body
    message = f"failed with status: {status}"
    if isinstance(body, dict) and body.get("error"):
        message += f" error: {body['error']}"
        if body.get("estimated_time") is not None:
            message += f" estimated time: {body['estimated_time']}"
        if body.get("warnings"):
            message += f" warnings: [{' '.join(map(str, body['warnings']))}]"
    return f"connection to HuggingFace {message}" if status == 500 else message


def _vectors(reply: Any) -> list[list[float]]:
    """A list of vectors, {"embeddings": [...]}, or token embeddings per text (mean-pooled, as Weaviate's bert
    decoder does)."""
    if isinstance(reply, dict):
        reply = reply.get("embeddings")
    if not isinstance(reply, list) or not reply:
        raise UpstreamFailure("cannot decode vector: unprocessable response body")
    pooled: list[list[float]] = []
    for item in reply:
        array = np.asarray(item, dtype=np.float32)
        while array.ndim > 1:
            array = array.mean(axis=0)
        pooled.append(array.tolist())
    return pooled


class HuggingFaceVectorizer(ApiVectorizer):
    name = "text2vec-huggingface"
    max_batch = 128
    meta_name = "Hugging Face Module"
    documentation = "https://huggingface.co/docs/api-inference/detailed_parameters#feature-extraction-task"
    defaults = {"vectorizeClassName": True, "model": DEFAULT_MODEL, "waitForModel": False, "useGPU": False,
                "useCache": True}

    def validate(self, settings: Settings) -> None:
        if setting(settings, "endpointUrl", "endpointURL"):
            return      # a dedicated endpoint: the model settings do not apply
        # the written default "model" is the module's own: only a user's passageModel next to a user's model clashes
        model = setting(settings, "model")
        if model not in (None, "", DEFAULT_MODEL) and setting(settings, "passageModel"):
            raise InvalidInput("only one setting must be set either 'model' or 'passageModel'")

    def _url(self, settings: Settings, query: bool) -> str:
        endpoint = setting(settings, "endpointUrl", "endpointURL")
        if endpoint:
            return str(endpoint)
        model = (setting(settings, "queryModel") if query else None) or setting(
            settings, "passageModel", "model", default=DEFAULT_MODEL)
        return f"{ROUTER}/{model}/pipeline/feature-extraction"

    def embed(self, texts: list[str], settings: Settings, request: ModuleRequest, *, query: bool
              ) -> list[list[float]]:
        given = setting(settings, "options", default={})
        options: dict[str, bool] = {}
        for name, wire, default in OPTIONS:
            if bool(setting(given, name, default=setting(settings, name, default=default))):
                options[wire] = True        # Go's omitempty: false options are not sent
        key = request.header("X-Huggingface-Api-Key") or request.env.get("HUGGINGFACE_APIKEY")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        reply = post_json(request, self._url(settings, query), {"inputs": texts, "options": options}, headers, _wording)
        return _vectors(reply)
