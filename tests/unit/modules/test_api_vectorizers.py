"""The API vectorizers over real HTTP against the provider stand-ins in tests/servers: request shape, order,
batching, query vs document input, keys from headers and environment, and the provider's errors in Weaviate's
words (401 text, 429 retried after Retry-After, 5xx retried once)."""
from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from loomdb.entities.errors import InvalidInput, UpstreamFailure
from loomdb.modules.capabilities import ModuleRequest, Vectorizer
from loomdb.modules.text2vec_api import VECTORIZERS
from loomdb.modules.text2vec_api.cohere import CohereVectorizer
from loomdb.modules.text2vec_api.google import GoogleVectorizer
from loomdb.modules.upstream import DEFAULT_POLICY
from servers import cohere, google, huggingface, jinaai, mistral, ollama, voyageai
from servers.base import DIMS, FakeProvider, embed

TEXTS = ["fast red cars", "slow blue trucks", "fast cars on the road"]


@dataclass(frozen=True)
class Spec:
    """How to point one module at its stand-in: settings for the server's URL, the key header / env name / a
    key the server accepts (None: the provider takes no key), and Weaviate's provider label in errors."""
    module: str
    serve: Callable[[], FakeProvider]
    settings: Callable[[str], dict[str, Any]]
    header: str | None
    env: str | None
    key: str | None
    refusal: str          # the start of the message a 401 becomes


SPECS = [
    Spec("text2vec-cohere", cohere.serve, lambda url: {"baseUrl": url + "/", "model": "embed-multilingual-v3.0",
                                                       "truncate": "END"},
         "X-Cohere-Api-Key", "COHERE_APIKEY", "co-test", "connection to Cohere failed with status: 401 error: "),
    Spec("text2vec-voyageai", voyageai.serve, lambda url: {"baseURL": url + "/v1", "model": "voyage-3"},
         "X-VoyageAI-Api-Key", "VOYAGEAI_APIKEY", "voyage-test",
         "connection to VoyageAI failed with status: 401 error: "),
    Spec("text2vec-jinaai", jinaai.serve, lambda url: {"baseURL": url, "model": "jina-embeddings-v3"},
         "X-Jinaai-Api-Key", "JINAAI_APIKEY", "jina-test", "connection to JinaAI API failed with status: 401 error: "),
    Spec("text2vec-mistral", mistral.serve, lambda url: {"baseURL": url, "model": "mistral-embed"},
         "X-Mistral-Api-Key", "MISTRAL_APIKEY", "mistral-test",
         "connection to Mistral failed with status: 401 error: "),
    Spec("text2vec-google", google.serve, lambda url: {"apiEndpoint": url, "projectId": "proj",
                                                       "modelId": "text-embedding-005"},
         "X-Goog-Vertex-Api-Key", "GOOGLE_APIKEY", google.KEY, "connection to Google failed with status: 401 error: "),
    Spec("text2vec-huggingface", lambda: huggingface.serve("hf-test"),
         lambda url: {"endpointURL": url + "/embed"}, "X-Huggingface-Api-Key", "HUGGINGFACE_APIKEY", "hf-test",
         "failed with status: 401 error: "),
    Spec("text2vec-ollama", ollama.serve, lambda url: {"apiEndpoint": url, "model": "nomic-embed-text"},
         None, None, None, ""),
]
KEYED = [s for s in SPECS if s.key is not None]


def _ids(spec: Spec) -> str:
    return spec.module


@pytest.fixture(params=SPECS, ids=_ids)
def spec(request: pytest.FixtureRequest) -> Spec:
    return request.param


@pytest.fixture(params=KEYED, ids=_ids)
def keyed(request: pytest.FixtureRequest) -> Spec:
    return request.param


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[FakeProvider]:
    chosen = request.getfixturevalue("spec") if "spec" in request.fixturenames else request.getfixturevalue("keyed")
    provider = chosen.serve()
    yield provider
    provider.close()


def _request(spec: Spec, key: str | None = None, **extra: str) -> ModuleRequest:
    headers = {k.lower(): v for k, v in extra.items()}
    if spec.header and (key or spec.key):
        headers[spec.header.lower()] = key or spec.key or ""
    return ModuleRequest(headers=headers)


