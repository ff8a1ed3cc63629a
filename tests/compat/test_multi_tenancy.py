"""Multi-tenancy through the official client: tenant calls (REST + gRPC TenantsGet), every data / query / aggregate
/ batch call scoped to a tenant's shard, Weaviate's errors, activity states (ACTIVE / INACTIVE / OFFLOADED), auto
creation and activation, restart, isolation under random traffic, and 10,000 cheap inactive tenants."""
from __future__ import annotations

import os
import random
import time
import uuid as uuid_mod

import pytest
import weaviate
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.query import Filter
from weaviate.classes.tenants import Tenant, TenantActivityStatus
from weaviate.exceptions import UnexpectedStatusCodeError, WeaviateBaseError

import loomdb

ACTIVE, INACTIVE, OFFLOADED = TenantActivityStatus.ACTIVE, TenantActivityStatus.INACTIVE, TenantActivityStatus.OFFLOADED


def make_mt(factory, suffix="", **mt):
    return factory(suffix, properties=[Property(name="title", data_type=DataType.TEXT),
                                       Property(name="n", data_type=DataType.INT)],
                   vector_config=Configure.Vectors.self_provided(),
                   multi_tenancy_config=Configure.multi_tenancy(enabled=True, **mt))


def statuses(col) -> dict[str, TenantActivityStatus]:
    return {name: t.activity_status for name, t in col.tenants.get().items()}


def test_tenant_calls_rest_and_grpc(collection_factory, rest):
    col = make_mt(collection_factory)
    col.tenants.create(["alice", Tenant(name="Bob"), Tenant(name="carol", activity_status=INACTIVE)])
    col.tenants.create("alice")                      # an existing tenant is left as it is (no error)
    assert statuses(col) == {"alice": ACTIVE, "Bob": ACTIVE, "carol": INACTIVE}
    assert set(col.tenants.get_by_names(["alice", "nobody"])) == {"alice"}         # gRPC TenantsGet with names
    assert col.tenants.get_by_name("carol").activity_status == INACTIVE            # REST GET .../tenants/{t}
    assert col.tenants.get_by_name("nobody") is None
    assert col.tenants.exists("Bob") and not col.tenants.exists("bob")             # names are case-sensitive
    col.tenants.update([Tenant(name="alice", activity_status=INACTIVE), Tenant(name="carol", activity_status=ACTIVE)])
    assert statuses(col) == {"alice": INACTIVE, "Bob": ACTIVE, "carol": ACTIVE}
    col.tenants.deactivate("Bob")
    col.tenants.activate("alice")
    assert statuses(col) == {"alice": ACTIVE, "Bob": INACTIVE, "carol": ACTIVE}
    col.tenants.remove(["carol", "never-existed"])                                   # unknown names are ignored
    assert set(statuses(col)) == {"alice", "Bob"}
    # raw REST shapes
    listed = rest.get(f"/v1/schema/{col.name}/tenants").json()
    assert sorted(listed, key=lambda t: t["name"]) == [{"name": "Bob", "activityStatus": "COLD"},
                                                      {"name": "alice", "activityStatus": "HOT"}]
    assert rest.get(f"/v1/schema/{col.name}/tenants/alice").json() == {"name": "alice", "activityStatus": "HOT"}
    assert rest.head(f"/v1/schema/{col.name}/tenants/alice").status_code == 200
    assert rest.head(f"/v1/schema/{col.name}/tenants/zed").status_code == 404
    created = rest.post(f"/v1/schema/{col.name}/tenants", json=[{"name": "dan", "activityStatus": "COLD"}])
    assert created.status_code == 200 and created.json() == [{"name": "dan", "activityStatus": "COLD"}]


