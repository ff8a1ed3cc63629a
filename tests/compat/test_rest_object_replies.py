"""What REST create / replace / get answer: the object as stored, read back by the same use-case call as the write
(class name as the schema spells it, vectors legacy or named as the collection has them, the tenant when given)."""
from __future__ import annotations

import uuid as uuid_mod

import pytest
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.tenants import Tenant


@pytest.fixture
def legacy(client, rest, collection_name):
    """A collection with the class-level (unnamed) vector, created over REST as older clients do."""
    client.collections.delete(collection_name)
    assert rest.post("/v1/schema", json={"class": collection_name, "vectorizer": "none",
                                         "properties": [{"name": "a", "dataType": ["text"]}]}).status_code == 200
    yield collection_name
    client.collections.delete(collection_name)


def test_create_and_replace_answer_the_stored_object_legacy_vector(legacy, rest):
    uid = str(uuid_mod.uuid4())
    created = rest.post("/v1/objects", json={"class": legacy[:1].lower() + legacy[1:], "id": uid,
                                             "properties": {"a": "x"}, "vector": [1.0, 2.0]})
    assert created.status_code == 200
    body = created.json()
    assert body["class"] == legacy and body["id"] == uid and body["properties"] == {"a": "x"}
    assert body["vector"] == [1.0, 2.0] and "vectors" not in body and "tenant" not in body
    assert body["creationTimeUnix"] == body["lastUpdateTimeUnix"] > 0
    replaced = rest.put(f"/v1/objects/{legacy}/{uid}", json={"properties": {"a": "y"}, "vector": [3.0, 4.0]})
    assert replaced.status_code == 200
    after = replaced.json()
    assert after["properties"] == {"a": "y"} and after["vector"] == [3.0, 4.0]
    assert after["creationTimeUnix"] == body["creationTimeUnix"] <= after["lastUpdateTimeUnix"]
    fetched = rest.get(f"/v1/objects/{legacy}/{uid}").json()
    assert "vector" not in fetched and fetched["properties"] == {"a": "y"}
    assert rest.get(f"/v1/objects/{legacy}/{uid}", params={"include": "vector"}).json()["vector"] == [3.0, 4.0]


def test_create_answers_named_vectors_and_tenant(collection_factory, rest):
    col = collection_factory("Named", properties=[Property(name="a", data_type=DataType.TEXT)],
                             vector_config=[Configure.Vectors.self_provided(name="v1")],
                             multi_tenancy_config=Configure.multi_tenancy(enabled=True))
    col.tenants.create([Tenant(name="t1")])
    uid = str(uuid_mod.uuid4())
    body = rest.post("/v1/objects", json={"class": col.name, "id": uid, "tenant": "t1", "properties": {"a": "x"},
                                          "vectors": {"v1": [0.5, 0.25]}}).json()
    assert body["vectors"] == {"v1": [0.5, 0.25]} and "vector" not in body and body["tenant"] == "t1"
    got = rest.get(f"/v1/objects/{col.name}/{uid}", params={"tenant": "t1", "include": "vector"}).json()
    assert got["tenant"] == "t1" and got["vectors"] == {"v1": [0.5, 0.25]}


@pytest.mark.parametrize("method", ["get", "put"])
def test_missing_object_is_404(collection_factory, rest, method):
    col = collection_factory("Missing", properties=[Property(name="a", data_type=DataType.TEXT)])
    uid = str(uuid_mod.uuid4())
    r = (rest.get(f"/v1/objects/{col.name}/{uid}") if method == "get" else
         rest.put(f"/v1/objects/{col.name}/{uid}", json={"properties": {"a": "y"}}))
    assert r.status_code == 404
