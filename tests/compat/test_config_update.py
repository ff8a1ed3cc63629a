"""collection.config.update / add_property / add_reference / add_vector / shards, through the official client."""
from __future__ import annotations

import uuid

import pytest
from weaviate.classes.config import (
    Configure,
    DataType,
    Property,
    Reconfigure,
    ReferenceProperty,
    ReplicationDeletionStrategy,
    StopwordsPreset,
    VectorFilterStrategy,
)
from weaviate.classes.query import MetadataQuery
from weaviate.exceptions import UnexpectedStatusCodeError, WeaviateInsertManyAllFailedError

PARSE = "updating schema: TYPE_UPDATE_CLASS: bad request :parse class update: "


@pytest.fixture
def docs(collection_factory):
    c = collection_factory(properties=[Property(name="body", data_type=DataType.TEXT)],
                           vector_config=Configure.Vectors.self_provided())
    c.data.insert_many([{"body": "apple apple apple banana " + "filler " * n} for n in range(1, 6)])
    return c


# weaviate-client >= 4.24 deprecates `async_enabled` (the field leaves the schema in Weaviate 1.38); the
# 1.36 servers loomdb matches still store it, so it must still round-trip
@pytest.mark.filterwarnings("ignore:Dep030:DeprecationWarning")
def test_every_mutable_setting_round_trips(docs):
    docs.config.update(
        description="new words",
        inverted_index_config=Reconfigure.inverted_index(bm25_k1=1.9, bm25_b=0.3, cleanup_interval_seconds=17,
                                                         stopwords_preset=StopwordsPreset.NONE,
                                                         stopwords_additions=["zebra"], stopwords_removals=["a"]),
        vector_config=Reconfigure.Vectors.update(
            name="default", vector_index_config=Reconfigure.VectorIndex.hnsw(
                ef=77, dynamic_ef_min=11, dynamic_ef_max=99, dynamic_ef_factor=5, flat_search_cutoff=1234,
                vector_cache_max_objects=4321, filter_strategy=VectorFilterStrategy.ACORN,
                quantizer=Reconfigure.VectorIndex.Quantizer.bq())),
        replication_config=Reconfigure.replication(factor=3, async_enabled=True,
                                                   deletion_strategy=ReplicationDeletionStrategy.DELETE_ON_CONFLICT))
    cfg = docs.config.get()
    assert cfg.description == "new words"
    inv = cfg.inverted_index_config
    assert (inv.bm25.k1, inv.bm25.b, inv.cleanup_interval_seconds) == (1.9, 0.3, 17)
    assert inv.stopwords.preset == StopwordsPreset.NONE and inv.stopwords.additions == ["zebra"]
    hnsw = cfg.vector_config["default"].vector_index_config
    assert (hnsw.ef, hnsw.dynamic_ef_min, hnsw.dynamic_ef_max, hnsw.dynamic_ef_factor) == (77, 11, 99, 5)
    assert (hnsw.flat_search_cutoff, hnsw.vector_cache_max_objects) == (1234, 4321)
    assert hnsw.filter_strategy == VectorFilterStrategy.ACORN and hnsw.quantizer is not None
    rep = cfg.replication_config
    assert (rep.factor, rep.async_enabled) == (3, True)
    assert rep.deletion_strategy == ReplicationDeletionStrategy.DELETE_ON_CONFLICT
    assert len(docs) == 5                          # data untouched


def test_bm25_parameters_and_stopwords_change_scores(docs):
    def scores():
        res = docs.query.bm25("apple", limit=5, return_metadata=MetadataQuery(score=True))
        return [o.metadata.score for o in res.objects]

    before = scores()
    docs.config.update(inverted_index_config=Reconfigure.inverted_index(bm25_k1=0.1, bm25_b=0.0))
    after = scores()
    assert before != after
    assert max(after) - min(after) < 1e-6          # b = 0: document length no longer matters
    docs.config.update(inverted_index_config=Reconfigure.inverted_index(stopwords_additions=["apple"]))
    assert docs.query.bm25("apple", limit=5).objects == []


def test_multi_tenancy_flags_update(collection_factory):
    c = collection_factory(multi_tenancy_config=Configure.multi_tenancy(enabled=True),
                           vector_config=Configure.Vectors.self_provided())
    c.config.update(multi_tenancy_config=Reconfigure.multi_tenancy(auto_tenant_creation=True,
                                                                     auto_tenant_activation=True))
    mt = c.config.get().multi_tenancy_config
    assert mt.auto_tenant_creation and mt.auto_tenant_activation


def _put(rest, name: str, change) -> tuple[int, str]:
    body = rest.get(f"/v1/schema/{name}").json()
    change(body)
    r = rest.put(f"/v1/schema/{name}", json=body)
    return r.status_code, (r.json()["error"][0]["message"] if r.status_code != 200 else "")