def test_tenant_validation_errors(collection_factory, rest):
    col = make_mt(collection_factory)
    with pytest.raises(UnexpectedStatusCodeError) as err:
        col.tenants.create(["ok", "not ok"])
    assert err.value.status_code == 422
    assert ("tenant name at index 1: tenant name should only contain alphanumeric characters (a-z, A-Z, 0-9), "
            "underscore (_), and hyphen (-), with a length between 1 and 64 characters") in str(err.value)
    assert col.tenants.get() == {}                                                   # nothing half-created
    r = rest.post(f"/v1/schema/{col.name}/tenants", json=[{"name": "x" * 65}])
    assert r.status_code == 422
    r = rest.put(f"/v1/schema/{col.name}/tenants", json=[{"name": "ghost", "activityStatus": "COLD"}])
    assert r.status_code == 422 and r.json()["error"][0]["message"] == "shard not found: [ghost]"
    r = rest.put(f"/v1/schema/{col.name}/tenants", json=[{"name": "ok", "activityStatus": "WARM"}])
    assert r.json()["error"][0]["message"] == "invalid activity status 'WARM' for tenant \"ok\""


def test_tenant_on_a_collection_without_multi_tenancy(collection_factory):
    col = collection_factory(properties=[Property(name="title", data_type=DataType.TEXT)],
                             vector_config=Configure.Vectors.self_provided())
    with pytest.raises(WeaviateBaseError, match=f'multi-tenancy is not enabled for class "{col.name}"'):
        col.tenants.create("a")
    with pytest.raises(WeaviateBaseError, match=f"class {col.name} has multi-tenancy disabled, but request was "
                                                "with tenant"):
        col.with_tenant("a").query.fetch_objects()
    with pytest.raises(WeaviateBaseError, match="has multi-tenancy disabled, but request was with tenant"):
        col.with_tenant("a").data.insert_many([{"title": "x"}])     # every object failed -> the client raises


def test_missing_unknown_and_inactive_tenant_errors(client, collection_factory, rest):
    col = make_mt(collection_factory)
    col.tenants.create(["hot", Tenant(name="cold", activity_status=INACTIVE)])
    no_tenant = f"class {col.name} has multi-tenancy enabled, but request was without tenant"
    with pytest.raises(WeaviateBaseError, match=no_tenant):
        col.query.fetch_objects()
    with pytest.raises(WeaviateBaseError, match=no_tenant):
        col.data.insert({"title": "x"})
    with pytest.raises(WeaviateBaseError, match=no_tenant):
        col.data.insert_many([{"title": "x"}])
    with pytest.raises(WeaviateBaseError, match='tenant not found: "ghost"'):
        col.with_tenant("ghost").query.fetch_objects()
    with pytest.raises(WeaviateBaseError, match="tenant not active: 'cold'"):
        col.with_tenant("cold").query.fetch_objects()
    with pytest.raises(WeaviateBaseError, match="tenant not active: 'cold'"):
        col.with_tenant("cold").aggregate.over_all(total_count=True)
    # per-object errors in one batch: the good object is stored, the other fails alone
    with client.batch.fixed_size(batch_size=10) as batch:
        batch.add_object(col.name, {"title": "ok"}, tenant="hot")
        batch.add_object(col.name, {"title": "lost"}, tenant="ghost")
    failed = client.batch.failed_objects
    assert len(failed) == 1 and failed[0].message == 'tenant not found: "ghost"'
    r = rest.get(f"/v1/objects/{col.name}/{uuid_mod.uuid4()}", params={"tenant": "cold"})
    assert r.status_code == 422 and r.json()["error"][0]["message"] == "tenant not active: 'cold'"
    assert col.tenants.get_by_name("ghost") is None        # reads never create tenants


