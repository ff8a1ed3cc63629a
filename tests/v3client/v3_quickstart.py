"""The v3 Python client's quick start (weaviate-client 3.26.x, REST + GraphQL) against a running loomdb.

Not part of the main suite (v3 and v4 share the package name `weaviate`, so they cannot live in one venv): run.sh
beside this file builds a throwaway venv with the v3 client, starts `loomdb serve` and runs this file against it
(LOOMDB_V3_URL). The GraphQL steps run only when the server answers /v1/graphql."""
from __future__ import annotations

import os
import uuid as uuid_mod

import pytest
import requests
import weaviate

URL = os.environ.get("LOOMDB_V3_URL", "http://127.0.0.1:8080")
CLASS = "V3QuickStart"
VECTORS = {i: [1.0, float(i), float(i % 3)] for i in range(30)}
IDS = {i: str(uuid_mod.UUID(int=i + 1)) for i in VECTORS}


def _graphql_served() -> bool:
    try:
        reply = requests.post(f"{URL}/v1/graphql", json={"query": "{ __typename }"}, timeout=10)
    except requests.RequestException:
        return False
    return reply.status_code == 200


graphql = pytest.mark.skipif(not _graphql_served(), reason="the server does not answer /v1/graphql yet")


@pytest.fixture(scope="module")
def client():
    client = weaviate.Client(URL)
    if client.schema.exists(CLASS):
        client.schema.delete_class(CLASS)
    client.schema.create_class({
        "class": CLASS, "vectorizer": "none",
        "properties": [{"name": "title", "dataType": ["string"]}, {"name": "wordCount", "dataType": ["int"]},
                       {"name": "category", "dataType": ["text"]}]})
    failures: list = []
    client.batch.configure(batch_size=8, callback=lambda results: failures.extend(
        r for r in results or [] if "errors" in r.get("result", {})))
    with client.batch as batch:
        for i, vector in VECTORS.items():
            batch.add_data_object({"title": f"article number {i}", "wordCount": i * 10,
                                   "category": "even" if i % 2 == 0 else "odd"}, CLASS, uuid=IDS[i], vector=vector)
    assert failures == []
    yield client
    client.schema.delete_class(CLASS)


def test_schema_create_migrates_string(client):
    schema = client.schema.get(CLASS)
    types = {p["name"]: p["dataType"] for p in schema["properties"]}
    assert types["title"] == ["text"] and types["wordCount"] == ["int"]


def test_batch_import_and_get_by_id(client):
    obj = client.data_object.get_by_id(IDS[3], class_name=CLASS, with_vector=True)
    assert obj["properties"]["title"] == "article number 3" and obj["vector"] == VECTORS[3]
    assert client.data_object.exists(IDS[3], class_name=CLASS)
    assert client.data_object.get_by_id(IDS[4], with_vector=False)["class"] == CLASS    # class-less path


def test_validate(client):
    assert client.data_object.validate({"title": "x"}, CLASS)["valid"] is True
    refused = client.data_object.validate({"nope": 1}, CLASS)
    assert refused["valid"] is False and "no such prop with name 'nope'" in refused["error"][0]["message"]


def test_cursor_iteration_with_after_over_rest(client):
    seen, after = [], None
    while True:
        page = client.data_object.get(class_name=CLASS, limit=7, after=after)["objects"]
        if not page:
            break
        seen += [o["id"] for o in page]
        after = page[-1]["id"]
    assert seen == sorted(IDS.values())


def test_batch_delete_dry_run(client):
    where = {"path": ["wordCount"], "operator": "LessThan", "valueInt": 50}
    result = client.batch.delete_objects(CLASS, where=where, output="verbose", dry_run=True)
    assert result["results"]["matches"] == 5
    assert {o["status"] for o in result["results"]["objects"]} == {"DRYRUN"}


@graphql
def test_near_vector_with_where(client):
    result = (client.query.get(CLASS, ["title", "category"]).with_near_vector({"vector": VECTORS[4]})
              .with_where({"path": ["category"], "operator": "Equal", "valueText": "even"})
              .with_limit(3).with_additional(["distance"]).do())
    hits = result["data"]["Get"][CLASS]
    assert hits[0]["title"] == "article number 4" and all(h["category"] == "even" for h in hits)


@graphql
def test_bm25(client):
    result = client.query.get(CLASS, ["title"]).with_bm25(query="number 7").with_limit(3).do()
    assert result["data"]["Get"][CLASS]


@graphql
def test_aggregate(client):
    result = client.query.aggregate(CLASS).with_meta_count().do()
    assert result["data"]["Aggregate"][CLASS][0]["meta"]["count"] == len(VECTORS)


@graphql
def test_cursor_iteration_with_after_over_graphql(client):
    seen, after = [], None
    while True:
        query = client.query.get(CLASS, ["title"]).with_additional(["id"]).with_limit(7)
        page = (query.with_after(after) if after else query).do()["data"]["Get"][CLASS]
        if not page:
            break
        seen += [o["_additional"]["id"] for o in page]
        after = seen[-1]
    assert seen == sorted(IDS.values())
