"""Schema compatibility through the official client: create / read back / list / delete / persist / errors /
auto-schema. Expected error texts are Weaviate's (usecases/schema/*.go)."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
import weaviate
from weaviate.classes.config import Configure, DataType, Property, Tokenization, VectorDistances
from weaviate.exceptions import UnexpectedStatusCodeError

import loomdb

ALL_TYPES = [
    Property(name="title", data_type=DataType.TEXT, tokenization=Tokenization.FIELD),
    Property(name="body", data_type=DataType.TEXT),
    Property(name="count", data_type=DataType.INT, index_range_filters=True),
    Property(name="price", data_type=DataType.NUMBER),
    Property(name="flag", data_type=DataType.BOOL),
    Property(name="born", data_type=DataType.DATE),
    Property(name="ref_id", data_type=DataType.UUID),
    Property(name="tags", data_type=DataType.TEXT_ARRAY, tokenization=Tokenization.WHITESPACE),
    Property(name="ints", data_type=DataType.INT_ARRAY),
    Property(name="nums", data_type=DataType.NUMBER_ARRAY),
    Property(name="bools", data_type=DataType.BOOL_ARRAY),
    Property(name="dates", data_type=DataType.DATE_ARRAY),
    Property(name="uuids", data_type=DataType.UUID_ARRAY),
    Property(name="meta", data_type=DataType.OBJECT, nested_properties=[
        Property(name="author", data_type=DataType.TEXT),
        Property(name="pages", data_type=DataType.INT),
        Property(name="inner", data_type=DataType.OBJECT, nested_properties=[
            Property(name="deep", data_type=DataType.BOOL)]),
    ]),
    Property(name="items", data_type=DataType.OBJECT_ARRAY, nested_properties=[
        Property(name="sku", data_type=DataType.TEXT), Property(name="qty", data_type=DataType.NUMBER)]),
    Property(name="location", data_type=DataType.GEO_COORDINATES),
    Property(name="phone", data_type=DataType.PHONE_NUMBER),
    Property(name="image", data_type=DataType.BLOB),
]


def _props(cfg) -> dict:
    return {p.name: p for p in cfg.properties}


# ---------------------------------------------------------------------------------------------- create + read back
def test_every_data_type_reads_back(collection_factory):
    col = collection_factory(properties=ALL_TYPES, vector_config=Configure.Vectors.self_provided())
    cfg = col.config.get()
    props = _props(cfg)
    assert [p.name for p in cfg.properties] == [p.name for p in ALL_TYPES]
    for given in ALL_TYPES:
        assert props[given.name].data_type == given.dataType, given.name
    assert props["title"].tokenization == Tokenization.FIELD
    assert props["body"].tokenization == Tokenization.WORD            # Weaviate's default for text
    assert props["tags"].tokenization == Tokenization.WHITESPACE
    assert props["count"].tokenization is None
    assert props["count"].index_range_filters is True and props["price"].index_range_filters is False
    assert props["body"].index_searchable is True and props["count"].index_searchable is False
    assert all(p.index_filterable for p in cfg.properties if p.name != "image")
    meta = {n.name: n for n in props["meta"].nested_properties}
    assert meta["author"].data_type == DataType.TEXT and meta["pages"].data_type == DataType.INT
    assert [n.name for n in meta["inner"].nested_properties] == ["deep"]
    assert meta["inner"].nested_properties[0].data_type == DataType.BOOL
    assert [(n.name, n.data_type) for n in props["items"].nested_properties] == \
        [("sku", DataType.TEXT), ("qty", DataType.NUMBER)]
    # self_provided() is the unnamed vector "default" with hnsw + cosine, no vectorizer
    assert set(cfg.vector_config) == {"default"}
    vc = cfg.vector_config["default"]
    assert vc.vectorizer.vectorizer == "none"
    assert vc.vector_index_config.vector_index_type() == "hnsw"
    assert vc.vector_index_config.distance_metric == VectorDistances.COSINE
    assert cfg.multi_tenancy_config.enabled is False
    assert cfg.replication_config.factor == 1
    assert cfg.inverted_index_config.bm25.k1 == 1.2 and cfg.inverted_index_config.bm25.b == 0.75


def test_named_vectors_index_types_and_distances(collection_factory):
    col = collection_factory(
        properties=[Property(name="text", data_type=DataType.TEXT)],
        vector_config=[
            Configure.Vectors.self_provided(name="a", vector_index_config=Configure.VectorIndex.hnsw(
                distance_metric=VectorDistances.DOT, ef_construction=64, max_connections=16)),
            Configure.Vectors.self_provided(name="b", vector_index_config=Configure.VectorIndex.flat(
                distance_metric=VectorDistances.L2_SQUARED)),
            Configure.Vectors.self_provided(name="c", vector_index_config=Configure.VectorIndex.dynamic(
                distance_metric=VectorDistances.MANHATTAN, threshold=5000)),
            Configure.Vectors.self_provided(name="d"),
        ])
    vc = col.config.get().vector_config
    assert set(vc) == {"a", "b", "c", "d"}
    assert [vc[n].vector_index_config.vector_index_type() for n in "abcd"] == ["hnsw", "flat", "dynamic", "hnsw"]
    assert vc["a"].vector_index_config.distance_metric == VectorDistances.DOT
    assert vc["a"].vector_index_config.ef_construction == 64
    assert vc["a"].vector_index_config.max_connections == 16
    assert vc["b"].vector_index_config.distance_metric == VectorDistances.L2_SQUARED
    assert vc["c"].vector_index_config.distance_metric == VectorDistances.MANHATTAN
    assert vc["c"].vector_index_config.threshold == 5000
    assert vc["d"].vector_index_config.distance_metric == VectorDistances.COSINE
    assert all(vc[n].vectorizer.vectorizer == "none" for n in "abcd")


def test_create_from_dict_langchain_body(client, collection_name, rest):
    # langchain-weaviate's _default_schema: capital "MultiTenancyConfig", no vector settings at all
    name = collection_name
    client.collections.delete(name)
    try:
        client.collections.create_from_dict({
            "class": name, "MultiTenancyConfig": {"enabled": False},
            "properties": [{"name": "text", "dataType": ["text"]}]})
        cfg = client.collections.get(name).config.get()
        assert cfg.name == name
        assert [(p.name, p.data_type) for p in cfg.properties] == [("text", DataType.TEXT)]
        assert cfg.multi_tenancy_config.enabled is False
        body = rest.get(f"/v1/schema/{name}").json()
        assert "MultiTenancyConfig" not in body and body["multiTenancyConfig"]["enabled"] is False
        assert body["vectorizer"] == "none" and body["vectorIndexType"] == "hnsw"
        assert body["shardingConfig"]["desiredCount"] == 1
    finally:
        client.collections.delete(name)


def test_create_from_dict_llamaindex_body(client, collection_name, rest):
    # llama-index-vector-stores-weaviate class_schema_from_name (legacy string data types included)
    name = collection_name
    client.collections.delete(name)
    try:
        client.collections.create_from_dict({
            "class": name, "description": f"Class for {name}",
            "properties": [
                {"dataType": ["text"], "description": "Text property", "name": "text"},
                {"dataType": ["text"], "description": "The ref_doc_id of the Node", "name": "ref_doc_id"},
                {"dataType": ["text"], "description": "node_info (in JSON)", "name": "node_info"},
                {"dataType": ["text"], "description": "The relationships of the node", "name": "relationships"},
                {"dataType": ["string"], "description": "legacy type", "name": "legacy"},
            ]})
        cfg = client.collections.get(name).config.get()
        assert cfg.description == f"Class for {name}"
        assert [p.name for p in cfg.properties] == ["text", "ref_doc_id", "node_info", "relationships", "legacy"]
        assert all(p.data_type == DataType.TEXT for p in cfg.properties)
        # Weaviate migrates string -> text with whitespace tokenization
        assert _props(cfg)["legacy"].tokenization == Tokenization.WHITESPACE
        body = rest.get(f"/v1/schema/{name}").json()
        assert body["vectorIndexType"] == "hnsw" and body["vectorizer"] == "none"
        assert body["vectorIndexConfig"]["distance"] == "cosine"
    finally:
        client.collections.delete(name)


# ---------------------------------------------------------------------------------------------- lifecycle
def test_list_exists_delete(client, collection_factory):
    a = collection_factory("A", properties=[Property(name="x", data_type=DataType.INT)])
    b = collection_factory("B")
    listed = client.collections.list_all(simple=True)
    assert a.name in listed and b.name in listed
    assert listed[a.name].properties[0].name == "x"
    assert client.collections.exists(a.name) is True
    # Weaviate class names are case-insensitive for existence (first letter upper-cased)
    assert client.collections.exists(a.name[0].lower() + a.name[1:]) is True
    client.collections.delete(a.name)
    assert client.collections.exists(a.name) is False
    assert a.name not in client.collections.list_all()
    client.collections.delete(a.name)            # deleting a missing collection is not an error
    assert client.collections.exists(b.name) is True


@pytest.mark.loomdb_only("starts its own loomdb")
def test_delete_all(client, server):
    # isolated server: delete_all drops every collection, so it must not touch the shared session server
    import tempfile
    srv = loomdb.start_embedded(tempfile.mkdtemp(prefix="loom-delall-"))
    try:
        with weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                       skip_init_checks=True) as c:
            for n in ("One", "Two", "Three"):
                c.collections.create(n)
            assert set(c.collections.list_all()) == {"One", "Two", "Three"}
            c.collections.delete_all()
            assert c.collections.list_all() == {}
            assert c.collections.exists("One") is False
    finally:
        srv.stop()


@pytest.mark.loomdb_only("restarts its own loomdb")
def test_schema_survives_restart(tmp_path):
    data = tmp_path / "persist"
    srv = loomdb.start_embedded(data)
    try:
        with weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                       skip_init_checks=True) as c:
            col = c.collections.create(
                "Persisted", properties=ALL_TYPES,
                vector_config=[Configure.Vectors.self_provided(
                    name="v1", vector_index_config=Configure.VectorIndex.flat(distance_metric=VectorDistances.DOT)),
                    Configure.Vectors.self_provided(name="v2")])
            col.config.add_property(Property(name="added", data_type=DataType.TEXT_ARRAY))
            col.data.insert({"count": 7, "title": "hello"}, vector={"v1": [1.0, 2.0], "v2": [3.0, 4.0, 5.0]},
                            uuid=uuid.UUID(int=7))
            before = col.config.get()
    finally:
        srv.stop()
    srv = loomdb.start_embedded(data)
    try:
        with weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                       skip_init_checks=True) as c:
            assert c.collections.exists("Persisted")
            col = c.collections.get("Persisted")
            after = col.config.get()
            assert after == before
            assert after.properties[-1].name == "added"
            obj = col.query.fetch_object_by_id(uuid.UUID(int=7), include_vector=True)
            assert obj.properties["count"] == 7 and obj.properties["title"] == "hello"
            assert obj.vector["v1"] == [1.0, 2.0] and obj.vector["v2"] == [3.0, 4.0, 5.0]
    finally:
        srv.stop()


def test_add_property_then_insert(collection_factory, rest):
    col = collection_factory(properties=[Property(name="a", data_type=DataType.TEXT)])
    col.config.add_property(Property(name="score", data_type=DataType.INT))
    col.config.add_property(Property(name="when", data_type=DataType.DATE))
    props = _props(col.config.get())
    assert props["score"].data_type == DataType.INT and props["when"].data_type == DataType.DATE
    when = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    uid = col.data.insert({"a": "x", "score": 3, "when": when})
    obj = col.query.fetch_object_by_id(uid)
    assert obj.properties == {"a": "x", "score": 3, "when": when}
    res = col.data.insert_many([{"a": "y", "score": 4}])
    assert not res.has_errors
    assert col.query.fetch_object_by_id(res.uuids[0]).properties["score"] == 4
    # the client refuses a duplicate itself; the server must too (raw REST)
    r = rest.post(f"/v1/schema/{col.name}/properties", json={"name": "Score", "dataType": ["text"]})
    assert r.status_code == 422 and "score" in r.json()["error"][0]["message"]
    assert _props(col.config.get())["score"].data_type == DataType.INT


# ---------------------------------------------------------------------------------------------- errors
def test_duplicate_collection_is_422_with_weaviates_message(client, collection_factory):
    col = collection_factory()
    with pytest.raises(UnexpectedStatusCodeError) as err:
        client.collections.create(col.name)
    assert err.value.status_code == 422
    assert f'class name "{col.name}" already exists' in err.value.message


def test_duplicate_collection_differing_in_case_is_422(client, collection_factory):
    col = collection_factory(suffix="Abc")
    other = col.name[:-3] + "ABC"
    with pytest.raises(UnexpectedStatusCodeError) as err:
        client.collections.create_from_dict({"class": other})
    assert err.value.status_code == 422
    assert f'class name "{other}" already exists as a permutation of: "{col.name}"' in err.value.message


@pytest.mark.parametrize("body, fragment", [
    ({"class": "Bad-Name"}, "'Bad-Name' is not a valid class name"),
    ({"class": "9Lives"}, "is not a valid class name"),
    ({"class": "TBadProp", "properties": [{"name": "bad-prop", "dataType": ["text"]}]},
     "'bad-prop' is not a valid property name"),
    ({"class": "TBadProp", "properties": [{"name": "id", "dataType": ["text"]}]}, "'id' is a reserved property name"),
    ({"class": "TBadType", "properties": [{"name": "p", "dataType": ["float"]}]},
     "Unknown primitive data type 'float'"),
    ({"class": "TBadType", "properties": [{"name": "p", "dataType": []}]}, "dataType must have at least one element"),
    ({"class": "TBadTok", "properties": [{"name": "p", "dataType": ["int"], "tokenization": "word"}]},
     "tokenization is not allowed for data type 'int'"),
    ({"class": "TNoNested", "properties": [{"name": "p", "dataType": ["object"]}]},
     "At least one nested property is required"),
])
def test_invalid_schema_is_422(client, rest, body, fragment):
    r = rest.post("/v1/schema", json=body)
    assert r.status_code == 422, r.text
    msg = r.json()["error"][0]["message"]
    assert fragment in msg
    with pytest.raises(UnexpectedStatusCodeError) as err:
        client.collections.create_from_dict(body)
    assert err.value.status_code == 422
    assert not client.collections.exists(body["class"] if body["class"][0].isalpha() else "X")


def test_invalid_property_via_client_create(client, collection_name):
    with pytest.raises(UnexpectedStatusCodeError) as err:
        client.collections.create(collection_name, properties=[Property(name="ok", data_type=DataType.TEXT),
                                                               Property(name="OK", data_type=DataType.INT)])
    assert err.value.status_code == 422
    assert 'conflict for property "oK"' in err.value.message or "already in use" in err.value.message
    assert not client.collections.exists(collection_name)


def test_config_get_missing_collection_is_404(client, rest):
    with pytest.raises(UnexpectedStatusCodeError) as err:
        client.collections.get("TDoesNotExistAnywhere").config.get()
    assert err.value.status_code == 404
    assert rest.get("/v1/schema/TDoesNotExistAnywhere").status_code == 404


def test_add_property_to_missing_collection_fails(client):
    with pytest.raises(UnexpectedStatusCodeError) as err:
        client.collections.get("TNoSuchCollection").config.add_property(Property(name="p", data_type=DataType.INT))
    assert err.value.status_code in (404, 422)


def test_config_update_is_supported(client, collection_factory):
    col = collection_factory()     # every mutable setting: tests/compat/test_config_update.py
    col.config.update(description="changed")
    assert col.config.get().description == "changed"


# ---------------------------------------------------------------------------------------------- auto-schema
def test_autoschema_rest_insert_infers_types(collection_factory):
    col = collection_factory()
    uid = col.data.insert({
        "name": "alice", "age": 30, "score": 1.5, "active": True, "born": "2020-01-02T03:04:05Z",
        "ref": "5c2a4b6e-1d1b-4f8e-9a1c-2f7f8e9d0a11", "address": {"city": "Berlin", "zip": 10115},
        "tags": ["a", "b"], "nums": [1.5, 2.5], "flags": [True, False],
        "people": [{"first": "x", "n": 1}, {"first": "y", "extra": True}],
        "where": {"latitude": 52.5, "longitude": 13.4},
    })
    props = _props(col.config.get())
    assert props["name"].data_type == DataType.TEXT and props["name"].tokenization == Tokenization.WORD
    assert props["age"].data_type == DataType.NUMBER          # AUTOSCHEMA_DEFAULT_NUMBER=number
    assert props["score"].data_type == DataType.NUMBER
    assert props["active"].data_type == DataType.BOOL
    assert props["born"].data_type == DataType.DATE
    assert props["ref"].data_type == DataType.UUID
    assert props["address"].data_type == DataType.OBJECT
    assert {(n.name, n.data_type) for n in props["address"].nested_properties} == \
        {("city", DataType.TEXT), ("zip", DataType.NUMBER)}
    assert props["tags"].data_type == DataType.TEXT_ARRAY
    assert props["nums"].data_type == DataType.NUMBER_ARRAY
    assert props["flags"].data_type == DataType.BOOL_ARRAY
    assert props["people"].data_type == DataType.OBJECT_ARRAY
    assert {n.name for n in props["people"].nested_properties} == {"first", "n", "extra"}
    assert props["where"].data_type == DataType.GEO_COORDINATES
    obj = col.query.fetch_object_by_id(uid)
    assert obj.properties["age"] == 30.0 and obj.properties["name"] == "alice"
    assert obj.properties["born"] == dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    assert obj.properties["address"] == {"city": "Berlin", "zip": 10115.0}


def test_autoschema_grpc_batch_infers_types(collection_factory):
    col = collection_factory(properties=[Property(name="known", data_type=DataType.INT)])
    res = col.data.insert_many([
        {"known": 1, "txt": "hi", "n": 5, "f": 0.25, "b": False, "d": "2021-06-01T12:00:00+02:00",
         "u": str(uuid.UUID(int=42)), "obj": {"k": "v"}, "ints": [1, 2, 3], "texts": ["x"]},
    ])
    assert not res.has_errors, res.errors
    props = _props(col.config.get())
    assert props["known"].data_type == DataType.INT            # existing types are untouched
    assert props["txt"].data_type == DataType.TEXT
    assert props["n"].data_type == DataType.NUMBER             # gRPC Struct numbers are doubles
    assert props["f"].data_type == DataType.NUMBER
    assert props["b"].data_type == DataType.BOOL
    assert props["d"].data_type == DataType.DATE
    assert props["u"].data_type == DataType.UUID
    assert props["obj"].data_type == DataType.OBJECT
    assert props["ints"].data_type in (DataType.INT_ARRAY, DataType.NUMBER_ARRAY)
    assert props["texts"].data_type == DataType.TEXT_ARRAY
    obj = col.query.fetch_object_by_id(res.uuids[0])
    assert obj.properties["known"] == 1 and isinstance(obj.properties["known"], int)
    assert obj.properties["d"] == dt.datetime(2021, 6, 1, 10, 0, tzinfo=dt.timezone.utc)


def test_autoschema_type_conflict_is_per_object_error(collection_factory):
    col = collection_factory()
    assert not col.data.insert_many([{"v": "text first"}]).has_errors
    res = col.data.insert_many([{"v": 12}, {"v": "fine"}])
    assert list(res.errors) == [0]
    assert "v" in res.errors[0].message
    assert len(col.query.fetch_objects().objects) == 2