def test_every_call_is_scoped_to_the_tenant(client, collection_factory, rest):
    col = make_mt(collection_factory)
    col.tenants.create(["a", "b"])
    a, b = col.with_tenant("a"), col.with_tenant("b")
    shared = str(uuid_mod.uuid4())          # the same id in two tenants: two different objects
    a.data.insert({"title": "apple pie", "n": 1}, uuid=shared, vector=[1.0, 0.0])
    b.data.insert({"title": "banana bread", "n": 2}, uuid=shared, vector=[0.0, 1.0])
    res = a.data.insert_many([{"title": f"apple {i}", "n": i} for i in range(5)])
    assert not res.has_errors
    b.data.insert_many([{"title": f"berry {i}", "n": 10 + i} for i in range(3)])
    assert len(a) == 6 and len(b) == 4
    assert a.query.fetch_object_by_id(shared).properties["title"] == "apple pie"
    assert b.query.fetch_object_by_id(shared).properties["title"] == "banana bread"
    assert {o.properties["title"] for o in a.query.bm25("banana").objects} == set()
    assert b.query.near_vector([0.0, 1.0], limit=1).objects[0].properties["title"] == "banana bread"
    assert a.aggregate.over_all(total_count=True).total_count == 6
    assert a.query.fetch_objects(filters=Filter.by_property("n").greater_or_equal(10)).objects == []
    # REST single-object calls: ?tenant= and "tenant" in bodies
    assert rest.get(f"/v1/objects/{col.name}/{shared}", params={"tenant": "b"}).json()["properties"]["title"] == \
        "banana bread"
    a.data.update(shared, properties={"title": "apple tart"})
    b.data.replace(shared, properties={"title": "banana split", "n": 2})
    assert a.query.fetch_object_by_id(shared).properties["title"] == "apple tart"
    assert b.query.fetch_object_by_id(shared).properties["title"] == "banana split"
    assert a.data.exists(shared) and a.data.delete_by_id(shared)
    assert not a.data.exists(shared) and b.data.exists(shared)
    out = b.data.delete_many(where=Filter.by_property("n").greater_or_equal(0))
    assert out.successful == 4 and len(b) == 0 and len(a) == 5
    with client.batch.fixed_size(batch_size=10) as batch:   # per-object tenants in one BatchObjects request
        batch.add_object(col.name, {"title": "to a"}, tenant="a")
        batch.add_object(col.name, {"title": "to b"}, tenant="b")
    assert client.batch.failed_objects == []
    assert len(a) == 6 and [o.properties["title"] for o in b.query.fetch_objects().objects] == ["to b"]


@pytest.mark.loomdb_only("reads loomdb's data directory")
def test_deactivate_and_offload_keep_data(server, collection_factory):
    col = make_mt(collection_factory)
    col.tenants.create(["t1"])
    t1 = col.with_tenant("t1")
    t1.data.insert_many([{"title": f"doc {i}", "n": i} for i in range(50)])
    engine = server.db.collection(col.name)
    col.tenants.deactivate("t1")
    assert engine.tenants["t1"].shard is None                  # closed: nothing held in memory
    with pytest.raises(WeaviateBaseError, match="tenant not active: 't1'"):
        t1.query.fetch_objects()
    with pytest.raises(WeaviateBaseError, match="tenant not active: 't1'"):
        t1.data.insert_many([{"title": "x"}])
    col.tenants.activate("t1")
    assert len(t1) == 50
    col.tenants.offload("t1")
    assert statuses(col)["t1"] == OFFLOADED
    offloaded = server.db.data_dir / "offload" / engine.path.name / "t1@0"
    assert (offloaded / "objects.sqlite").exists() and not (engine.path / "tenants" / "t1@0").exists()
    with pytest.raises(WeaviateBaseError, match="tenant not active: 't1'"):
        t1.query.fetch_objects()
    col.tenants.update(Tenant(name="t1", activity_status=INACTIVE))    # brought back, still closed
    assert (engine.path / "tenants" / "t1@0").exists() and not offloaded.exists()
    col.tenants.activate("t1")
    assert len(t1) == 50 and t1.query.fetch_objects(filters=Filter.by_property("n").equal(7)).objects
    col.tenants.remove("t1")
    assert not (engine.path / "tenants" / "t1@0").exists()
    col.tenants.create("t1")                                   # re-created: starts empty
    assert len(t1) == 0


