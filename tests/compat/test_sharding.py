"""Sharding through the official client: a collection created with desired_count N has N shards (get_shards,
/v1/nodes, sharding_config), objects spread over them by Weaviate's murmur3 ring, every query kind answers as a
one-shard collection on the same data (bm25 with each shard's own statistics, as Weaviate scores it), placement
survives a restart, and a READONLY shard refuses only the writes routed to it."""
from __future__ import annotations

import random
import re
import uuid as uuid_mod

import pytest
import weaviate
from weaviate.classes.aggregate import GroupByAggregate
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.query import Filter, GroupBy, HybridFusion, MetadataQuery, Sort
from weaviate.collections.classes.aggregate import Metrics

import loomdb

WORDS = ["apple", "banana", "cherry", "date", "elder", "fig", "grape", "honey"]
PROPS = [Property(name="body", data_type=DataType.TEXT), Property(name="n", data_type=DataType.INT),
         Property(name="cat", data_type=DataType.TEXT)]


def make(factory, suffix: str, shards: int):
    return factory(suffix, properties=PROPS, vector_config=Configure.Vectors.self_provided(),
                   sharding_config=Configure.sharding(desired_count=shards) if shards > 1 else None)


def dataset(count: int = 240, seed: int = 7) -> list[tuple[str, dict, list[float]]]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 9)))
        rows.append((str(uuid_mod.UUID(int=rng.getrandbits(128))), {"body": body, "n": rng.randint(0, 50),
                     "cat": f"c{i % 5}"}, [rng.uniform(-1, 1) for _ in range(8)]))
    return rows


def fill(col, rows) -> None:
    with col.batch.fixed_size(100) as batch:
        for uid, props, vec in rows:
            batch.add_object(properties=props, uuid=uid, vector=vec)
    assert not col.batch.failed_objects


def shard_counts(client, name: str) -> dict[str, int]:
    nodes = client.cluster.nodes(collection=name, output="verbose")
    return {s.name: s.object_count for node in nodes for s in node.shards if s.collection == name}


def ids(result) -> list[str]:
    return [str(o.uuid) for o in result.objects]


@pytest.fixture
def pair(collection_factory):
    """The same 240 objects in a one-shard and a three-shard collection."""
    rows = dataset()
    one, three = make(collection_factory, "One", 1), make(collection_factory, "Three", 3)
    fill(one, rows)
    fill(three, rows)
    return one, three, rows


def test_desired_count_makes_that_many_shards(client, collection_factory):
    col = make(collection_factory, "", 3)
    names = [s.name for s in col.config.get_shards()]
    assert len(names) == 3 and all(re.fullmatch(r"[A-Za-z0-9]{12}", n) for n in names)
    cfg = col.config.get().sharding_config
    assert (cfg.desired_count, cfg.actual_count, cfg.virtual_per_physical) == (3, 3, 128)
    assert (cfg.key, cfg.strategy, cfg.function) == ("_id", "hash", "murmur3")
    fill(col, dataset(300))
    counts = shard_counts(client, col.name)
    assert set(counts) == set(names) and sum(counts.values()) == 300
    assert all(c > 50 for c in counts.values())         # 128 virtual shards each: an even spread
    assert len(col) == 300


def test_multi_tenant_collections_ignore_sharding(collection_factory):
    col = collection_factory("", vector_config=Configure.Vectors.self_provided(),
                             multi_tenancy_config=Configure.multi_tenancy(enabled=True))
    col.tenants.create(["a"])
    assert [s.name for s in col.config.get_shards()] == ["a"]
    assert col.config.get().sharding_config is None      # the client hides it for multi-tenant collections


def test_vector_queries_match_one_shard(pair):
    one, three, rows = pair
    query = rows[3][2]
    a = one.query.near_vector(query, limit=15, offset=5, return_metadata=MetadataQuery(distance=True))
    b = three.query.near_vector(query, limit=15, offset=5, return_metadata=MetadataQuery(distance=True))
    assert ids(a) == ids(b)
    assert [o.metadata.distance for o in a.objects] == pytest.approx([o.metadata.distance for o in b.objects])
    flt = Filter.by_property("n").less_than(20)
    assert ids(one.query.near_vector(query, limit=10, filters=flt)) == \
        ids(three.query.near_vector(query, limit=10, filters=flt))
    near = three.query.near_object(rows[0][0], limit=3)
    assert ids(near)[0] == rows[0][0]
    for fusion in (HybridFusion.RANKED, HybridFusion.RELATIVE_SCORE):
        ha = one.query.hybrid("apple", vector=query, alpha=1.0, limit=10, fusion_type=fusion)
        hb = three.query.hybrid("apple", vector=query, alpha=1.0, limit=10, fusion_type=fusion)
        assert ids(ha) == ids(hb)
    grouped = [three.query.near_vector(query, limit=30, group_by=GroupBy(prop="cat", number_of_groups=3,
                                                                         objects_per_group=4)),
               one.query.near_vector(query, limit=30, group_by=GroupBy(prop="cat", number_of_groups=3,
                                                                       objects_per_group=4))]
    assert [sorted(str(o.uuid) for o in g.objects) for g in grouped[0].groups.values()] == \
        [sorted(str(o.uuid) for o in g.objects) for g in grouped[1].groups.values()]


