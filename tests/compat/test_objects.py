"""Object data compatibility through the official client: single-object REST CRUD, batch (gRPC BatchObjects)
round-trips of every data type, per-object errors, raw REST error shapes, and auto-creation of collections."""
from __future__ import annotations

import base64
import datetime as dt
import uuid

import numpy as np
import pytest
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.data import DataObject, GeoCoordinate, PhoneNumber
from weaviate.exceptions import UnexpectedStatusCodeError, WeaviateInsertInvalidPropertyError

TZ_PLUS2 = dt.timezone(dt.timedelta(hours=2))
TZ_MINUS530 = dt.timezone(-dt.timedelta(hours=5, minutes=30))
BLOB = base64.b64encode(bytes(range(40))).decode()

TYPED = [
    Property(name="text", data_type=DataType.TEXT),
    Property(name="count", data_type=DataType.INT),
    Property(name="price", data_type=DataType.NUMBER),
    Property(name="flag", data_type=DataType.BOOL),
    Property(name="born", data_type=DataType.DATE),
    Property(name="ref", data_type=DataType.UUID),
    Property(name="texts", data_type=DataType.TEXT_ARRAY),
    Property(name="ints", data_type=DataType.INT_ARRAY),
    Property(name="nums", data_type=DataType.NUMBER_ARRAY),
    Property(name="bools", data_type=DataType.BOOL_ARRAY),
    Property(name="dates", data_type=DataType.DATE_ARRAY),
    Property(name="uuids", data_type=DataType.UUID_ARRAY),
    Property(name="meta", data_type=DataType.OBJECT, nested_properties=[
        Property(name="author", data_type=DataType.TEXT),
        Property(name="pages", data_type=DataType.INT),
        Property(name="rating", data_type=DataType.NUMBER),
        Property(name="inner", data_type=DataType.OBJECT, nested_properties=[
            Property(name="deep", data_type=DataType.BOOL), Property(name="when", data_type=DataType.DATE)]),
    ]),
    Property(name="items", data_type=DataType.OBJECT_ARRAY, nested_properties=[
        Property(name="sku", data_type=DataType.TEXT), Property(name="qty", data_type=DataType.INT)]),
    Property(name="location", data_type=DataType.GEO_COORDINATES),
    Property(name="phone", data_type=DataType.PHONE_NUMBER),
    Property(name="image", data_type=DataType.BLOB),
]


def _values(i: int = 0) -> dict:
    return {
        "text": f"hello world {i}", "count": 2001 + i, "price": 9.5 + i, "flag": bool(i % 2),
        "born": dt.datetime(1990, 5, 17, 8, 30, 15, 123000, tzinfo=TZ_PLUS2),
        "ref": uuid.UUID(int=1000 + i),
        "texts": ["a", "b c"], "ints": [1, -2, 3_000_000_000], "nums": [0.5, -1.25, 3.0],
        "bools": [True, False, True],
        "dates": [dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc),
                  dt.datetime(2021, 6, 30, 23, 59, 59, tzinfo=TZ_MINUS530)],
        "uuids": [uuid.UUID(int=1), uuid.UUID(int=2)],
        "meta": {"author": "Ann", "pages": 321, "rating": 4.5,
                 "inner": {"deep": True, "when": "2022-02-02T02:02:02+01:00"}},
        "items": [{"sku": "A-1", "qty": 2}, {"sku": "B-2", "qty": 10}],
        "location": GeoCoordinate(latitude=52.366667, longitude=4.9),
        "phone": PhoneNumber(number="020 1234567", default_country="NL"),
        "image": BLOB,
    }