@pytest.mark.loomdb_only("reads loomdb's data directory")
def test_case_distinct_tenants_get_distinct_folders(server, collection_factory):
    col = make_mt(collection_factory)
    col.tenants.create(["acme", "ACME", "Acme"])
    for name in ("acme", "ACME", "Acme"):
        col.with_tenant(name).data.insert({"title": name})
    for name in ("acme", "ACME", "Acme"):
        assert [o.properties["title"] for o in col.with_tenant(name).query.fetch_objects().objects] == [name]
    folders = sorted(p.name for p in (server.db.collection(col.name).path / "tenants").iterdir())
    assert folders == ["acme@0", "acme@1", "acme@f"]


def test_auto_tenant_creation_and_activation(collection_factory):
    col = make_mt(collection_factory, auto_tenant_creation=True, auto_tenant_activation=True)
    res = col.with_tenant("new1").data.insert_many([{"title": "x"}])         # batch creates the tenant
    assert not res.has_errors and statuses(col) == {"new1": ACTIVE}
    col.with_tenant("new2").data.insert({"title": "y"})                       # so does a single insert
    assert set(statuses(col)) == {"new1", "new2"}
    with pytest.raises(WeaviateBaseError, match='tenant not found: "new3"'):  # reads never create
        col.with_tenant("new3").query.fetch_objects()
    col.tenants.deactivate(["new1", "new2"])
    assert len(col.with_tenant("new1")) == 1                                  # a read activates
    col.with_tenant("new2").data.insert({"title": "z"})                       # so does a write
    assert statuses(col) == {"new1": ACTIVE, "new2": ACTIVE}
    col.tenants.offload("new1")
    assert len(col.with_tenant("new1")) == 1                                  # offloaded -> onloaded -> active
    plain = make_mt(collection_factory, "Plain")
    with pytest.raises(WeaviateBaseError, match='tenant not found: "n"'):
        plain.with_tenant("n").data.insert_many([{"title": "x"}])


def test_nodes_and_shards_report_tenant_shards(collection_factory, rest):
    col = make_mt(collection_factory)
    col.tenants.create(["s1", "s2", Tenant(name="s3", activity_status=INACTIVE)])
    col.with_tenant("s1").data.insert_many([{"title": "x"}] * 3)
    shards = {s["name"]: s for s in rest.get(f"/v1/nodes/{col.name}", params={"output": "verbose"})
              .json()["nodes"][0]["shards"]}
    assert set(shards) == {"s1", "s2"} and shards["s1"]["objectCount"] == 3   # Weaviate lists HOT tenants
    assert {s["name"] for s in rest.get(f"/v1/schema/{col.name}/shards").json()} == {"s1", "s2"}


@pytest.mark.loomdb_only("restarts its own loomdb")
def test_restart_keeps_tenants_and_states(tmp_path):
    srv = loomdb.start_embedded(tmp_path)
    try:
        c = weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                      skip_init_checks=True)
        col = c.collections.create("Restart", vector_config=Configure.Vectors.self_provided(),
                                   multi_tenancy_config=Configure.multi_tenancy(enabled=True))
        col.tenants.create(["hot", "cold", "frozen"])
        for name in ("hot", "cold", "frozen"):
            col.with_tenant(name).data.insert_many([{"title": f"{name} {i}"} for i in range(4)])
        col.tenants.deactivate("cold")
        col.tenants.offload("frozen")
        c.close()
    finally:
        srv.stop()
    srv = loomdb.start_embedded(tmp_path)
    try:
        engine = srv.db.collection("Restart")
        assert all(t.shard is None for t in engine.tenants.values())       # nothing opened at start
        c = weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                      skip_init_checks=True)
        col = c.collections.get("Restart")
        assert statuses(col) == {"hot": ACTIVE, "cold": INACTIVE, "frozen": OFFLOADED}
        assert len(col.with_tenant("hot")) == 4
        col.tenants.activate(["cold", "frozen"])
        assert len(col.with_tenant("cold")) == 4 and len(col.with_tenant("frozen")) == 4
        c.close()
    finally:
        srv.stop()