def test_immutable_settings_are_refused_with_weaviates_errors(docs, rest):
    name = docs.name
    cases = [
        (lambda b: b["vectorConfig"]["default"]["vectorIndexConfig"].update(distance="dot"),
         PARSE + 'invalid update for vector "default": distance is immutable: attempted change from "cosine" to '
                 '"dot"'),
        (lambda b: b["vectorConfig"]["default"]["vectorIndexConfig"].update(efConstruction=7),
         PARSE + 'invalid update for vector "default": efConstruction is immutable: attempted change from "128" to '
                 '"7"'),
        (lambda b: b["vectorConfig"]["default"].update(vectorizer={"text2vec-openai": {}}),
         f'vectorizer config of vector "default" is immutable for class {name}'),
        (lambda b: b["vectorConfig"]["default"].update(vectorIndexType="flat"),
         PARSE + 'vector index type of vector "default" is immutable: attempted change from "hnsw" to "flat"'),
        (lambda b: b["properties"][0].update(dataType=["int"]),
         PARSE + 'property "body": property fields other than description cannot be updated through updating the '
                 'class. Use the add property feature (e.g. "POST /v1/schema/{className}/properties") to add '
                 'additional properties'),
        (lambda b: b["invertedIndexConfig"].update(indexTimestamps=True),
         '"indexTimestamp" setting is immutable. Value changed from "false" to "true"'),
        (lambda b: b["multiTenancyConfig"].update(enabled=True),
         "enabling multi-tenancy for an existing class is not supported"),
        (lambda b: b.update({"class": name + "X"}),
         f'class name is immutable: attempted change from "{name}" to "{name}X"'),
        (lambda b: b["shardingConfig"].update(desiredCount=3),
         PARSE + 'validate sharding config: re-sharding not supported yet: shard count is immutable: attempted '
                 'change from "1" to "3"'),
    ]
    for change, message in cases:
        assert _put(rest, name, change) == (422, message)
    assert rest.put("/v1/schema/NoSuchClassAnywhere", json={"class": "NoSuchClassAnywhere"}).status_code == 404
    # a property description is mutable
    assert _put(rest, name, lambda b: b["properties"][0].update(description="the text")) == (200, "")
    assert docs.config.get().properties[0].description == "the text"


def test_legacy_vector_immutables(client, collection_factory, rest):
    name = collection_factory().name + "Legacy"
    client.collections.delete(name)
    client.collections.create_from_dict({"class": name, "vectorizer": "none"})
    try:
        assert _put(rest, name, lambda b: b["vectorIndexConfig"].update(distance="l2-squared")) == (
            422, PARSE + 'validate vector index config: distance is immutable: attempted change from "cosine" to '
                         '"l2-squared"')
        assert _put(rest, name, lambda b: b["vectorIndexConfig"].update(ef=50)) == (200, "")
    finally:
        client.collections.delete(name)


def test_add_property_reference_and_vector(client, collection_factory, docs):
    target = collection_factory("Target")
    docs.config.add_property(Property(name="extra", data_type=DataType.INT))
    docs.config.add_reference(ReferenceProperty(name="linksTo", target_collection=target.name))
    docs.config.add_vector(vector_config=Configure.Vectors.self_provided(name="second"))
    cfg = docs.config.get()
    assert {p.name for p in cfg.properties} == {"body", "extra"}
    assert [r.name for r in cfg.references] == ["linksTo"]
    assert set(cfg.vector_config) == {"default", "second"}
    # the new vector space starts empty and takes vectors from now on
    uid = docs.data.insert({"body": "pear", "extra": 3}, vector={"default": [1.0, 0.0], "second": [0.0, 1.0, 0.0]})
    hits = docs.query.near_vector([0.0, 1.0, 0.0], target_vector="second", limit=10)
    assert [o.uuid for o in hits.objects] == [uid]
    assert len(docs) == 6


def test_shards_readonly_refuses_writes(docs):
    shards = docs.config.get_shards()
    assert [s.status for s in shards] == ["READY"]
    assert docs.config.update_shards("READONLY") == {shards[0].name: "READONLY"}
    assert docs.config.get_shards()[0].status == "READONLY"
    with pytest.raises(UnexpectedStatusCodeError, match="store is read-only"):
        docs.data.insert({"body": "x"})
    with pytest.raises(WeaviateInsertManyAllFailedError):
        docs.data.insert_many([{"body": "y"}])
    assert len(docs) == 5
    assert docs.query.bm25("apple", limit=1).objects       # reads still work
    docs.config.update_shards("READY")
    docs.data.insert({"body": "z"}, uuid=uuid.uuid4())
    assert len(docs) == 6