def test_listing_paging_iterator_and_sort_match_one_shard(pair):
    one, three, rows = pair
    assert ids(one.query.fetch_objects(limit=40, offset=30)) == ids(three.query.fetch_objects(limit=40, offset=30))
    assert ids(three.query.fetch_objects(limit=1000)) == sorted(r[0] for r in rows)      # uuid order
    assert [str(o.uuid) for o in three.iterator()] == [str(o.uuid) for o in one.iterator()]
    sort = Sort.by_property("n", ascending=False).by_property("body")
    a, b = one.query.fetch_objects(limit=50, sort=sort), three.query.fetch_objects(limit=50, sort=sort)
    assert [(o.properties["n"], o.properties["body"]) for o in a.objects] == \
        [(o.properties["n"], o.properties["body"]) for o in b.objects]
    flt = Filter.by_property("cat").equal("c2")
    assert sorted(ids(one.query.fetch_objects(filters=flt, limit=1000))) == \
        ids(three.query.fetch_objects(filters=flt, limit=1000))       # several shards: uuid order
    assert len(three) == len(rows)


def test_keyword_search_matches_one_shard_as_a_set(pair):
    one, three, _ = pair
    a = one.query.bm25("apple fig", limit=1000)
    b = three.query.bm25("apple fig", limit=1000, return_metadata=MetadataQuery(score=True))
    assert sorted(ids(a)) == sorted(ids(b))
    scores = [o.metadata.score for o in b.objects]
    assert scores == sorted(scores, reverse=True)
    flt = Filter.by_property("n").greater_than(25)
    assert sorted(ids(one.query.bm25("cherry", filters=flt, limit=1000))) == \
        sorted(ids(three.query.bm25("cherry", filters=flt, limit=1000)))
    assert sorted(ids(one.query.hybrid("grape", alpha=0.0, limit=1000))) == \
        sorted(ids(three.query.hybrid("grape", alpha=0.0, limit=1000)))


def test_equal_scores_come_in_uuid_order(client, collection_factory):
    col = make(collection_factory, "", 3)
    uids = [str(uuid_mod.uuid4()) for _ in range(12)]
    col.data.insert_many([weaviate.classes.data.DataObject(properties={"body": "same words"}, uuid=u) for u in uids])
    assert len(shard_counts(client, col.name)) == 3
    found = col.query.bm25("same", limit=12, return_metadata=MetadataQuery(score=True)).objects
    ranked = [(-o.metadata.score, str(o.uuid)) for o in found]       # scores differ per shard (own statistics)
    assert ranked == sorted(ranked) and len(ranked) == 12              # Weaviate: score, then id


def test_aggregates_match_one_shard(pair):
    one, three, rows = pair
    metrics = [Metrics("n").integer(count=True, sum_=True, minimum=True, maximum=True, mean=True, median=True,
                                    mode=True),
               Metrics("cat").text(count=True, top_occurrences_count=True, top_occurrences_value=True, limit=3)]
    a, b = one.aggregate.over_all(return_metrics=metrics, total_count=True), \
        three.aggregate.over_all(return_metrics=metrics, total_count=True)
    assert a.total_count == b.total_count == 240
    assert a.properties["n"] == b.properties["n"]
    assert a.properties["cat"] == b.properties["cat"]
    flt = Filter.by_property("body").like("*apple*")
    assert one.aggregate.over_all(filters=flt, total_count=True).total_count == \
        three.aggregate.over_all(filters=flt, total_count=True).total_count
    # a vector-limited aggregation searches each shard with the object limit (Weaviate's per-shard aggregator)
    near = three.aggregate.near_vector(rows[0][2], object_limit=5, total_count=True)
    assert near.total_count == 15
    assert one.aggregate.near_vector(rows[0][2], object_limit=5, total_count=True).total_count == 5
    ga = one.aggregate.over_all(group_by=GroupByAggregate(prop="cat"), return_metrics=metrics[:1])
    gb = three.aggregate.over_all(group_by=GroupByAggregate(prop="cat"), return_metrics=metrics[:1])
    assert sorted((g.grouped_by.value, g.total_count, g.properties["n"].sum_) for g in ga.groups) == \
        sorted((g.grouped_by.value, g.total_count, g.properties["n"].sum_) for g in gb.groups)