def _check_round_trip(props: dict, i: int = 0) -> None:
    want = _values(i)
    for key in ("text", "price", "flag", "born", "ref", "texts", "nums", "bools", "dates", "uuids", "image"):
        assert props[key] == want[key], key
    assert props["count"] == 2001 + i and type(props["count"]) is int
    assert props["ints"] == [1, -2, 3_000_000_000] and all(type(v) is int for v in props["ints"])
    born = props["born"]
    assert born.tzinfo is not None and born.utcoffset() is not None
    assert born == want["born"]
    meta = props["meta"]
    assert meta["author"] == "Ann" and meta["pages"] == 321 and type(meta["pages"]) is int and meta["rating"] == 4.5
    assert meta["inner"]["deep"] is True
    assert meta["inner"]["when"] == dt.datetime(2022, 2, 2, 1, 2, 2, tzinfo=dt.timezone.utc)
    assert props["items"] == [{"sku": "A-1", "qty": 2}, {"sku": "B-2", "qty": 10}]
    assert all(type(it["qty"]) is int for it in props["items"])
    geo = props["location"]
    assert geo.latitude == pytest.approx(52.366667, abs=1e-5) and geo.longitude == pytest.approx(4.9, abs=1e-5)
    phone = props["phone"]
    assert phone.number == "020 1234567" and phone.default_country == "NL"
    assert phone.country_code == 31 and phone.national == 201234567
    assert phone.international_formatted.startswith("+31")


# ---------------------------------------------------------------------------------------------- single objects
def test_insert_with_and_without_uuid_and_vector(collection_factory):
    col = collection_factory(properties=[Property(name="a", data_type=DataType.TEXT)],
                             vector_config=Configure.Vectors.self_provided())
    generated = col.data.insert({"a": "x"})
    assert isinstance(generated, uuid.UUID)
    fixed = uuid.UUID("12345678-1234-5678-1234-567812345678")
    vec = np.random.default_rng(1).random(8).astype(np.float32).tolist()
    assert col.data.insert({"a": "y"}, uuid=fixed, vector=vec) == fixed
    obj = col.query.fetch_object_by_id(fixed, include_vector=True)
    assert obj.uuid == fixed and obj.properties == {"a": "y"}
    assert obj.vector["default"] == pytest.approx(vec)
    assert col.query.fetch_object_by_id(generated, include_vector=True).vector == {}
    assert col.query.fetch_object_by_id(generated).properties == {"a": "x"}


def test_insert_upper_case_uuid_is_normalised(collection_factory, rest):
    col = collection_factory()
    uid = "AAAAAAAA-1234-5678-1234-567812345678"
    assert col.data.insert({"a": 1.0}, uuid=uid) == uuid.UUID(uid)
    assert col.data.exists(uid.lower())
    assert rest.get(f"/v1/objects/{col.name}/{uid.lower()}").json()["id"] == uid.lower()


def test_insert_named_vectors(collection_factory):
    col = collection_factory(vector_config=[Configure.Vectors.self_provided(name="small"),
                                            Configure.Vectors.self_provided(name="big")])
    rng = np.random.default_rng(7)
    small, big = rng.random(3).tolist(), rng.random(16).tolist()
    uid = col.data.insert({"t": "x"}, vector={"small": small, "big": big})
    obj = col.query.fetch_object_by_id(uid, include_vector=True)
    assert set(obj.vector) == {"small", "big"}
    assert obj.vector["small"] == pytest.approx(small) and obj.vector["big"] == pytest.approx(big)
    only = col.query.fetch_object_by_id(uid, include_vector=["big"])
    assert set(only.vector) == {"big"}


def test_insert_existing_id_is_422_already_exists(collection_factory):
    col = collection_factory()
    uid = col.data.insert({"a": "first"})
    with pytest.raises(UnexpectedStatusCodeError) as err:
        col.data.insert({"a": "second"}, uuid=uid)
    assert err.value.status_code == 422
    assert f"id '{uid}' already exists" in err.value.message
    assert col.query.fetch_object_by_id(uid).properties == {"a": "first"}