def test_random_traffic_never_crosses_tenants(collection_factory):
    """Property-style isolation check (seeded, no hypothesis): random writes, overwrites, deletes and queries
    over 20 tenants; every result must belong to the queried tenant and match a model of its contents."""
    rng = random.Random(20240611)
    col = make_mt(collection_factory)
    tenants = [f"tenant-{i}" for i in range(20)]
    col.tenants.create(tenants)
    model: dict[str, dict[str, tuple[str, int]]] = {t: {} for t in tenants}
    ids = [str(uuid_mod.UUID(int=rng.getrandbits(128))) for _ in range(60)]   # shared across tenants on purpose
    for step in range(300):
        t = rng.choice(tenants)
        handle = col.with_tenant(t)
        op = rng.random()
        if op < 0.45:
            batch = rng.sample(ids, rng.randint(1, 5))
            objs = [{"title": f"{t} {step}", "n": rng.randint(0, 9)} for _ in batch]
            from weaviate.classes.data import DataObject
            res = handle.data.insert_many([DataObject(properties=o, uuid=u, vector=[rng.random(), rng.random()])
                                           for o, u in zip(objs, batch)])
            assert not res.has_errors
            for o, u in zip(objs, batch):
                model[t][u] = (o["title"], o["n"])
        elif op < 0.55 and model[t]:
            u = rng.choice(list(model[t]))
            assert handle.data.delete_by_id(u)
            del model[t][u]
        elif op < 0.7:
            n = rng.randint(0, 9)
            got = handle.query.fetch_objects(filters=Filter.by_property("n").equal(n), limit=100).objects
            assert {str(o.uuid) for o in got} == {u for u, (_, m) in model[t].items() if m == n}
            assert all(o.properties["title"].startswith(t + " ") for o in got)
        elif op < 0.85:
            got = handle.query.near_vector([rng.random(), rng.random()], limit=100).objects
            assert {str(o.uuid) for o in got} == set(model[t])
            assert all(o.properties["title"].startswith(t + " ") for o in got)
        else:
            assert handle.aggregate.over_all(total_count=True).total_count == len(model[t])
    for t in tenants:
        got = col.with_tenant(t).query.fetch_objects(limit=100).objects
        assert {str(o.uuid): (o.properties["title"], o.properties["n"]) for o in got} == model[t]


def _rss_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None


@pytest.mark.loomdb_only("inspects the engine, measures this process")
def test_ten_thousand_inactive_tenants_are_cheap(server, collection_factory):
    if _rss_bytes() is None:
        pytest.skip("RSS is measured through /proc/self/statm (Linux only)")
    col = make_mt(collection_factory)
    names = [f"user-{i:05d}" for i in range(10_000)]
    started = time.perf_counter()
    rss_before = _rss_bytes()
    col.tenants.create(names)
    for name in names[:20]:                    # a few tenants hold data and have open shards
        col.with_tenant(name).data.insert_many([{"title": f"{name} {j}", "n": j} for j in range(50)])
    col.tenants.update([Tenant(name=n, activity_status=INACTIVE) for n in names])
    elapsed = time.perf_counter() - started
    rss_growth = _rss_bytes() - rss_before
    engine = server.db.collection(col.name)
    assert len(engine.tenants) == 10_000 and all(t.shard is None for t in engine.tenants.values())
    assert not (engine.path / "tenants" / f"{names[-1]}@0").exists()     # an unused tenant has no files
    # the time is printed, not asserted (a timing assert fails on a loaded machine): benchmarks/bench_tenants.py
    print(f"\n10k tenants: create+deactivate {elapsed:.1f} s, RSS growth {rss_growth / 2**20:.1f} MiB")
    assert rss_growth < 40 * 2**20
    col.tenants.activate(names[3])
    assert len(col.with_tenant(names[3])) == 50