def _vectorize(spec: Spec, server: FakeProvider, texts: list[str], *, query: bool = False,
               request: ModuleRequest | None = None, **settings: Any) -> np.ndarray:
    module = VECTORIZERS[spec.module]()
    return module.vectorize(texts, {**spec.settings(server.url), **settings}, request or _request(spec), query=query)


def test_every_module_is_in_the_factory_table_under_its_weaviate_name() -> None:
    assert sorted(VECTORIZERS) == sorted(s.module for s in SPECS)
    for name, factory in VECTORIZERS.items():
        module: Vectorizer = factory()
        assert module.name == name
        assert set(module.meta()) == {"name", "documentationHref"}
        assert module.property_defaults() == {"skip": False, "vectorizePropertyName": False}


def test_vectors_come_back_one_per_text_in_order(spec: Spec, server: FakeProvider) -> None:
    vectors = _vectorize(spec, server, TEXTS)
    assert vectors.dtype == np.float32 and vectors.shape == (3, DIMS)
    np.testing.assert_allclose(vectors, np.array([embed(t) for t in TEXTS]), atol=1e-6)
    # similar texts, similar vectors: the stand-in's bag of words reaches the caller intact
    assert vectors[0] @ vectors[2] > vectors[0] @ vectors[1]
    assert len(server.requests) == 1


def test_no_texts_no_call(spec: Spec, server: FakeProvider) -> None:
    assert _vectorize(spec, server, []).shape[0] == 0
    assert server.requests == []


def test_header_key_is_sent_and_env_key_is_the_fallback(keyed: Spec, server: FakeProvider) -> None:
    env_only = ModuleRequest(env={keyed.env or "": keyed.key or ""})
    assert _vectorize(keyed, server, TEXTS[:1], request=env_only).shape == (1, DIMS)
    # a header beats the environment: a wrong header key is refused although the env key is right
    both = ModuleRequest(headers={(keyed.header or "").lower(): "wrong"}, env={keyed.env or "": keyed.key or ""})
    with pytest.raises(UpstreamFailure) as err:
        _vectorize(keyed, server, TEXTS[:1], request=both)
    assert err.value.message == keyed.refusal + _refusal_text(keyed)


def _refusal_text(spec: Spec) -> str:
    """What the stand-in says to a wrong key (the Vertex stand-in words it as Google does)."""
    google = spec.module == "text2vec-google"
    return "Request had invalid authentication credentials." if google else "invalid api token"


@pytest.mark.parametrize("spec_", [s for s in KEYED if s.module != "text2vec-huggingface"], ids=_ids)
def test_missing_key_is_weavates_text_and_nothing_is_sent(spec_: Spec) -> None:
    provider = spec_.serve()
    try:
        with pytest.raises(UpstreamFailure) as err:
            _vectorize(spec_, provider, TEXTS, request=ModuleRequest())
        assert provider.requests == []
    finally:
        provider.close()
    expected = {
        "text2vec-cohere": "Cohere API Key: no api key found neither in request header: X-Cohere-Api-Key nor in "
                           "environment variable under COHERE_APIKEY",
        "text2vec-voyageai": "VoyageAI API Key: no api key found neither in request header: X-VoyageAI-Api-Key "
                             "nor in environment variable under VOYAGEAI_APIKEY",
        "text2vec-jinaai": "API Key: no api key found neither in request header: X-Jinaai-Api-Key nor in "
                           "environment variable under JINAAI_APIKEY",
        "text2vec-mistral": "Mistral API Key: no api key found neither in request header: X-Mistral-Api-Key nor "
                            "in environment variable under MISTRAL_APIKEY",
        "text2vec-google": "Google API Key: no api key found neither in request header: X-Palm-Api-Key or "
                           "X-Google-Api-Key or X-Google-Vertex-Api-Key or X-Google-Studio-Api-Key nor in "
                           "environment variable under PALM_APIKEY or GOOGLE_APIKEY",
    }
    assert err.value.message == expected[spec_.module]


