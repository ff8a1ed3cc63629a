"""Vectorizer modules end to end through the official client: text2vec-openai against a real local OpenAI-style
embedding server (tests/servers/openai_embeddings.py): defaults written on create, vectorise on insert / batch /
replace / patch, near_text with moves, text-only hybrid, aggregate over near_text, provider errors, and the
registry's refusals (modules-facts.md §4)."""
from __future__ import annotations

import uuid as uuid_mod
from collections.abc import Iterator

import numpy as np
import pytest
import weaviate
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.data import DataObject
from weaviate.classes.query import MetadataQuery, Move
from weaviate.exceptions import UnexpectedStatusCodeError, WeaviateQueryError

import loomdb
from servers.openai_embeddings import EmbeddingServer, embed

pytestmark = pytest.mark.loomdb_only("the embedding server listens on this machine's loopback")

KEY = "sk-test"
DOCS = ["fast red cars", "slow green trucks", "blue ocean waves"]


@pytest.fixture(scope="module")
def provider() -> Iterator[EmbeddingServer]:
    with EmbeddingServer(api_key=KEY) as srv:
        yield srv


def _connect(endpoint, key: str = KEY) -> weaviate.WeaviateClient:
    return weaviate.connect_to_custom(
        http_host=endpoint.host, http_port=endpoint.rest_port, http_secure=False, grpc_host=endpoint.host,
        grpc_port=endpoint.grpc_port, grpc_secure=False, headers={"X-OpenAI-Api-Key": key}, skip_init_checks=True)


@pytest.fixture(scope="module")
def keyed(endpoint) -> Iterator[weaviate.WeaviateClient]:
    """A client that sends the provider key (REST header and gRPC metadata)."""
    c = _connect(endpoint)
    yield c
    c.close()


def _uid(i: int) -> str:
    return str(uuid_mod.UUID(int=i + 1))


def _collection(keyed, collection_factory, provider, name_class: bool = False, **extra):
    """A collection with one named vector "body" filled by text2vec-openai from `text`, as seen by `keyed`."""
    col = collection_factory(
        properties=[Property(name="text", data_type=DataType.TEXT), Property(name="count", data_type=DataType.INT)],
        vector_config=Configure.Vectors.text2vec_openai(name="body", base_url=provider.url, dimensions=64,
                                                        vectorize_collection_name=name_class, **extra))
    return keyed.collections.get(col.name)