def test_exists_replace_update_delete(collection_factory):
    col = collection_factory(properties=[Property(name="a", data_type=DataType.TEXT),
                                         Property(name="b", data_type=DataType.INT)],
                             vector_config=[Configure.Vectors.self_provided(name="v1"),
                                            Configure.Vectors.self_provided(name="v2")])
    uid = col.data.insert({"a": "x", "b": 1}, vector={"v1": [1.0, 0.0], "v2": [0.0, 1.0, 0.0]})
    assert col.data.exists(uid) is True
    assert col.data.exists(uuid.UUID(int=999)) is False
    created = col.query.fetch_object_by_id(uid).metadata.creation_time

    # update = PATCH merge: other properties and all vectors stay
    col.data.update(uid, properties={"b": 2})
    obj = col.query.fetch_object_by_id(uid, include_vector=True)
    assert obj.properties == {"a": "x", "b": 2}
    assert obj.vector["v1"] == [1.0, 0.0] and obj.vector["v2"] == [0.0, 1.0, 0.0]
    assert obj.metadata.creation_time == created
    assert obj.metadata.last_update_time >= created

    # update with one named vector replaces only that vector
    col.data.update(uid, properties={"a": "y"}, vector={"v1": [0.5, 0.5]})
    obj = col.query.fetch_object_by_id(uid, include_vector=True)
    assert obj.properties == {"a": "y", "b": 2}
    assert obj.vector["v1"] == [0.5, 0.5] and obj.vector["v2"] == [0.0, 1.0, 0.0]

    # replace = PUT: properties not given are gone
    col.data.replace(uid, properties={"a": "z"}, vector={"v1": [2.0, 2.0], "v2": [1.0, 1.0, 1.0]})
    obj = col.query.fetch_object_by_id(uid, include_vector=True)
    assert obj.properties == {"a": "z"}
    assert obj.vector["v1"] == [2.0, 2.0]
    assert obj.metadata.creation_time == created

    assert col.data.delete_by_id(uid) is True
    assert col.data.delete_by_id(uid) is False
    assert col.data.exists(uid) is False
    assert col.query.fetch_object_by_id(uid) is None


def test_replace_and_update_missing_object_are_404(collection_factory):
    col = collection_factory(properties=[Property(name="a", data_type=DataType.TEXT)])
    missing = uuid.UUID(int=4242)
    for call in (lambda: col.data.replace(missing, properties={"a": "x"}),
                 lambda: col.data.update(missing, properties={"a": "x"})):
        with pytest.raises(UnexpectedStatusCodeError) as err:
            call()
        assert err.value.status_code == 404
    assert col.data.exists(missing) is False


def test_legacy_vector_update_keeps_vector(collection_factory):
    col = collection_factory(properties=[Property(name="a", data_type=DataType.TEXT)],
                             vector_config=Configure.Vectors.self_provided())
    uid = col.data.insert({"a": "x"}, vector=[0.1, 0.2, 0.3])
    col.data.update(uid, properties={"a": "y"})
    obj = col.query.fetch_object_by_id(uid, include_vector=True)
    assert obj.properties == {"a": "y"} and obj.vector["default"] == pytest.approx([0.1, 0.2, 0.3])


# ---------------------------------------------------------------------------------------------- data types
def test_every_type_round_trips_through_rest_insert(collection_factory):
    col = collection_factory(properties=TYPED)
    uid = col.data.insert(_values(0))
    _check_round_trip(col.query.fetch_object_by_id(uid).properties, 0)
    assert col.query.fetch_object_by_id(uid).properties.keys() == {p.name for p in TYPED}


def test_every_type_round_trips_through_insert_many(collection_factory):
    col = collection_factory(properties=TYPED)
    res = col.data.insert_many([_values(i) for i in range(3)])
    assert not res.has_errors, res.errors
    for i in range(3):
        _check_round_trip(col.query.fetch_object_by_id(res.uuids[i]).properties, i)