def test_huggingface_sends_no_authorization_without_a_key() -> None:
    provider = huggingface.serve()          # a public endpoint: no key checked
    try:
        module = VECTORIZERS["text2vec-huggingface"]()
        module.vectorize(TEXTS, {"endpointURL": provider.url + "/embed"}, ModuleRequest(), query=False)
        assert "authorization" not in provider.requests[0].headers
        assert provider.bodies() == [{"inputs": TEXTS, "options": {"use_cache": True}}]
    finally:
        provider.close()


def test_provider_refusal_text_reaches_the_message(keyed: Spec, server: FakeProvider) -> None:
    with pytest.raises(UpstreamFailure) as err:
        _vectorize(keyed, server, TEXTS, request=_request(keyed, key="wrong"))
    assert err.value.message == keyed.refusal + _refusal_text(keyed)


def test_rate_limit_waits_for_retry_after_then_succeeds(spec: Spec, server: FakeProvider) -> None:
    server.fail_next(429, "slow down", retry_after="1")
    started = time.monotonic()
    vectors = _vectorize(spec, server, TEXTS)
    assert time.monotonic() - started >= 0.9
    assert vectors.shape == (3, DIMS) and len(server.requests) == 2


def test_rate_limit_longer_than_the_bound_is_not_waited_for(spec: Spec, server: FakeProvider) -> None:
    server.fail_next(429, "quota exhausted", retry_after=str(int(DEFAULT_POLICY.max_retry_after) + 50))
    started = time.monotonic()
    with pytest.raises(UpstreamFailure) as err:
        _vectorize(spec, server, TEXTS)
    assert time.monotonic() - started < 2 and len(server.requests) == 1
    assert "quota exhausted" in err.value.message
    assert _names_status(spec, err.value.message, 429)


def test_server_error_is_retried_once(spec: Spec, server: FakeProvider) -> None:
    server.fail_next(500, "upstream hiccup")
    assert _vectorize(spec, server, TEXTS).shape == (3, DIMS)
    assert len(server.requests) == 2
    server.fail_next(503, "still down", times=2)
    with pytest.raises(UpstreamFailure) as err:
        _vectorize(spec, server, TEXTS)
    assert "still down" in err.value.message
    assert _names_status(spec, err.value.message, 503)


def _names_status(spec: Spec, message: str, status: int) -> bool:
    """Weaviate words Ollama's errors without the status when Ollama gave a text."""
    return spec.module == "text2vec-ollama" or f"status: {status}" in message


def test_unreachable_provider_is_an_upstream_failure(spec: Spec) -> None:
    with socket.socket() as sock:           # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    module = VECTORIZERS[spec.module]()
    with pytest.raises(UpstreamFailure) as err:
        module.vectorize(TEXTS, spec.settings(url), _request(spec), query=False)
    assert err.value.message.startswith("send POST request: ")


# --- provider by provider: the request each one sends ---------------------------------------------------------

def test_cohere_request_body_and_query_input_type() -> None:
    provider = cohere.serve()
    try:
        module = CohereVectorizer()
        settings = {**module.class_defaults(), "baseUrl": provider.url + "/", "dimensions": 8}
        request = ModuleRequest(headers={"x-cohere-api-key": "co-test"})
        assert module.vectorize(TEXTS, settings, request, query=False).shape == (3, 8)
        module.vectorize(TEXTS[:1], settings, request, query=True)
        first, second = provider.requests
        assert first.path == "/v2/embed" and first.headers["authorization"] == "Bearer co-test"
        assert first.body == {"texts": TEXTS, "model": "embed-multilingual-v3.0", "input_type": "search_document",
                              "embedding_types": ["float"], "truncate": "END", "output_dimension": 8}
        assert second.body["input_type"] == "search_query"
    finally:
        provider.close()


def test_cohere_splits_big_batches_at_96_and_keeps_order() -> None:
    provider = cohere.serve()
    try:
        texts = [f"document number {i} word{i % 7}" for i in range(200)]
        vectors = CohereVectorizer().vectorize(texts, {"baseURL": provider.url},
                                               ModuleRequest(headers={"x-cohere-api-key": "co-test"}), query=False)
        assert [len(b["texts"]) for b in provider.bodies()] == [96, 96, 8]
        np.testing.assert_allclose(vectors, np.array([embed(t) for t in texts]), atol=1e-6)
    finally:
        provider.close()