def _cos_distance(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(1 - a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_meta_lists_enabled_modules(rest):
    modules = rest.get("/v1/meta").json()["modules"]
    assert modules["text2vec-openai"]["name"] == "OpenAI Module"


def test_create_writes_module_defaults_named(collection_factory, rest, provider):
    col = collection_factory(
        properties=[Property(name="title", data_type=DataType.TEXT),
                    Property(name="note", data_type=DataType.TEXT, skip_vectorization=True)],
        vector_config=Configure.Vectors.text2vec_openai(name="body", base_url=provider.url))
    doc = rest.get(f"/v1/schema/{col.name}").json()
    settings = doc["vectorConfig"]["body"]["vectorizer"]["text2vec-openai"]
    assert settings["vectorizeClassName"] is True and settings["model"] == "text-embedding-3-small"
    assert settings["baseURL"].rstrip("/") == provider.url
    props = {p["name"]: p for p in doc["properties"]}
    assert props["title"]["moduleConfig"]["text2vec-openai"] == {"skip": False, "vectorizePropertyName": False}
    assert props["note"]["moduleConfig"]["text2vec-openai"]["skip"] is True     # skip_vectorization honoured


def test_create_writes_module_defaults_legacy(client, collection_name, rest, provider):
    client.collections.delete(collection_name)
    try:
        client.collections.create_from_dict({
            "class": collection_name, "vectorizer": "text2vec-openai",
            "moduleConfig": {"text2vec-openai": {"baseURL": provider.url}},
            "properties": [{"name": "title", "dataType": ["text"]}]})
        doc = rest.get(f"/v1/schema/{collection_name}").json()
        assert doc["vectorizer"] == "text2vec-openai"
        assert doc["moduleConfig"]["text2vec-openai"] == {
            "baseURL": provider.url, "model": "text-embedding-3-small", "vectorizeClassName": True}
        assert doc["properties"][0]["moduleConfig"]["text2vec-openai"] == {
            "skip": False, "vectorizePropertyName": False}
    finally:
        client.collections.delete(collection_name)


def test_unknown_module_refused_at_create(rest, collection_name):
    reply = rest.post("/v1/schema", json={"class": collection_name, "vectorizer": "text2vec-nonexistent"})
    assert reply.status_code == 422
    assert reply.json()["error"][0]["message"] == 'vectorizer: no module with name "text2vec-nonexistent" present'
    reply = rest.post("/v1/schema", json={"class": collection_name, "vectorConfig": {
        "v": {"vectorizer": {"text2vec-nonexistent": {}}, "vectorIndexType": "flat"}}})
    assert reply.status_code == 422
    assert reply.json()["error"][0]["message"] == \
        'target vector "v": vectorizer: no module with name "text2vec-nonexistent" present'


def test_nothing_vectorizable_refused_at_create(rest, collection_name):
    reply = rest.post("/v1/schema", json={"class": collection_name, "vectorizer": "text2vec-openai",
                                          "moduleConfig": {"text2vec-openai": {"vectorizeClassName": False}},
                                          "properties": [{"name": "n", "dataType": ["int"]}]})
    assert reply.status_code == 422
    assert "didn't find a single property which is of type string or text" in reply.json()["error"][0]["message"]


def test_module_not_enabled_and_default_vectorizer(tmp_path, provider):
    srv = loomdb.start_embedded(tmp_path, enable_modules=(), default_vectorizer_module="none")
    try:
        with weaviate.connect_to_local(port=srv.rest_port, grpc_port=srv.grpc_port, skip_init_checks=True) as c:
            assert c.get_meta()["modules"] == {}
            with pytest.raises(UnexpectedStatusCodeError, match='no module with name "text2vec-openai" present'):
                c.collections.create("Off", vector_config=Configure.Vectors.text2vec_openai(base_url=provider.url))
    finally:
        srv.stop()
    srv = loomdb.start_embedded(tmp_path / "d", default_vectorizer_module="text2vec-openai")
    try:
        with weaviate.connect_to_local(port=srv.rest_port, grpc_port=srv.grpc_port, skip_init_checks=True) as c:
            c.collections.create_from_dict({"class": "Auto"})
            assert c.collections.export_config("Auto").vectorizer == "text2vec-openai"
    finally:
        srv.stop()


def test_insert_vectorises_sorted_properties_and_class_name(keyed, collection_factory, provider):
    col = _collection(keyed, collection_factory, provider, name_class=True)
    before = len(provider.requests)
    col.data.insert({"text": "hello world", "count": 3}, uuid=_uid(0))
    assert len(provider.requests) == before + 1
    text = provider.inputs[-1]
    assert text.endswith(" hello world") and " " in text.removesuffix(" hello world")   # the split class name
    got = col.query.fetch_object_by_id(_uid(0), include_vector=True)
    assert np.allclose(got.vector["body"], embed(text), atol=1e-6)


def test_insert_many_is_one_provider_call(keyed, collection_factory, provider):
    col = _collection(keyed, collection_factory, provider)
    before = len(provider.requests)
    res = col.data.insert_many([DataObject({"text": t}, uuid=_uid(i)) for i, t in enumerate(DOCS)])
    assert not res.has_errors
    assert len(provider.requests) == before + 1 and provider.requests[-1]["input"] == DOCS
    for i, t in enumerate(DOCS):
        assert np.allclose(col.query.fetch_object_by_id(_uid(i), include_vector=True).vector["body"], embed(t),
                           atol=1e-6)


def test_batch_and_user_vector_wins(keyed, collection_factory, provider):
    col = _collection(keyed, collection_factory, provider)
    with col.batch.fixed_size(batch_size=10) as batch:
        for i, t in enumerate(DOCS):
            batch.add_object({"text": t}, uuid=_uid(i))
        batch.add_object({"text": "mine"}, uuid=_uid(9), vector={"body": [1.0] + [0.0] * 63})
    assert not col.batch.failed_objects
    assert "mine" not in provider.inputs
    assert col.query.fetch_object_by_id(_uid(9), include_vector=True).vector["body"][:2] == [1.0, 0.0]
    assert len(col.query.fetch_object_by_id(_uid(1), include_vector=True).vector["body"]) == 64


def test_near_text_ranks_and_moves(keyed, collection_factory, provider):
    col = _collection(keyed, collection_factory, provider)
    col.data.insert_many([DataObject({"text": t}, uuid=_uid(i)) for i, t in enumerate(DOCS)])
    res = col.query.near_text("cars fast", limit=3, return_metadata=MetadataQuery(distance=True, certainty=True))
    assert str(res.objects[0].uuid) == _uid(0)
    assert res.objects[0].metadata.distance == pytest.approx(_cos_distance(embed("cars fast"), embed(DOCS[0])),
                                                             abs=1e-5)
    assert res.objects[0].metadata.certainty == pytest.approx(1 - res.objects[0].metadata.distance / 2, abs=1e-6)
    # several concepts: the mean of their vectors; moveTo concepts, moveAwayFrom an object (Weaviate's formulas)
    v = (np.array(embed("ocean")) + np.array(embed("waves"))) / 2
    v = v * (1 - 0.5 / 2) + np.array(embed("trucks")) * (0.5 / 2)
    v = v + (v - np.array(embed(DOCS[0]))) * (0.4 / 2)
    res = col.query.near_text(["ocean", "waves"], move_to=Move(force=0.5, concepts="trucks"),
                              move_away=Move(force=0.4, objects=_uid(0)), limit=3,
                              return_metadata=MetadataQuery(distance=True))
    got = {str(o.uuid): o.metadata.distance for o in res.objects}
    assert got == pytest.approx({_uid(i): _cos_distance(v, embed(t)) for i, t in enumerate(DOCS)}, abs=1e-5)
    res = col.query.near_text("cars", distance=0.5)
    assert [str(o.uuid) for o in res.objects] == [_uid(0)]


def test_hybrid_text_only_and_aggregate_near_text(keyed, collection_factory, provider):
    col = _collection(keyed, collection_factory, provider)
    col.data.insert_many([DataObject({"text": t}, uuid=_uid(i)) for i, t in enumerate(DOCS)])
    res = col.query.hybrid("green trucks", alpha=1.0)
    assert str(res.objects[0].uuid) == _uid(1)
    assert provider.inputs[-1] == "green trucks"
    res = col.query.hybrid("ocean", alpha=0.5, limit=1)
    assert str(res.objects[0].uuid) == _uid(2)
    agg = col.aggregate.near_text("cars", object_limit=2, total_count=True)
    assert agg.total_count == 2


def test_patch_and_replace_keep_vector_when_text_unchanged(keyed, collection_factory, provider):
    col = _collection(keyed, collection_factory, provider)
    col.data.insert({"text": "fast red cars", "count": 1}, uuid=_uid(0))
    stored = col.query.fetch_object_by_id(_uid(0), include_vector=True).vector["body"]
    before = len(provider.requests)
    col.data.update(_uid(0), properties={"count": 2})                 # PATCH, text unchanged
    col.data.replace(_uid(0), properties={"text": "fast red cars", "count": 3})
    assert len(provider.requests) == before
    got = col.query.fetch_object_by_id(_uid(0), include_vector=True)
    assert got.properties["count"] == 3 and got.vector["body"] == stored
    col.data.update(_uid(0), properties={"text": "blue ocean waves"})
    assert len(provider.requests) == before + 1
    assert np.allclose(col.query.fetch_object_by_id(_uid(0), include_vector=True).vector["body"],
                       embed("blue ocean waves"), atol=1e-6)


def test_batch_upsert_embeds_only_changed_texts(keyed, collection_factory, provider):
    """insert_many over existing objects (a batch upsert) asks the provider only for the texts that changed,
    as replace and patch do (Weaviate's reVectorize in BatchUpdateVector)."""
    col = _collection(keyed, collection_factory, provider)
    assert not col.data.insert_many([DataObject({"text": t, "count": i}, uuid=_uid(i))
                                     for i, t in enumerate(DOCS)]).errors
    stored = {i: col.query.fetch_object_by_id(_uid(i), include_vector=True).vector["body"] for i in range(3)}
    before = len(provider.requests)
    again = [DataObject({"text": t, "count": 10 + i}, uuid=_uid(i)) for i, t in enumerate(DOCS)]
    assert not col.data.insert_many(again).errors                       # same texts: no provider call
    assert len(provider.requests) == before
    changed = [DataObject({"text": "purple rain" if i == 1 else t}, uuid=_uid(i)) for i, t in enumerate(DOCS)]
    assert not col.data.insert_many(changed).errors
    assert len(provider.requests) == before + 1 and provider.inputs[-1] == "purple rain"
    got = {i: col.query.fetch_object_by_id(_uid(i), include_vector=True).vector["body"] for i in range(3)}
    assert got[0] == stored[0] and got[2] == stored[2]
    assert np.allclose(got[1], embed("purple rain"), atol=1e-6)


def test_provider_401_fails_each_object(endpoint, collection_factory, provider):
    with _connect(endpoint, key="sk-wrong") as wrong:
        col = _collection(wrong, collection_factory, provider)
        res = col.data.insert_many([DataObject({"text": t}) for t in DOCS]
                                   + [DataObject({"text": "mine"}, vector={"body": [1.0] * 64})])
        assert sorted(res.errors) == [0, 1, 2]          # the object with its own vector needs no provider
        message = res.errors[0].message
        assert message.startswith("connection to: OpenAI API failed with status: 401 error: Incorrect API key")
        with pytest.raises(UnexpectedStatusCodeError) as info:
            col.data.insert({"text": "one"})
        assert info.value.status_code == 500 and "status: 401" in info.value.message
        assert len(col) == 1


def test_near_text_without_vectorizer(collection_factory):
    col = collection_factory(properties=[Property(name="text", data_type=DataType.TEXT)],
                             vector_config=Configure.Vectors.self_provided())
    with pytest.raises(WeaviateQueryError, match="Make sure a vectorizer module is configured"):
        col.query.near_text("anything")


def test_batch_stream_vectorises_with_metadata_key(keyed, collection_factory, provider):
    col = _collection(keyed, collection_factory, provider)
    with col.batch.stream() as batch:
        for i, t in enumerate(DOCS):
            batch.add_object({"text": t}, uuid=_uid(i))
    assert not col.batch.failed_objects
    assert provider.headers[-1]["authorization"] == f"Bearer {KEY}"     # the key came as gRPC metadata
    for i, t in enumerate(DOCS):
        assert np.allclose(col.query.fetch_object_by_id(_uid(i), include_vector=True).vector["body"], embed(t),
                           atol=1e-6)


def test_near_object_on_vectorised_objects(keyed, collection_factory, provider):
    col = _collection(keyed, collection_factory, provider)
    col.data.insert_many([DataObject({"text": t}, uuid=_uid(i)) for i, t in enumerate(DOCS + ["red cars"])])
    res = col.query.near_object(_uid(0), limit=2)
    assert [str(o.uuid) for o in res.objects] == [_uid(0), _uid(3)]


def test_replace_with_own_vector_makes_no_call(keyed, collection_factory, provider):
    col = _collection(keyed, collection_factory, provider)
    col.data.insert({"text": "fast red cars"}, uuid=_uid(0))
    before = len(provider.requests)
    col.data.replace(_uid(0), properties={"text": "something new"}, vector={"body": [0.5] * 64})
    assert len(provider.requests) == before
    assert col.query.fetch_object_by_id(_uid(0), include_vector=True).vector["body"] == [0.5] * 64


def test_request_shape_dimensions_and_base_url_header(endpoint, keyed, collection_factory, provider):
    col = _collection(keyed, collection_factory, provider)          # text-embedding-3-small, dimensions 64
    col.data.insert({"text": "a"})
    assert provider.requests[-1] == {"input": ["a"], "model": "text-embedding-3-small", "dimensions": 64}
    assert provider.paths[-1] == "/v1/embeddings"
    other = collection_factory("Other", properties=[Property(name="text", data_type=DataType.TEXT)],
                               vector_config=Configure.Vectors.text2vec_openai(
                                   name="body", base_url="http://127.0.0.1:9", model="my-local-model",
                                   vectorize_collection_name=False))
    with weaviate.connect_to_custom(
            http_host=endpoint.host, http_port=endpoint.rest_port, http_secure=False, grpc_host=endpoint.host,
            grpc_port=endpoint.grpc_port, grpc_secure=False, skip_init_checks=True,
            headers={"X-OpenAI-Api-Key": KEY, "X-OpenAI-BaseURL": provider.url}) as c:
        c.collections.get(other.name).data.insert({"text": "b"})   # the header's base URL wins over the class's
    assert provider.requests[-1] == {"input": ["b"], "model": "my-local-model"}    # no dimensions sent


def test_azure_deployment_route(endpoint, collection_factory, provider):
    col = collection_factory(properties=[Property(name="text", data_type=DataType.TEXT)],
                             vector_config=Configure.Vectors.text2vec_azure_openai(
                                 name="body", resource_name="res", deployment_id="dep", base_url=provider.url,
                                 vectorize_collection_name=False))
    with weaviate.connect_to_custom(
            http_host=endpoint.host, http_port=endpoint.rest_port, http_secure=False, grpc_host=endpoint.host,
            grpc_port=endpoint.grpc_port, grpc_secure=False, skip_init_checks=True,
            headers={"X-Azure-Api-Key": KEY}) as c:
        c.collections.get(col.name).data.insert({"text": "azure text"}, uuid=_uid(0))
    assert provider.paths[-1] == "/openai/deployments/dep/embeddings?api-version=2024-02-01"
    assert provider.headers[-1]["api-key"] == KEY
    got = col.query.fetch_object_by_id(_uid(0), include_vector=True)
    assert np.allclose(got.vector["body"], embed("azure text"), atol=1e-6)


def test_api_key_from_environment(tmp_path, provider):
    srv = loomdb.start_embedded(tmp_path, module_env={"OPENAI_APIKEY": KEY})     # as OPENAI_APIKEY=... would
    try:
        with weaviate.connect_to_local(port=srv.rest_port, grpc_port=srv.grpc_port, skip_init_checks=True) as c:
            col = c.collections.create("Env", properties=[Property(name="text", data_type=DataType.TEXT)],
                                       vector_config=Configure.Vectors.text2vec_openai(
                                           base_url=provider.url, dimensions=64, vectorize_collection_name=False))
            col.data.insert_many([DataObject({"text": "from the environment"}, uuid=_uid(0))])
            got = col.query.fetch_object_by_id(_uid(0), include_vector=True)
            assert np.allclose(got.vector["default"], embed("from the environment"), atol=1e-6)
    finally:
        srv.stop()


def test_add_vector_with_module(keyed, collection_factory, provider, rest):
    col = _collection(keyed, collection_factory, provider)
    col.config.add_vector(vector_config=Configure.Vectors.text2vec_openai(
        name="extra", base_url=provider.url, dimensions=32, vectorize_collection_name=False))
    settings = rest.get(f"/v1/schema/{col.name}").json()["vectorConfig"]["extra"]["vectorizer"]["text2vec-openai"]
    assert settings["model"] == "text-embedding-3-small" and settings["dimensions"] == 32
    col.data.insert({"text": "two spaces"}, uuid=_uid(0))
    got = col.query.fetch_object_by_id(_uid(0), include_vector=True).vector
    assert len(got["body"]) == 64 and np.allclose(got["extra"], embed("two spaces", 32), atol=1e-6)
    body = rest.get(f"/v1/schema/{col.name}").json()
    body["vectorConfig"]["bad"] = {"vectorizer": {"text2vec-nonexistent": {}}, "vectorIndexType": "hnsw"}
    reply = rest.put(f"/v1/schema/{col.name}", json=body)
    assert reply.status_code == 422
    assert reply.json()["error"][0]["message"] == \
        'target vector "bad": vectorizer: no module with name "text2vec-nonexistent" present'


def test_multi_target_near_text_and_hybrid_embed_per_target(keyed, collection_factory, provider):
    """Two named vectors, each filled by its own module settings from its own property: near_text and text-only
    hybrid over both embed the query once per target and join the distances (sum: the two cosine distances)."""
    from weaviate.classes.query import TargetVectors
    col = collection_factory(
        properties=[Property(name="a", data_type=DataType.TEXT), Property(name="b", data_type=DataType.TEXT)],
        vector_config=[
            Configure.Vectors.text2vec_openai(name="va", base_url=provider.url, dimensions=64,
                                              source_properties=["a"], vectorize_collection_name=False),
            Configure.Vectors.text2vec_openai(name="vb", base_url=provider.url, dimensions=64,
                                              source_properties=["b"], vectorize_collection_name=False)])
    col = keyed.collections.get(col.name)
    rows = [("fast red cars", "blue ocean waves"), ("slow green trucks", "fast red cars"), ("blue ocean", "waves")]
    col.data.insert_many([DataObject(properties={"a": a, "b": b}, uuid=_uid(i)) for i, (a, b) in enumerate(rows)])
    query = "fast red cars"
    res = col.query.near_text(query, target_vector=TargetVectors.sum(["va", "vb"]), limit=3,
                              return_metadata=MetadataQuery(distance=True), include_vector=True)
    q = embed(query, 64)
    expected = {str(o.uuid): _cos_distance(q, o.vector["va"]) + _cos_distance(q, o.vector["vb"])
                for o in res.objects}
    assert [str(o.uuid) for o in res.objects] == sorted(expected, key=expected.get)
    for o in res.objects:
        assert o.metadata.distance == pytest.approx(expected[str(o.uuid)], abs=1e-4)
    hybrid = col.query.hybrid(query, alpha=1.0, target_vector=TargetVectors.minimum(["va", "vb"]), limit=3)
    assert {str(o.uuid) for o in hybrid.objects[:2]} == {_uid(0), _uid(1)}     # each matches on one target
