"""Bad input to vectorizer modules through the official client (issue 11 "Bad input"): empty text (Weaviate's
"don't vectorize empty text": the object is stored without a vector), text longer than the model's limit (the
model truncates, as the transformers container does: stored and searchable), a provider that is down (a clear
error and nothing written; in a batch only the objects that needed it fail) and a provider whose vectors change
length (refused with Weaviate's "Existing nodes have vectors with length" text)."""
from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import weaviate
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.data import DataObject
from weaviate.exceptions import UnexpectedStatusCodeError, WeaviateInsertManyAllFailedError

from servers import openai_embeddings
from servers.openai_embeddings import EmbeddingServer

pytestmark = pytest.mark.loomdb_only("the embedding server listens on this machine's loopback")

KEY = "sk-test"
TEXT = [Property(name="text", data_type=DataType.TEXT)]


@pytest.fixture(scope="module")
def provider() -> Iterator[EmbeddingServer]:
    with EmbeddingServer(api_key=KEY) as srv:
        yield srv


@pytest.fixture(scope="module")
def keyed(endpoint) -> Iterator[weaviate.WeaviateClient]:
    c = weaviate.connect_to_local(host=endpoint.host, port=endpoint.rest_port, grpc_port=endpoint.grpc_port,
                                  headers={"X-OpenAI-Api-Key": KEY}, skip_init_checks=True)
    yield c
    c.close()


def _closed_port_url() -> str:
    """A loopback URL nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def _openai(keyed, collection_factory, url: str, **extra):
    col = collection_factory(properties=TEXT, vector_config=Configure.Vectors.text2vec_openai(
        base_url=url, vectorize_collection_name=False, **extra))
    return keyed.collections.get(col.name)


def test_empty_text_is_stored_without_a_vector(keyed, collection_factory, provider):
    col = _openai(keyed, collection_factory, provider.url, source_properties=["text"], dimensions=64)
    before = len(provider.requests)
    empty = col.data.insert({"text": ""})
    assert len(provider.requests) == before                          # no provider call for an empty text
    assert col.query.fetch_object_by_id(empty, include_vector=True).vector == {}
    res = col.data.insert_many([DataObject({"text": ""}), DataObject({"text": "blue ocean waves"})])
    assert not res.errors and len(col) == 3
    assert provider.requests[-1]["input"] == ["blue ocean waves"]    # only the non-empty text was sent
    vectors = {str(o.uuid): o.vector for o in col.query.fetch_objects(include_vector=True).objects}
    assert vectors[str(res.uuids[0])] == {} and len(vectors[str(res.uuids[1])]["default"]) == 64
    assert [str(o.uuid) for o in col.query.near_text("ocean", limit=5).objects] == [str(res.uuids[1])]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_text_longer_than_the_model_limit_is_truncated(collection_factory):
    pytest.importorskip("onnxruntime", reason='the local model extra is not installed: pip install "loomdb[local]"')
    col = collection_factory(properties=TEXT, vector_config=Configure.Vectors.text2vec_transformers(
        vectorize_collection_name=False))
    head = "The violinist played a sonata in the concert hall."
    long_text = head + " " + " ".join(["filler words about nothing in particular"] * 400)   # ~2,800 word pieces
    long_id = col.data.insert({"text": long_text})
    col.data.insert({"text": "The stock market fell sharply today."})
    stored = col.query.fetch_object_by_id(long_id, include_vector=True)
    assert stored.properties["text"] == long_text and len(stored.vector["default"]) == 384
    assert col.query.near_text("a musician performing classical music", limit=1).objects[0].uuid == long_id


def test_provider_down_fails_a_single_insert_and_writes_nothing(keyed, collection_factory):
    col = _openai(keyed, collection_factory, _closed_port_url())
    with pytest.raises(UnexpectedStatusCodeError) as err:
        col.data.insert({"text": "fast red cars"})
    assert "send POST request" in err.value.message and "connection refused" in err.value.message.lower()
    assert len(col) == 0


def test_provider_down_fails_only_the_objects_that_needed_it(keyed, collection_factory):
    col = _openai(keyed, collection_factory, _closed_port_url(), dimensions=64)
    res = col.data.insert_many([DataObject({"text": "own vector"}, vector=[0.1] * 64),
                                DataObject({"text": "needs the provider"})])
    assert list(res.errors) == [1] and "connection refused" in res.errors[1].message.lower()
    assert [o.properties["text"] for o in col.query.fetch_objects().objects] == ["own vector"]


def test_a_provider_changing_vector_length_is_refused(keyed, collection_factory, provider, monkeypatch):
    col = _openai(keyed, collection_factory, provider.url, model="my-local-model")   # no `dimensions` sent
    col.data.insert({"text": "fast red cars"})                                         # 64 long
    monkeypatch.setattr(openai_embeddings, "DEFAULT_DIMENSIONS", 32)                   # the server now answers 32
    with pytest.raises(UnexpectedStatusCodeError) as err:
        col.data.insert({"text": "slow green trucks"})
    assert "new node has a vector with length 32. Existing nodes have vectors with length 64" in err.value.message
    with pytest.raises(WeaviateInsertManyAllFailedError, match="Existing nodes have vectors with length 64"):
        col.data.insert_many([DataObject({"text": "blue ocean waves"})])
    assert len(col) == 1
