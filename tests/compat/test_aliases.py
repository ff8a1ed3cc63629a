"""Aliases (client.alias.*, /v1/aliases) and consistency levels, through the official client."""
from __future__ import annotations

import uuid

import pytest
from weaviate.classes.config import Configure, ConsistencyLevel, DataType, Property
from weaviate.classes.query import Filter
from weaviate.exceptions import UnexpectedStatusCodeError


@pytest.fixture
def books(collection_factory):
    c = collection_factory(properties=[Property(name="title", data_type=DataType.TEXT)],
                           vector_config=Configure.Vectors.self_provided())
    c.data.insert({"title": "dune"}, vector=[1.0, 0.0])
    return c


def test_alias_lifecycle_and_use_everywhere(client, books, collection_factory, rest):
    alias = books.name + "Alias"
    client.alias.delete(alias_name=alias)
    client.alias.create(alias_name=alias, target_collection=books.name)
    try:
        got = client.alias.get(alias_name=alias)
        assert (got.alias, got.collection) == (alias, books.name)
        assert alias in client.alias.list_all() and client.alias.list_all(collection=books.name)[alias]
        via = client.collections.use(alias)
        # writes (REST + gRPC batch), reads (gRPC search/aggregate, REST get) all resolve the alias
        uid = via.data.insert({"title": "emma"}, vector=[0.0, 1.0])
        via.data.insert_many([{"title": "ulysses"}])
        assert len(via) == 3 and len(books) == 3
        assert via.query.fetch_object_by_id(uid).properties["title"] == "emma"
        assert via.query.near_vector([0.0, 1.0], limit=1).objects[0].uuid == uid
        assert via.query.bm25("dune").objects[0].collection == books.name
        assert rest.get(f"/v1/objects/{alias}/{uid}").json()["class"] == books.name
        assert via.data.delete_many(where=Filter.by_property("title").equal("ulysses")).successful == 1
        assert rest.get(f"/v1/schema/{alias}").json()["class"] == books.name
        # repoint, then delete
        other = collection_factory("Other")
        assert client.alias.update(alias_name=alias, new_target_collection=other.name)
        assert client.alias.get(alias_name=alias).collection == other.name
        assert len(client.collections.use(alias)) == 0
    finally:
        assert client.alias.delete(alias_name=alias)
    assert client.alias.get(alias_name=alias) is None
    assert not client.alias.delete(alias_name=alias)
    assert not client.alias.update(alias_name=alias, new_target_collection=books.name)


def test_alias_clashes_use_weaviates_errors(client, books, collection_factory, rest):
    alias = books.name + "Clash"
    client.alias.delete(alias_name=alias)
    client.alias.create(alias_name=alias, target_collection=books.name)
    try:
        with pytest.raises(UnexpectedStatusCodeError, match=f"create alias: alias {alias} already exists"):
            client.alias.create(alias_name=alias, target_collection=books.name)
        with pytest.raises(UnexpectedStatusCodeError, match=f"create alias: class {books.name} already exists"):
            client.alias.create(alias_name=books.name, target_collection=books.name)
        r = rest.post("/v1/schema", json={"class": alias})
        assert r.status_code == 422 and r.json()["error"][0]["message"] == f"alias name {alias} already exists"
        r = rest.post("/v1/aliases", json={"alias": "Nowhere" + alias, "class": "NoSuchCollectionAtAll"})
        assert r.status_code == 422
        assert r.json()["error"][0]["message"] == "create alias: class NoSuchCollectionAtAll does not exist"
    finally:
        client.alias.delete(alias_name=alias)


@pytest.mark.loomdb_only("starts its own loomdb, opens its data directory")
def test_alias_persists_and_dies_with_its_collection(tmp_path):
    import loomdb
    from loomdb.engine.database import Database
    from loomdb.usecases.schema import SchemaService

    srv = loomdb.start_embedded(tmp_path)
    try:
        schema = srv.ctx.schema
        schema.create(None, {"class": "Keep"})
        schema.create(None, {"class": "Drop"})
        schema.create_alias(None, "keepAlias", "Keep")
        schema.create_alias(None, "DropAlias", "Drop")
        schema.delete(None, "Drop")
    finally:
        srv.stop()
    db = Database(tmp_path)
    try:
        assert SchemaService(db).list_aliases(None) == [{"alias": "KeepAlias", "class": "Keep"}]
        assert db.collection("keepAlias").name == "Keep"
    finally:
        db.close()


@pytest.mark.parametrize("level", [ConsistencyLevel.ONE, ConsistencyLevel.QUORUM, ConsistencyLevel.ALL])
def test_consistency_levels_are_accepted_everywhere(books, level, rest):
    c = books.with_consistency_level(level)
    uid = c.data.insert({"title": "x"}, vector=[1.0, 1.0])
    c.data.update(uid, properties={"title": "y"})
    c.data.replace(uid, properties={"title": "z"}, vector=[1.0, 1.0])
    assert c.data.insert_many([{"title": "w"}]).has_errors is False
    with c.batch.fixed_size(10) as batch:
        batch.add_object({"title": "v"})
    with c.batch.stream() as batch:
        batch.add_object({"title": "u"}, vector=[0.5, 0.5])
    assert c.query.fetch_object_by_id(uid).properties["title"] == "z"
    assert c.data.exists(uid)
    assert c.aggregate.over_all(total_count=True).total_count == 5
    assert c.data.delete_many(where=Filter.by_property("title").equal("w")).successful == 1
    assert c.data.delete_by_id(uid)
    r = rest.get(f"/v1/objects/{books.name}/{uuid.uuid4()}?consistency_level={level.value}")
    assert r.status_code == 404
