"""Bad input is refused as Weaviate refuses it (issue 10): a 4xx / INVALID_ARGUMENT with Weaviate's text, nothing
written, and the rest of a batch unaffected. Through the official client where it can send the bad input, raw
httpx / gRPC where it cannot."""
from __future__ import annotations

import math
import struct
import uuid

import grpc
import pytest
from weaviate.classes.config import Configure, DataType, Property, Reconfigure
from weaviate.classes.query import Filter, HybridVector
from weaviate.exceptions import UnexpectedStatusCodeError, WeaviateQueryError
from weaviate.proto.v1 import base_pb2, batch_pb2, weaviate_pb2_grpc

RESERVED = ["_additional", "_id", "id"]
BAD_NAMES = ["prénom", "a" * 300, "has space"]


def _props(**names: DataType) -> list[Property]:
    return [Property(name=name, data_type=dt) for name, dt in names.items()]


# ---- 1 + 8: property names (create, add_property, auto-schema) ----------------------------------------------------
@pytest.mark.parametrize("name", RESERVED)
def test_reserved_property_names_are_refused_everywhere(client, rest, collection_factory, collection_name, name):
    """LangChain's own test checks this text. The client refuses `id` as a property name itself, so create,
    add-property and insert go through raw REST, and the batch only for the other names."""
    created = rest.post("/v1/schema", json={"class": collection_name + "Create",
                                            "properties": [{"name": name, "dataType": ["text"]}]})
    assert created.status_code == 422
    assert f"'{name}' is a reserved property name" in created.json()["error"][0]["message"]
    assert not client.collections.exists(collection_name + "Create")
    col = collection_factory(properties=_props(title=DataType.TEXT))
    added = rest.post(f"/v1/schema/{col.name}/properties", json={"name": name, "dataType": ["text"]})
    assert added.status_code == 422
    assert f"'{name}' is a reserved property name" in added.json()["error"][0]["message"]
    reply = rest.post("/v1/objects", json={"class": col.name, "properties": {name: "x", "title": "a"}})
    assert reply.status_code == 422
    assert f"'{name}' is a reserved property name" in reply.json()["error"][0]["message"]
    if name != "id":
        result = col.data.insert_many([{"title": "kept"}, {name: "x"}, {"title": "also kept"}])
        assert list(result.errors) == [1]
        assert f"'{name}' is a reserved property name" in result.errors[1].message
    assert len(col.query.fetch_objects().objects) == (0 if name == "id" else 2)
    assert [p.name for p in col.config.get().properties] == ["title"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_auto_schema_reports_the_naming_rule_create_reports(client, collection_factory, collection_name, name):
    with pytest.raises(UnexpectedStatusCodeError) as created:
        client.collections.create(collection_name + "Create", properties=[Property(name=name, data_type=DataType.TEXT)])
    rule = created.value.message.split("'message': '", 1)[-1].split("'}")[0]
    assert "is not a valid property name" in rule
    col = collection_factory(properties=_props(title=DataType.TEXT))
    with pytest.raises(UnexpectedStatusCodeError) as inserted:
        col.data.insert({name: "x"})
    assert "is not a valid property name" in inserted.value.message
    assert "no such prop" not in inserted.value.message
    result = col.data.insert_many([{name: "x"}, {"title": "kept"}])
    assert list(result.errors) == [0]
    assert "is not a valid property name" in result.errors[0].message
    assert len(col.query.fetch_objects().objects) == 1


def test_auto_schema_refuses_an_invalid_nested_name(collection_factory):
    col = collection_factory(properties=_props(title=DataType.TEXT))
    result = col.data.insert_many([{"meta": {"ok": 1, "pré": 2}}, {"title": "kept"}])
    assert "is not a valid nested property name of 'meta'" in result.errors[0].message
    assert [p.name for p in col.config.get().properties] == ["title"]


# ---- 2: filter values against property types --------------------------------------------------------------------
@pytest.fixture
def typed(collection_factory):
    col = collection_factory(properties=_props(t=DataType.TEXT, i=DataType.INT, n=DataType.NUMBER,
                                               b=DataType.BOOL, tags=DataType.TEXT_ARRAY, ints=DataType.INT_ARRAY))
    col.data.insert_many([{"t": "a", "i": 1, "n": 1.0, "b": True, "tags": ["x"], "ints": [1]},
                          {"t": "b", "i": 2, "n": 2.5, "b": False, "tags": ["y"], "ints": [2]}])
    return col


MISMATCHES = [
    (Filter.by_property("t").equal(5), "expected value to be string, got 'int'"),
    (Filter.by_property("t").greater_than(5), "expected value to be string, got 'int'"),
    (Filter.by_property("i").equal("x"), "expected value to be int, got string"),
    (Filter.by_property("i").equal(1.5), "filtering for integer, but received a floating point number 1.5"),
    (Filter.by_property("n").equal(True), "expected value to be float64, got bool"),
    (Filter.by_property("b").equal(1), "expected value to be bool, got int"),
    (Filter.by_property("tags").contains_any([1, 2]), "value type should be []string but is []int"),
    (Filter.by_property("ints").contains_any(["a"]), "value type should be []int but is []string"),
    (Filter.by_property("ints").contains_all([1.5]), "filtering for integer, but received a floating point number"),
    (Filter.by_property("t").equal("a") | Filter.by_property("i").equal(2.5), "floating point number 2.5"),
]


@pytest.mark.parametrize("flt,message", MISMATCHES, ids=[m for _, m in MISMATCHES])
def test_filter_value_of_the_wrong_type_is_refused(typed, flt, message):
    with pytest.raises(WeaviateQueryError, match=message.replace("[", r"\[").replace("]", r"\]")):
        typed.query.fetch_objects(filters=flt)
    with pytest.raises(WeaviateQueryError, match="floating point|expected value|value type"):
        typed.aggregate.over_all(total_count=True, filters=flt)


def test_delete_many_with_a_mismatched_filter_deletes_nothing(typed):
    with pytest.raises(WeaviateQueryError, match="floating point number 1.5"):
        typed.data.delete_many(where=Filter.by_property("i").equal(1.5))
    assert len(typed.query.fetch_objects().objects) == 2


def test_matching_filter_values_still_work(typed):
    assert len(typed.query.fetch_objects(filters=Filter.by_property("n").equal(1)).objects) == 1   # int on number
    assert len(typed.query.fetch_objects(filters=Filter.by_property("i").equal(2.0)).objects) == 1  # whole float
    assert len(typed.query.fetch_objects(filters=Filter.by_property("ints").contains_any([2.0])).objects) == 1


# ---- 3: quantizers of a flat index are fixed at create time -----------------------------------------------------
@pytest.mark.parametrize("quantizer", ["bq", "rq"])
def test_enabling_a_quantizer_on_an_existing_flat_index_is_refused(collection_factory, quantizer):
    col = collection_factory(vector_config=Configure.Vectors.self_provided(
        vector_index_config=Configure.VectorIndex.flat()))
    update = getattr(Reconfigure.VectorIndex.Quantizer, quantizer)()
    with pytest.raises(UnexpectedStatusCodeError,
                       match=f'{quantizer} is immutable: attempted change from "false" to "true"'):
        col.config.update(vector_config=Reconfigure.Vectors.update(
            name="default", vector_index_config=Reconfigure.VectorIndex.flat(quantizer=update)))
    assert col.config.get().vector_config["default"].vector_index_config.quantizer is None


def test_flat_with_bq_at_create_time_is_accepted(collection_factory):
    col = collection_factory(vector_config=Configure.Vectors.self_provided(
        vector_index_config=Configure.VectorIndex.flat(quantizer=Configure.VectorIndex.Quantizer.bq())))
    assert col.config.get().vector_config["default"].vector_index_config.quantizer is not None


# ---- 5: REST object bodies of the wrong JSON shape ------------------------------------------------------------------
MALFORMED = [{"vectors": {"v": {"a": 1}}}, {"vectors": {"v": 5}}, {"vectors": [1]}, {"vectors": "x"},
             {"vector": {"a": 1}}, {"vector": 5}, {"vector": ["a"]}, {"class": 5}, {"id": 7}, {"tenant": 3}]


@pytest.mark.parametrize("bad", MALFORMED, ids=[str(b) for b in MALFORMED])
def test_rest_object_with_a_malformed_field_is_a_422(rest, collection_factory, bad):
    col = collection_factory(vector_config=[Configure.Vectors.self_provided(name="v")])
    oid = str(uuid.uuid4())
    assert rest.post("/v1/objects", json={"class": col.name, "id": oid, "properties": {}}).status_code == 200
    for method, path in (("POST", "/v1/objects"), ("PUT", f"/v1/objects/{col.name}/{oid}"),
                         ("PATCH", f"/v1/objects/{col.name}/{oid}")):
        reply = rest.request(method, path, json={"class": col.name, "properties": {"p": 1}, **bad})
        assert reply.status_code == 422, (method, reply.text)
        assert reply.json()["error"][0]["message"]
    assert len(col.query.fetch_objects().objects) == 1


SCHEMA_MALFORMED = [{"invertedIndexConfig": {"bm25": 1}}, {"invertedIndexConfig": {"stopwords": {"additions": 1}}},
                    {"vectorIndexConfig": {"ef": "x"}}, {"vectorIndexType": [1]},
                    {"shardingConfig": {"desiredCount": "x"}}, {"properties": [{"name": "q", "dataType": [[1]]}]}]


@pytest.mark.parametrize("bad", SCHEMA_MALFORMED, ids=[str(b) for b in SCHEMA_MALFORMED])
def test_rest_schema_with_a_malformed_field_is_a_422(rest, collection_name, bad):
    reply = rest.post("/v1/schema", json={"class": collection_name, **bad})
    rest.delete(f"/v1/schema/{collection_name}")
    assert reply.status_code == 422, reply.text


# ---- 6: packed gRPC values of an impossible length fail their object only ----------------------------------------
@pytest.mark.loomdb_only("reads the per-object error text")
def test_grpc_number_array_bytes_of_a_wrong_length_fail_that_object_only(endpoint, collection_factory):
    col = collection_factory(properties=_props(nums=DataType.NUMBER_ARRAY))
    good, bad = str(uuid.uuid4()), str(uuid.uuid4())

    def obj(uid: str, payload: bytes) -> batch_pb2.BatchObject:
        props = batch_pb2.BatchObject.Properties(number_array_properties=[
            base_pb2.NumberArrayProperties(prop_name="nums", values_bytes=payload)])
        return batch_pb2.BatchObject(uuid=uid, collection=col.name, properties=props)

    request = batch_pb2.BatchObjectsRequest(objects=[obj(bad, b"\x00" * 12), obj(good, struct.pack("<2d", 1, 2))])
    with grpc.insecure_channel(f"{endpoint.host}:{endpoint.grpc_port}") as channel:
        reply = weaviate_pb2_grpc.WeaviateStub(channel).BatchObjects(request)
    assert [e.index for e in reply.errors] == [0]
    assert "multiple of 8" in reply.errors[0].error
    assert col.query.fetch_object_by_id(good).properties["nums"] == [1.0, 2.0]
    assert col.query.fetch_object_by_id(bad) is None


# ---- 7: NaN / infinite query vectors --------------------------------------------------------------------------
@pytest.mark.loomdb_only("Weaviate's own answer to a NaN query vector is not pinned")
@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_query_vectors_are_refused(collection_factory, bad):
    col = collection_factory(vector_config=Configure.Vectors.self_provided(),
                             properties=_props(t=DataType.TEXT))
    col.data.insert({"t": "a"}, vector=[1.0, 0.0])
    query = [bad, 1.0]
    with pytest.raises(WeaviateQueryError, match="NaN or infinite"):
        col.query.near_vector(query)
    with pytest.raises(WeaviateQueryError, match="NaN or infinite"):
        col.query.hybrid("a", vector=query)
    with pytest.raises(WeaviateQueryError, match="NaN or infinite"):
        col.query.hybrid("a", vector=HybridVector.near_vector(query))
    with pytest.raises(WeaviateQueryError, match="NaN or infinite"):
        col.aggregate.near_vector(query, total_count=True, distance=0.5)
