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


@pytest.mark.parametrize("match,message", [
    ({"where": {"path": ["count"], "operator": "Equal", "valueInt": 1}}, "validate: empty match.class clause"),
    ({"class": "{cls}"}, "validate: empty match.where clause"),
    ({"class": "{cls}", "where": {"path": ["count"], "operator": "Equal"}},
     "validate: failed to parse where filter: invalid where filter: got operator 'Equal', but no value<Type> "
     "field set"),
    ({"class": "{cls}", "where": {"operator": "And", "operands": [{"operator": "Same", "path": ["count"]}]}},
     "validate: failed to parse where filter: invalid where filter: operand 0: unrecognized operator: Same"),
    ({"class": "NoSuchClassAnywhere", "where": {"path": ["count"], "operator": "Equal", "valueInt": 1}},
     "validate: failed to get class: NoSuchClassAnywhere, with err=<nil>"),
])
def test_batch_delete_refusals(v3_class, rest, match, message):
    match = {k: v.replace("{cls}", v3_class) if isinstance(v, str) else v for k, v in match.items()}
    reply = rest.request("DELETE", "/v1/batch/objects", json={"match": match})
    assert reply.status_code == 422
    assert reply.json()["error"][0]["message"] == message


def test_batch_import_refusals(v3_class, rest):
    empty = rest.post("/v1/batch/objects", json={"objects": []})
    assert empty.status_code == 422
    assert empty.json()["error"][0]["message"] == ("invalid param 'objects': cannot be empty, need at least one "
                                                   "object for batching")
    reply = rest.post("/v1/batch/objects", json={"objects": [{"properties": {"title": "x"}}]})
    (only,) = reply.json()
    assert only["result"]["errors"]["error"][0]["message"] == "object has an empty class"
    assert only["creationTimeUnix"] == only["lastUpdateTimeUnix"] > 0


def test_multi_tenant_batch_listing_and_delete(client, rest, collection_name):
    client.collections.delete(collection_name)
    assert rest.post("/v1/schema", json={"class": collection_name, "vectorizer": "none",
                                         "multiTenancyConfig": {"enabled": True},
                                         "properties": [{"name": "title", "dataType": ["text"]}]}).status_code == 200
    try:
        assert rest.post(f"/v1/schema/{collection_name}/tenants", json=[{"name": "a"}, {"name": "b"}]).status_code \
            == 200
        ids = _ids(3)
        objs = [{"class": collection_name, "id": uid, "tenant": tenant, "properties": {"title": uid}}
                for uid, tenant in zip(ids, ("a", "a", "b"))]
        reply = rest.post("/v1/batch/objects", json={"objects": objs})
        assert [o["result"]["status"] for o in reply.json()] == ["SUCCESS"] * 3
        listed = rest.get("/v1/objects", params={"class": collection_name, "tenant": "a"}).json()["objects"]
        assert [o["id"] for o in listed] == ids[:2] and {o["tenant"] for o in listed} == {"a"}
        everywhere = rest.get("/v1/objects", params={"tenant": "b", "limit": 10000}).json()["objects"]
        assert ids[2] in {o["id"] for o in everywhere} and not {ids[0], ids[1]} & {o["id"] for o in everywhere}
        without = rest.get("/v1/objects", params={"class": collection_name})
        assert without.status_code == 422
        where = {"path": ["title"], "operator": "Like", "valueText": "*"}
        deleted = rest.request("DELETE", "/v1/batch/objects", params={"tenant": "a"},
                               json={"match": {"class": collection_name, "where": where}})
        assert deleted.json()["results"]["successful"] == 2
        assert rest.get("/v1/objects", params={"class": collection_name, "tenant": "b"}).json()["totalResults"] == 1
    finally:
        client.collections.delete(collection_name)


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
    assert rest.get(f"/v1/objects/{uid}", params={"include": "nope"}).status_code == 400


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