def test_by_id_operations_and_delete_many(pair):
    one, three, rows = pair
    uid, props, vec = rows[10]
    got = three.query.fetch_object_by_id(uid, include_vector=True)
    assert got.properties["body"] == props["body"] and got.vector["default"] == pytest.approx(vec)
    assert three.data.exists(uid)
    three.data.update(uid, properties={"n": 999})
    three.data.replace(rows[11][0], properties={"body": "replaced", "n": 1, "cat": "c9"})
    assert three.query.fetch_object_by_id(uid).properties["n"] == 999
    assert three.query.fetch_object_by_id(rows[11][0]).properties["body"] == "replaced"
    three.data.delete_by_id(rows[12][0])
    assert not three.data.exists(rows[12][0]) and len(three) == 239
    flt = Filter.by_property("cat").equal("c3")
    dry = three.data.delete_many(where=flt, dry_run=True)
    assert dry.matches == one.data.delete_many(where=flt, dry_run=True).matches
    done = three.data.delete_many(where=flt)
    assert done.successful == dry.matches
    assert three.aggregate.over_all(filters=flt, total_count=True).total_count == 0


def _placement(client, col, rows) -> dict[str, list]:
    """Each object's shard, observed the way a user can: insert one at a time and watch /v1/nodes counts."""
    before = shard_counts(client, col.name)
    owner: dict[str, list] = {}
    for row in rows:
        col.data.insert(row[1], uuid=row[0], vector=row[2])
        after = shard_counts(client, col.name)
        (name,) = [n for n in after if after[n] != before.get(n, 0)]
        owner.setdefault(name, []).append(row)
        before = after
    return owner


def test_bm25_scores_use_each_shards_statistics(client, collection_factory):
    rows = dataset(24, seed=3)
    sharded = make(collection_factory, "Two", 2)
    placement = _placement(client, sharded, rows)
    assert len(placement) == 2
    expected: dict[str, float] = {}
    for i, owned in enumerate(placement.values()):
        alone = make(collection_factory, f"Alone{i}", 1)        # one collection per shard's objects
        fill(alone, owned)
        for o in alone.query.bm25("apple banana", limit=100, return_metadata=MetadataQuery(score=True)).objects:
            expected[str(o.uuid)] = o.metadata.score
    got = sharded.query.bm25("apple banana", limit=100, return_metadata=MetadataQuery(score=True))
    assert {str(o.uuid): o.metadata.score for o in got.objects} == pytest.approx(expected)


def test_readonly_shard_refuses_the_writes_routed_to_it(client, collection_factory):
    rows = dataset(16, seed=5)
    col = make(collection_factory, "", 2)
    placement = _placement(client, col, rows)
    (frozen, frozen_rows), (open_name, open_rows) = sorted(placement.items())
    assert col.config.update_shards("READONLY", shard_names=frozen) == {frozen: "READONLY"}
    assert {s.name: s.status for s in col.config.get_shards()} == {frozen: "READONLY", open_name: "READY"}
    result = col.data.insert_many([weaviate.classes.data.DataObject(properties={**r[1], "n": -1}, uuid=r[0])
                                   for r in rows])
    refused = {str(rows[i][0]) for i in result.errors}
    assert refused == {r[0] for r in frozen_rows}
    assert all("store is read-only" in e.message for e in result.errors.values())
    assert {str(o.uuid) for o in col.query.fetch_objects(filters=Filter.by_property("n").equal(-1),
                                                         limit=100).objects} == {r[0] for r in open_rows}
    col.config.update_shards("READY", shard_names=frozen)
    col.data.update(frozen_rows[0][0], properties={"n": -1})


@pytest.mark.loomdb_only("restarts its own loomdb")
def test_restart_keeps_shards_and_placement(tmp_path):
    rows = dataset(120, seed=11)
    srv = loomdb.start_embedded(tmp_path)
    try:
        c = weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                      skip_init_checks=True)
        col = c.collections.create("Sharded", properties=PROPS, vector_config=Configure.Vectors.self_provided(),
                                   sharding_config=Configure.sharding(desired_count=2))
        fill(col, rows)
        counts = shard_counts(c, "Sharded")
        c.close()
    finally:
        srv.stop()
    srv = loomdb.start_embedded(tmp_path)
    try:
        c = weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                      skip_init_checks=True)
        col = c.collections.get("Sharded")
        assert shard_counts(c, "Sharded") == counts
        fill(col, rows)                 # overwrites land on the same shards: nothing doubles
        assert shard_counts(c, "Sharded") == counts and len(col) == 120
        assert col.query.fetch_object_by_id(rows[5][0]).properties == rows[5][1]
        c.close()
    finally:
        srv.stop()