def test_base_url_header_beats_the_class_setting() -> None:
    provider = cohere.serve()
    try:
        request = ModuleRequest(headers={"x-cohere-api-key": "co-test", "x-cohere-baseurl": provider.url})
        CohereVectorizer().vectorize(TEXTS, {"baseUrl": "http://127.0.0.1:9"}, request, query=False)
        assert len(provider.requests) == 1
    finally:
        provider.close()


def test_voyageai_input_type_truncation_and_batches() -> None:
    provider = voyageai.serve()
    try:
        module, request = VECTORIZERS["text2vec-voyageai"](), ModuleRequest(env={"VOYAGEAI_APIKEY": "voyage-test"})
        settings = {**module.class_defaults(), "baseURL": provider.url + "/v1"}
        texts = [f"t{i}" for i in range(130)]
        assert module.vectorize(texts, settings, request, query=False).shape == (130, DIMS)
        module.vectorize(["q"], {**settings, "truncate": False}, request, query=True)
        bodies = provider.bodies()
        assert [len(b["input"]) for b in bodies] == [128, 2, 1]
        assert bodies[0] == {"input": texts[:128], "model": "voyage-3", "input_type": "document", "truncation": True}
        assert bodies[2] == {"input": ["q"], "model": "voyage-3", "input_type": "query"}
    finally:
        provider.close()


def test_jinaai_task_by_model_and_order_by_index() -> None:
    provider = jinaai.serve()
    try:
        module, request = VECTORIZERS["text2vec-jinaai"](), ModuleRequest(headers={"x-jinaai-api-key": "jina-test"})
        v3 = {"baseURL": provider.url + "/", "model": "jina-embeddings-v3", "dimensions": 8}
        vectors = module.vectorize(TEXTS, v3, request, query=False)     # the server answers in reverse order
        np.testing.assert_allclose(vectors, np.array([embed(t, 8) for t in TEXTS]), atol=1e-6)
        module.vectorize(TEXTS, v3, request, query=True)
        module.vectorize(TEXTS, {"baseURL": provider.url, "model": "jina-embeddings-v2-base-en"}, request,
                         query=True)
        doc, query, v2 = provider.bodies()
        assert doc == {"input": TEXTS, "model": "jina-embeddings-v3", "embedding_type": "float",
                       "task": "retrieval.passage", "dimensions": 8}
        assert query["task"] == "retrieval.query"
        assert v2 == {"input": TEXTS, "model": "jina-embeddings-v2-base-en", "embedding_type": "float"}
        assert module.class_defaults() == {"vectorizeClassName": False, "model": "jina-embeddings-v4",
                                           "baseURL": "https://api.jina.ai"}
    finally:
        provider.close()


def test_mistral_body_and_full_endpoint_base_url() -> None:
    provider = mistral.serve()
    try:
        module = VECTORIZERS["text2vec-mistral"]()
        request = ModuleRequest(headers={"x-mistral-api-key": "mistral-test"})
        module.vectorize(TEXTS, {"baseURL": provider.url + "/v1/embeddings"}, request, query=False)
        module.vectorize(TEXTS, {"baseURL": provider.url + "/"}, request, query=False)
        assert [r.path for r in provider.requests] == ["/v1/embeddings"] * 2
        assert provider.bodies()[0] == {"input": TEXTS, "model": "mistral-embed", "encoding_format": "float"}
        assert module.class_defaults()["baseURL"] == "https://api.mistral.ai/v1/embeddings"
    finally:
        provider.close()


def test_ollama_body_and_its_error_text() -> None:
    provider = ollama.serve()
    try:
        module = VECTORIZERS["text2vec-ollama"]()
        module.vectorize(TEXTS, {"apiEndpoint": provider.url}, ModuleRequest(), query=True)
        assert provider.bodies() == [{"model": "nomic-embed-text", "input": TEXTS}]
        with pytest.raises(UpstreamFailure) as err:
            module.vectorize(TEXTS, {"apiEndpoint": provider.url, "model": "llama9"}, ModuleRequest(), query=False)
        assert err.value.message == ('connection to Ollama API failed with error: '
                                     'model "llama9" not found, try pulling it first')
    finally:
        provider.close()


