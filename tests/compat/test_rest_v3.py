"""The REST calls the v3 Python client (weaviate-client 3.26.x) and other REST users make: GET /v1/objects
(listing, `after` cursor, include), POST/DELETE /v1/batch/objects (REST where filters), POST /v1/objects/validate and
the deprecated class-less object paths. Shapes, codes and messages as Weaviate 1.36's handlers_objects.go,
handlers_batch_objects.go and usecases/objects (get.go, query.go, validate.go)."""
from __future__ import annotations

import uuid as uuid_mod

import pytest


@pytest.fixture
def v3_class(client, rest, collection_name):
    """A collection as the v3 client creates it: class-level vector, `string`-era text properties."""
    client.collections.delete(collection_name)
    created = rest.post("/v1/schema", json={
        "class": collection_name, "vectorizer": "none",
        "properties": [{"name": "title", "dataType": ["text"]}, {"name": "count", "dataType": ["int"]}]})
    assert created.status_code == 200, created.text
    yield collection_name
    client.collections.delete(collection_name)


def _ids(n: int) -> list[str]:
    return sorted(str(uuid_mod.uuid4()) for _ in range(n))


def _batch(rest, cls: str, ids: list[str], **params):
    objs = [{"class": cls, "id": uid, "properties": {"title": f"t{i}", "count": i}, "vector": [float(i), 1.0]}
            for i, uid in enumerate(ids)]
    return rest.post("/v1/batch/objects", json={"fields": ["ALL"], "objects": objs}, params=params)


def test_batch_import_answers_one_result_per_object(v3_class, rest):
    ids = _ids(3)
    reply = _batch(rest, v3_class, ids, consistency_level="QUORUM")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert [o["id"] for o in body] == ids
    assert all(o["result"] == {"status": "SUCCESS"} and o["class"] == v3_class for o in body)
    assert rest.get(f"/v1/objects/{v3_class}/{ids[1]}").json()["properties"] == {"title": "t1", "count": 1}


def test_batch_import_fails_bad_objects_alone(v3_class, rest):
    good, bad = _ids(2)
    reply = rest.post("/v1/batch/objects", json={"objects": [
        {"class": v3_class, "id": good, "properties": {"count": 1}},
        {"class": v3_class, "id": bad, "properties": {"count": "not a number"}}]})
    assert reply.status_code == 200
    first, second = reply.json()
    assert first["result"] == {"status": "SUCCESS"}
    assert second["result"]["status"] == "FAILED"
    assert second["result"]["errors"]["error"][0]["message"]
    assert rest.head(f"/v1/objects/{v3_class}/{bad}").status_code == 404


def test_unknown_consistency_level_is_400(v3_class, rest):
    reply = _batch(rest, v3_class, _ids(1), consistency_level="SOME")
    assert reply.status_code == 400
    assert reply.json()["error"][0]["message"] == ("unrecognized consistency level 'SOME', try one of the "
                                                   "following: ['ONE', 'QUORUM', 'ALL']")


def test_listing_a_class_pages_in_uuid_order(v3_class, rest):
    ids = _ids(5)
    _batch(rest, v3_class, ids)
    reply = rest.get("/v1/objects", params={"class": v3_class, "limit": 2, "offset": 1})
    assert reply.status_code == 200
    body = reply.json()
    assert [o["id"] for o in body["objects"]] == ids[1:3]
    assert body["totalResults"] == 2 and body["deprecations"] == []
    first = body["objects"][0]
    assert first["class"] == v3_class and "vector" not in first and first["creationTimeUnix"] > 0
    with_vector = rest.get("/v1/objects", params={"class": v3_class, "limit": 1, "include": "vector"}).json()
    assert with_vector["objects"][0]["vector"] == [0.0, 1.0]


def test_cursor_walks_every_object_once(v3_class, rest):
    ids = _ids(7)
    _batch(rest, v3_class, ids)
    seen, after = [], ""
    while True:
        page = rest.get("/v1/objects", params={"class": v3_class, "limit": 3, "after": after}).json()["objects"]
        if not page:
            break
        seen += [o["id"] for o in page]
        after = page[-1]["id"]
    assert seen == ids


@pytest.mark.parametrize("params,message", [
    ({"offset": 1, "limit": 2, "after": ""}, "offset cannot be set with after and limit parameters"),
    ({"sort": "title", "limit": 2, "after": ""}, "sort cannot be set with after and limit parameters"),
    ({"after": ""}, "limit parameter must be set"),
])
def test_cursor_rules(v3_class, rest, params, message):
    reply = rest.get("/v1/objects", params={"class": v3_class, **params})
    assert reply.status_code == 422
    assert reply.json()["error"][0]["message"] == f"msg:cursor api: invalid 'after' parameter code:400 err:{message}"


def test_listing_sorts_and_refuses_unknown_include(v3_class, rest):
    _batch(rest, v3_class, _ids(3))
    reply = rest.get("/v1/objects", params={"class": v3_class, "sort": "count", "order": "desc"})
    assert [o["properties"]["count"] for o in reply.json()["objects"]] == [2, 1, 0]
    refused = rest.get("/v1/objects", params={"class": v3_class, "include": "vector,nope"})
    assert refused.status_code == 400
    assert refused.json()["error"][0]["message"] == "unrecognized property 'nope' in ?include list"