def test_every_type_round_trips_through_batch(collection_factory):
    col = collection_factory(properties=TYPED)
    ids = [uuid.UUID(int=10 + i) for i in range(4)]
    with col.batch.fixed_size(batch_size=2) as batch:
        for i, uid in enumerate(ids):
            batch.add_object(_values(i), uuid=uid)
    assert col.batch.failed_objects == []
    for i, uid in enumerate(ids):
        _check_round_trip(col.query.fetch_object_by_id(uid).properties, i)


def test_rest_and_grpc_store_the_same(collection_factory, rest):
    col = collection_factory(properties=TYPED)
    a = col.data.insert(_values(5))
    b = col.data.insert_many([_values(5)]).uuids[0]
    pa = rest.get(f"/v1/objects/{col.name}/{a}").json()["properties"]
    pb = rest.get(f"/v1/objects/{col.name}/{b}").json()["properties"]
    assert pa == pb
    assert pa["count"] == 2006 and isinstance(pa["count"], int)
    assert pa["born"] == "1990-05-17T08:30:15.123+02:00"     # offset kept, as Weaviate does


def test_arrays_coerced_across_wire_encodings(collection_factory):
    # the client picks the gRPC array kind from the first Python element: ints into number[] travel as
    # int_array_properties, integral floats into int[] as number_array_properties
    col = collection_factory(properties=TYPED)
    uid = col.data.insert_many([{"nums": [1, 2], "ints": [3.0, 4.0], "price": 7}]).uuids[0]
    props = col.query.fetch_object_by_id(uid).properties
    assert props["nums"] == [1.0, 2.0] and all(type(v) is float for v in props["nums"])
    assert props["ints"] == [3, 4] and all(type(v) is int for v in props["ints"])
    assert props["price"] == 7.0 and type(props["price"]) is float
    res = col.data.insert_many([{"ints": [1.5]}, {"ints": [2]}])
    assert list(res.errors) == [0] and "ints" in res.errors[0].message


def test_edge_values(collection_factory, rest):
    col = collection_factory(properties=TYPED)
    big = 2**53 + 1
    naive_utc = dt.datetime(2001, 2, 3, 4, 5, 6, tzinfo=dt.timezone.utc)
    uid = col.data.insert({"count": big, "texts": [], "ref": "AAAAAAAA-0000-0000-0000-000000000001",
                           "born": dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc), "dates": [naive_utc],
                           "meta": {"author": "", "inner": {"when": dt.datetime(1969, 7, 20, 20, 17,
                                                                                tzinfo=TZ_MINUS530)}},
                           "location": GeoCoordinate(latitude=0, longitude=-180)})
    props = col.query.fetch_object_by_id(uid).properties
    assert props["count"] == big                       # REST JSON keeps int64 exactly
    assert props["ref"] == uuid.UUID("aaaaaaaa-0000-0000-0000-000000000001")
    assert props["born"] == dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc)
    assert props["dates"] == [naive_utc]
    assert props["meta"]["author"] == ""
    assert props["meta"]["inner"]["when"] == dt.datetime(1969, 7, 20, 20, 17, tzinfo=TZ_MINUS530)
    assert props["location"].latitude == 0 and props["location"].longitude == -180
    assert props.get("texts", []) == []
    raw = rest.get(f"/v1/objects/{col.name}/{uid}").json()["properties"]
    assert raw["ref"] == "aaaaaaaa-0000-0000-0000-000000000001"
    assert raw["meta"]["inner"]["when"] == "1969-07-20T20:17:00-05:30"


def test_unset_properties_are_absent(collection_factory):
    col = collection_factory(properties=TYPED)
    uid = col.data.insert({"text": "only"})
    assert col.query.fetch_object_by_id(uid).properties == {"text": "only"}
    uid2 = col.data.insert_many([{"count": 1, "text": None}]).uuids[0]
    assert col.query.fetch_object_by_id(uid2).properties == {"count": 1}