def test_huggingface_options_and_token_embeddings_pooled() -> None:
    provider = huggingface.serve()
    try:
        module = VECTORIZERS["text2vec-huggingface"]()
        settings = {"endpointUrl": provider.url + "/tokens", "options": {"waitForModel": True, "useCache": False}}
        vectors = module.vectorize(["a b"], settings, ModuleRequest(), query=False)
        expected = (np.array(embed("a b")) + np.array(embed("A B extra"))) / 2
        np.testing.assert_allclose(vectors[0], expected, atol=1e-6)
        assert provider.bodies()[0]["options"] == {"wait_for_model": True}
        provider.fail_next(500, "model crashed")
        provider.fail_next(500, "model crashed")
        with pytest.raises(UpstreamFailure) as err:
            module.vectorize(["a"], settings, ModuleRequest(), query=False)
        assert err.value.message == "connection to HuggingFace failed with status: 500 error: model crashed"
    finally:
        provider.close()


def test_google_vertex_and_ai_studio_requests() -> None:
    provider = google.serve()
    try:
        module = GoogleVectorizer()
        vertex = {"apiEndpoint": provider.url, "projectId": "proj", "modelId": "textembedding-gecko@003"}
        request = ModuleRequest(headers={"x-goog-vertex-api-key": google.KEY})
        assert module.vectorize([f"t{i}" for i in range(12)], vertex, request, query=False).shape == (12, DIMS)
        assert [len(b["instances"]) for b in provider.bodies()] == [5, 5, 2]      # gecko: 5 per call
        assert provider.requests[0].path == ("/v1/projects/proj/locations/us-central1/publishers/google/models/"
                                             "textembedding-gecko@003:predict")
        assert provider.bodies()[0]["instances"][0] == {"content": "t0", "task_type": "RETRIEVAL_DOCUMENT"}
        provider.requests.clear()
        studio = {"apiEndpoint": "generativelanguage.googleapis.com", "modelId": "gemini-embedding-001"}
        studio_request = ModuleRequest(headers={"x-goog-studio-api-key": google.KEY,
                                                "x-goog-baseurl": provider.url})
        vectors = module.vectorize(TEXTS, studio, studio_request, query=True)
        np.testing.assert_allclose(vectors, np.array([embed(t) for t in TEXTS]), atol=1e-6)
        sent = provider.requests[0]
        assert sent.path == "/v1/models/gemini-embedding-001:batchEmbedContents"
        assert sent.headers["x-goog-api-key"] == google.KEY
        assert sent.body["requests"][1] == {"model": "models/gemini-embedding-001",
                                            "content": {"parts": [{"text": TEXTS[1]}]}, "task_type": "RETRIEVAL_QUERY"}
    finally:
        provider.close()


@pytest.mark.parametrize(("module", "settings", "message"), [
    ("text2vec-cohere", {"truncate": "MIDDLE"},
     "wrong truncate type, available types are: [NONE START END LEFT RIGHT]"),
    ("text2vec-ollama", {"apiEndpoint": ""}, "apiEndpoint cannot be empty"),
    ("text2vec-ollama", {"model": ""}, "model cannot be empty"),
    ("text2vec-huggingface", {"model": "a/b", "passageModel": "c/d"},
     "only one setting must be set either 'model' or 'passageModel'"),
    ("text2vec-google", {"modelId": "gemini-embedding-001"}, "projectId cannot be empty"),
    ("text2vec-google", {"apiEndpoint": "generativelanguage.googleapis.com", "modelId": "nope"},
     "wrong modelId available AI Studio model names are: [embedding-001 text-embedding-004 gemini-embedding-001 "
     "text-embedding-005 text-multilingual-embedding-002]"),
])
def test_validate_refuses_with_weaviates_text(module: str, settings: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        VECTORIZERS[module]().validate(settings)
    assert err.value.message == message


@pytest.mark.parametrize("module", sorted(VECTORIZERS))
def test_class_defaults_pass_validation(module: str) -> None:
    vectorizer = VECTORIZERS[module]()
    extra = {"projectId": "p"} if module == "text2vec-google" else {}
    vectorizer.validate({**vectorizer.class_defaults(), **extra})