def test_listing_limits(v3_class, rest):
    over = rest.get("/v1/objects", params={"class": v3_class, "limit": 20000})
    assert over.status_code == 422
    assert over.json()["error"][0]["message"] == "msg:offset or limit code:400 err:query maximum results exceeded"
    assert rest.get("/v1/objects", params={"class": "NoSuchClassAnywhere"}).status_code == 404
    cursor_without_class = rest.get("/v1/objects", params={"after": str(uuid_mod.uuid4()), "limit": 1})
    assert cursor_without_class.status_code == 500
    assert "cursor must be specific to one class" in cursor_without_class.json()["error"][0]["message"]


def test_listing_without_class_spans_collections(v3_class, rest):
    ids = _ids(2)
    _batch(rest, v3_class, ids)
    body = rest.get("/v1/objects", params={"limit": 10000}).json()
    assert body["deprecations"] is None
    assert set(ids) <= {o["id"] for o in body["objects"]}


def test_batch_delete_with_a_rest_where_filter(v3_class, rest):
    ids = _ids(4)
    _batch(rest, v3_class, ids)
    where = {"operator": "And", "operands": [
        {"path": ["count"], "operator": "GreaterThanEqual", "valueInt": 1},
        {"path": ["title"], "operator": "NotEqual", "valueText": "t3"}]}
    dry = rest.request("DELETE", "/v1/batch/objects", json={"match": {"class": v3_class, "where": where},
                                                            "output": "verbose", "dryRun": True})
    assert dry.status_code == 200, dry.text
    results = dry.json()["results"]
    assert results["matches"] == 2 and results["successful"] == 0 and results["limit"] == 10000
    assert sorted(o["id"] for o in results["objects"]) == sorted(ids[1:3])
    assert {o["status"] for o in results["objects"]} == {"DRYRUN"}
    done = rest.request("DELETE", "/v1/batch/objects", json={"match": {"class": v3_class, "where": where}})
    body = done.json()
    assert body["output"] == "minimal" and body["dryRun"] is False and body["match"]["class"] == v3_class
    assert body["results"]["successful"] == 2 and body["results"]["objects"] is None
    left = rest.get("/v1/objects", params={"class": v3_class}).json()["objects"]
    assert sorted(o["id"] for o in left) == [ids[0], ids[3]]


def test_batch_delete_refuses_a_malformed_where(v3_class, rest):
    reply = rest.request("DELETE", "/v1/batch/objects", json={"match": {"class": v3_class, "where": {
        "path": ["count"], "operator": "Equal"}}})
    assert reply.status_code == 422
    assert "value" in reply.json()["error"][0]["message"]


def test_validate_writes_nothing(v3_class, rest):
    uid = str(uuid_mod.uuid4())
    ok = rest.post("/v1/objects/validate", json={"class": v3_class, "id": uid, "properties": {"title": "x"}})
    assert ok.status_code == 200 and ok.content == b""
    assert rest.head(f"/v1/objects/{v3_class}/{uid}").status_code == 404
    bad = rest.post("/v1/objects/validate", json={"class": v3_class, "properties": {"nope": "x"}})
    assert bad.status_code == 422
    assert bad.json()["error"][0]["message"].startswith("invalid object: no such prop with name 'nope'")
    missing = rest.post("/v1/objects/validate", json={"class": "NoSuchClassAnywhere", "properties": {}})
    assert missing.status_code == 422
    assert missing.json()["error"][0]["message"].startswith("invalid object: ")


def test_classless_object_paths(v3_class, rest):
    uid = _ids(1)[0]
    _batch(rest, v3_class, [uid])
    assert rest.head(f"/v1/objects/{uid}").status_code == 204
    got = rest.get(f"/v1/objects/{uid}", params={"include": "vector"}).json()
    assert got["class"] == v3_class and got["vector"] == [0.0, 1.0]
    assert rest.patch(f"/v1/objects/{uid}", json={"class": v3_class, "properties": {"count": 9}}).status_code == 204
    replaced = rest.put(f"/v1/objects/{uid}", json={"class": v3_class, "properties": {"title": "new"}})
    assert replaced.status_code == 200 and replaced.json()["properties"] == {"title": "new"}
    assert rest.delete(f"/v1/objects/{uid}").status_code == 204
    assert rest.head(f"/v1/objects/{uid}").status_code == 404
    assert rest.get(f"/v1/objects/{uid}").status_code == 404
    assert rest.delete(f"/v1/objects/{uid}").status_code == 404


def test_classless_reference_paths(client, rest, collection_name):
    client.collections.delete(collection_name)
    assert rest.post("/v1/schema", json={"class": collection_name, "vectorizer": "none", "properties": [
        {"name": "name", "dataType": ["text"]}, {"name": "friend", "dataType": [collection_name]}]}).status_code == 200
    try:
        a, b = _ids(2)
        for uid in (a, b):
            assert rest.post("/v1/objects", json={"class": collection_name, "id": uid,
                                                  "properties": {"name": uid}}).status_code == 200
        beacon = {"beacon": f"weaviate://localhost/{collection_name}/{b}"}
        assert rest.post(f"/v1/objects/{a}/references/friend", json=beacon).status_code == 200
        stored = rest.get(f"/v1/objects/{collection_name}/{a}").json()["properties"]["friend"]
        assert [r["beacon"] for r in stored] == [beacon["beacon"]]
        assert rest.request("DELETE", f"/v1/objects/{a}/references/friend", json=beacon).status_code == 204
        assert rest.post(f"/v1/objects/{uuid_mod.uuid4()}/references/friend", json=beacon).status_code == 404
    finally:
        client.collections.delete(collection_name)


def test_classifications_are_refused_clearly(rest):
    reply = rest.post("/v1/classifications", json={})
    assert reply.status_code == 501
    assert reply.json()["error"][0]["message"] == "classifications (/v1/classifications) is not supported by loomdb yet"