# ---------------------------------------------------------------------------------------------- errors
def test_wrong_vector_length_fails_only_that_object(collection_factory):
    col = collection_factory(vector_config=Configure.Vectors.self_provided())
    rng = np.random.default_rng(3)
    objs = [DataObject(properties={"i": float(i)}, vector=rng.random(4 if i != 2 else 5).tolist(),
                       uuid=uuid.UUID(int=i + 1)) for i in range(4)]
    res = col.data.insert_many(objs)
    assert list(res.errors) == [2]
    assert "new node has a vector with length 5. Existing nodes have vectors with length 4" \
        in res.errors[2].message
    assert set(res.uuids) == {0, 1, 3}
    assert len(col.query.fetch_objects(limit=10).objects) == 3
    assert col.data.exists(uuid.UUID(int=3)) is False

    # the same through REST insert: 422
    with pytest.raises(UnexpectedStatusCodeError) as err:
        col.data.insert({"i": 9.0}, vector=[1.0, 2.0])
    assert err.value.status_code == 422 and "length 2" in err.value.message


def test_wrong_vector_length_in_batch_context(collection_factory):
    col = collection_factory(vector_config=Configure.Vectors.self_provided())
    with col.batch.fixed_size(batch_size=10) as batch:
        batch.add_object({"i": 0.0}, vector=[1.0, 0.0, 0.0], uuid=uuid.UUID(int=1))
        batch.add_object({"i": 1.0}, vector=[1.0, 0.0], uuid=uuid.UUID(int=2))
        batch.add_object({"i": 2.0}, vector=[0.0, 1.0, 0.0], uuid=uuid.UUID(int=3))
    failed = col.batch.failed_objects
    assert len(failed) == 1 and failed[0].object_.uuid == str(uuid.UUID(int=2))
    assert "vector with length 2" in failed[0].message
    assert col.data.exists(uuid.UUID(int=1)) and col.data.exists(uuid.UUID(int=3))


def test_wrong_property_type_names_the_property(collection_factory):
    col = collection_factory(properties=[Property(name="count", data_type=DataType.INT),
                                         Property(name="name", data_type=DataType.TEXT)])
    res = col.data.insert_many([{"count": 1}, {"count": "three"}, {"count": 2.5}, {"name": 5}, {"count": 4}])
    assert sorted(res.errors) == [1, 2, 3]
    assert "count" in res.errors[1].message and "three" in res.errors[1].message
    assert "count" in res.errors[2].message
    assert "name" in res.errors[3].message
    assert len(col.query.fetch_objects().objects) == 2
    with pytest.raises(UnexpectedStatusCodeError) as err:
        col.data.insert({"count": "three"})
    assert err.value.status_code == 422
    assert "invalid integer property 'count' on class" in err.value.message


def test_wrong_nested_and_array_types(collection_factory):
    col = collection_factory(properties=TYPED)
    res = col.data.insert_many([{"ints": ["x"]}, {"meta": {"pages": "many"}}, {"born": "yesterday"},
                                {"ref": "not-a-uuid"}, {"meta": {"nope": 1}}, {"text": "ok"}])
    assert sorted(res.errors) == [0, 1, 2, 3, 4]
    assert "ints" in res.errors[0].message
    assert "meta.pages" in res.errors[1].message
    assert "born" in res.errors[2].message and "RFC3339" in res.errors[2].message
    assert "ref" in res.errors[3].message
    assert "meta.nope" in res.errors[4].message


def test_malformed_uuid_is_a_clear_error(collection_factory, rest):
    col = collection_factory()
    r = rest.post("/v1/objects", json={"class": col.name, "id": "not-a-uuid", "properties": {"a": "x"}})
    assert r.status_code == 422
    assert "not-a-uuid" in r.json()["error"][0]["message"]
    for method in ("get", "delete", "head"):
        r = getattr(rest, method)(f"/v1/objects/{col.name}/not-a-uuid")
        assert 400 <= r.status_code < 500, (method, r.status_code)
    with pytest.raises(Exception) as err:        # the client validates too (WeaviateInvalidInputError)
        col.data.insert({"a": "x"}, uuid="not-a-uuid")
    assert "uuid" in str(err.value).lower()


def test_unknown_named_vector_is_an_error(collection_factory):
    col = collection_factory(vector_config=[Configure.Vectors.self_provided(name="v")])
    with pytest.raises(UnexpectedStatusCodeError) as err:
        col.data.insert({"a": "x"}, vector={"nope": [1.0, 2.0]})
    assert err.value.status_code == 422 and "nope" in err.value.message
    col.data.insert_many([{"a": "ok"}])
    res = col.data.insert_many([DataObject(properties={"a": "y"}, vector={"nope": [1.0]}),
                                DataObject(properties={"a": "z"}, vector={"v": [1.0]})])
    assert list(res.errors) == [0] and "nope" in res.errors[0].message
    assert len(col.query.fetch_objects().objects) == 2


def test_insert_invalid_property_name_client_side(collection_factory):
    col = collection_factory()
    with pytest.raises((WeaviateInsertInvalidPropertyError, UnexpectedStatusCodeError)):
        col.data.insert({"id": "reserved"})


# ---------------------------------------------------------------------------------------------- raw REST
def test_rest_error_shape_and_status_codes(collection_factory, rest):
    col = collection_factory(properties=[Property(name="n", data_type=DataType.INT)])
    missing = uuid.UUID(int=77)
    r = rest.get(f"/v1/objects/{col.name}/{missing}")
    assert r.status_code == 404
    assert rest.head(f"/v1/objects/{col.name}/{missing}").status_code == 404
    assert rest.delete(f"/v1/objects/{col.name}/{missing}").status_code == 404

    r = rest.post("/v1/objects", json={"class": col.name, "properties": {"n": "x"}})
    assert r.status_code == 422
    body = r.json()
    assert isinstance(body["error"], list) and set(body["error"][0]) == {"message"}
    assert "'n'" in body["error"][0]["message"]

    r = rest.post("/v1/objects", content=b'{"class": "X", "properties": {', headers={"content-type":
                                                                                 "application/json"})
    assert 400 <= r.status_code < 500
    assert "error" in r.json()
    r = rest.put(f"/v1/objects/{col.name}/{missing}", content=b"[1,2", headers={"content-type":
                                                                                "application/json"})
    assert 400 <= r.status_code < 500
    r = rest.post("/v1/schema", content=b"{nope", headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500 and "error" in r.json()

    uid = uuid.UUID(int=78)
    r = rest.post("/v1/objects", json={"class": col.name, "id": str(uid), "properties": {"n": 5}})
    assert r.status_code == 200
    got = r.json()
    assert got["id"] == str(uid) and got["class"] == col.name and got["properties"] == {"n": 5}
    assert rest.head(f"/v1/objects/{col.name}/{uid}").status_code == 204
    assert rest.get(f"/v1/objects/{col.name}/{uid}").json()["properties"] == {"n": 5}
    r = rest.put(f"/v1/objects/{col.name}/{uid}", json={"class": col.name, "id": str(uuid.UUID(int=79)),
                                                          "properties": {"n": 6}})
    assert r.status_code == 422 and r.json()["error"][0]["message"] == "invalid update: field 'id' is immutable"
    r = rest.put(f"/v1/objects/{col.name}/{uid}", json={"class": col.name, "properties": {"n": 6}})
    assert r.status_code == 200 and r.json()["properties"] == {"n": 6}


def test_object_in_missing_collection_is_404(client, rest):
    r = rest.get(f"/v1/objects/TNoSuchClassHere/{uuid.UUID(int=1)}")
    assert r.status_code == 404
    assert client.collections.get("TNoSuchClassHere").data.exists(uuid.UUID(int=1)) is False


# ---------------------------------------------------------------------------------------------- auto-create
def test_insert_into_missing_collection_autocreates_it(client, collection_name):
    # Weaviate AUTOSCHEMA_ENABLED (default true): autoSchemaManager creates the class on first insert
    name = collection_name
    client.collections.delete(name)
    try:
        col = client.collections.get(name)
        uid = col.data.insert({"title": "auto", "n": 3})
        assert client.collections.exists(name)
        cfg = col.config.get()
        assert {p.name: p.data_type for p in cfg.properties} == {"title": DataType.TEXT, "n": DataType.NUMBER}
        assert col.query.fetch_object_by_id(uid).properties == {"title": "auto", "n": 3.0}
    finally:
        client.collections.delete(name)


def test_batch_into_missing_collection_autocreates_it(client, collection_name):
    name = collection_name
    client.collections.delete(name)
    try:
        res = client.collections.get(name).data.insert_many([{"a": "x", "b": True}, {"a": "y"}])
        assert not res.has_errors
        assert client.collections.exists(name)
        assert len(client.collections.get(name).query.fetch_objects().objects) == 2
    finally:
        client.collections.delete(name)


# ---------------------------------------------------------------------------------------------- upsert semantics
def test_batch_is_an_upsert_and_last_duplicate_wins(collection_factory):
    col = collection_factory(properties=[Property(name="a", data_type=DataType.TEXT),
                                         Property(name="b", data_type=DataType.INT)],
                             vector_config=Configure.Vectors.self_provided())
    uid = uuid.UUID(int=5)
    col.data.insert({"a": "rest", "b": 1}, uuid=uid, vector=[1.0, 0.0])
    res = col.data.insert_many([DataObject(properties={"a": "one"}, uuid=uid, vector=[0.0, 1.0]),
                                DataObject(properties={"a": "two"}, uuid=uid, vector=[0.5, 0.5])])
    assert not res.has_errors
    obj = col.query.fetch_object_by_id(uid, include_vector=True)
    assert obj.properties == {"a": "two"}                  # batch replaces the whole object
    assert obj.vector["default"] == [0.5, 0.5]
    assert len(col.query.fetch_objects().objects) == 1


def test_property_keys_with_capital_first_letter(collection_factory, rest):
    col = collection_factory(properties=[Property(name="title", data_type=DataType.TEXT)])
    r = rest.post("/v1/objects", json={"class": col.name[0].lower() + col.name[1:],
                                       "properties": {"Title": "from rest"}})
    assert r.status_code == 200, r.text
    assert r.json()["class"] == col.name and r.json()["properties"] == {"title": "from rest"}
    uid = col.data.insert_many([{"Title": "from grpc"}]).uuids[0]
    assert col.query.fetch_object_by_id(uid).properties == {"title": "from grpc"}
    assert [p.name for p in col.config.get().properties] == ["title"]


def test_object_without_properties_only_vector(collection_factory):
    col = collection_factory(vector_config=Configure.Vectors.self_provided())
    uid = col.data.insert({}, vector=[0.25, 0.75])
    obj = col.query.fetch_object_by_id(uid, include_vector=True)
    assert obj.properties == {} and obj.vector["default"] == [0.25, 0.75]
    uid2 = col.data.insert_many([DataObject(properties={}, vector=[1.0, 1.0])]).uuids[0]
    assert col.query.fetch_object_by_id(uid2, include_vector=True).vector["default"] == [1.0, 1.0]


# ---------------------------------------------------------------------------------------------- not supported yet
def test_tenant_on_a_non_tenant_collection_is_refused(rest, collection_factory):
    col = collection_factory()
    r = rest.post("/v1/objects", json={"class": col.name, "tenant": "t1", "properties": {"a": "x"}})
    assert r.status_code == 422     # Weaviate's ErrMultiTenancy -> 422 (handlers_objects.go)
    assert r.json()["error"][0]["message"] == (f"class {col.name} has multi-tenancy disabled, but request was "
                                               "with tenant")
