"""Batch import, iteration, paging, delete_many, total_count and the clear refusal of unsupported features."""
from __future__ import annotations

import threading
import uuid as uuid_mod

import numpy as np
import pytest
from weaviate.classes.config import DataType, Property
from weaviate.classes.data import DataObject
from weaviate.classes.query import Filter
from weaviate.exceptions import WeaviateDeleteManyError, WeaviateQueryError

DIM = 128


def _uid(i: int) -> str:
    return str(uuid_mod.uuid5(uuid_mod.NAMESPACE_DNS, f"loomdb-{i}"))


def _vectors(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)


def _props():
    return [Property(name="i", data_type=DataType.INT), Property(name="group", data_type=DataType.TEXT)]


def _check_stored(col, vecs, n_sample=20):
    assert len(col) == len(vecs)
    rng = np.random.default_rng(1)
    for j in rng.choice(len(vecs), n_sample, replace=False):
        obj = col.query.fetch_object_by_id(_uid(int(j)), include_vector=True)
        assert obj is not None and obj.properties["i"] == j
        np.testing.assert_allclose(obj.vector["default"], vecs[j], rtol=1e-6)


@pytest.mark.parametrize("mode", ["dynamic", "fixed_size"])
def test_batch_context_imports_everything(collection_factory, mode):
    col = collection_factory(properties=_props())
    vecs = _vectors(3000, seed=5)
    ctx = col.batch.dynamic() if mode == "dynamic" else col.batch.fixed_size(batch_size=500, concurrent_requests=2)
    with ctx as batch:
        for j in range(len(vecs)):
            batch.add_object(properties={"i": j, "group": f"g{j % 7}"}, uuid=_uid(j), vector=vecs[j].tolist())
    assert col.batch.failed_objects == []
    _check_stored(col, vecs)


def test_insert_many_imports_everything(collection_factory):
    col = collection_factory(properties=_props())
    vecs = _vectors(2000, seed=6)
    res = col.data.insert_many([DataObject(properties={"i": j, "group": f"g{j % 7}"}, uuid=_uid(j),
                                           vector=vecs[j].tolist()) for j in range(len(vecs))])
    assert res.errors == {} and len(res.uuids) == 2000
    _check_stored(col, vecs)


def test_one_bad_object_fails_alone(collection_factory):
    col = collection_factory(properties=_props())
    vecs = _vectors(300, seed=7)
    objs = [DataObject(properties={"i": j, "group": "g"}, uuid=_uid(j), vector=vecs[j].tolist()) for j in range(300)]
    objs[120] = DataObject(properties={"i": 120}, uuid=_uid(120), vector=vecs[120][:64].tolist())   # wrong length
    objs[250] = DataObject(properties={"i": "not a number"}, uuid=_uid(250), vector=vecs[250].tolist())
    res = col.data.insert_many(objs)
    assert sorted(res.errors) == [120, 250]
    assert "length" in res.errors[120].message
    assert "i" in res.errors[250].message
    assert len(col) == 298
    assert not col.data.exists(_uid(120)) and not col.data.exists(_uid(250)) and col.data.exists(_uid(121))

    col2 = collection_factory("Ctx", properties=_props())
    with col2.batch.fixed_size(batch_size=100) as batch:
        for j in range(300):
            vec = vecs[j][:10] if j == 42 else vecs[j]
            batch.add_object(properties={"i": j}, uuid=_uid(j), vector=vec.tolist())
    failed = col2.batch.failed_objects
    assert len(failed) == 1
    assert str(failed[0].object_.uuid) == _uid(42) and "length" in failed[0].message
    assert len(col2) == 299


def test_iterator_walks_every_object_once(collection_factory):
    col = collection_factory(properties=_props())
    vecs = _vectors(1234, seed=8)
    col.data.insert_many([DataObject(properties={"i": j}, uuid=_uid(j), vector=vecs[j].tolist())
                          for j in range(len(vecs))])
    seen = [str(o.uuid) for o in col.iterator()]
    assert len(seen) == 1234 and set(seen) == {_uid(j) for j in range(1234)}
    assert seen == sorted(seen, key=lambda u: uuid_mod.UUID(u).bytes)    # uuid order
    with_vec = list(col.iterator(include_vector=True, cache_size=250))
    assert len(with_vec) == 1234
    for o in with_vec[:50]:
        np.testing.assert_allclose(o.vector["default"], vecs[o.properties["i"]], rtol=1e-6)
    # the raw cursor: strictly after the given id
    page = col.query.fetch_objects(limit=10, after=seen[99])
    assert [str(o.uuid) for o in page.objects] == seen[100:110]
    assert col.query.fetch_objects(limit=10, after=seen[-1]).objects == []


def test_fetch_objects_limit_offset(collection_factory):
    col = collection_factory(properties=_props())
    col.data.insert_many([DataObject(properties={"i": j}, uuid=_uid(j)) for j in range(250)])
    pages = [col.query.fetch_objects(limit=40, offset=o).objects for o in range(0, 250, 40)]
    flat = [str(o.uuid) for p in pages for o in p]
    assert [len(p) for p in pages] == [40] * 6 + [10]
    assert len(set(flat)) == 250
    assert col.query.fetch_objects(limit=10, offset=250).objects == []
    flt = Filter.by_property("i").less_than(100)
    got = [o.properties["i"] for o in col.query.fetch_objects(filters=flt, limit=30, offset=20).objects]
    allf = [o.properties["i"] for o in col.query.fetch_objects(filters=flt, limit=100).objects]
    assert sorted(allf) == list(range(100)) and got == allf[20:50]


def test_delete_many(collection_factory):
    col = collection_factory(properties=_props())
    col.data.insert_many([DataObject(properties={"i": j, "group": f"g{j % 4}"}, uuid=_uid(j)) for j in range(200)])
    flt = Filter.by_property("group").equal("g1")
    dry = col.data.delete_many(where=flt, dry_run=True, verbose=True)
    assert dry.matches == 50 and dry.failed == 0
    assert dry.successful == 50     # Weaviate counts every matched object without error as successful
    assert {str(o.uuid) for o in dry.objects} == {_uid(j) for j in range(1, 200, 4)}
    assert all(o.successful for o in dry.objects)
    assert len(col) == 200
    res = col.data.delete_many(where=flt, verbose=True)
    assert (res.matches, res.successful, res.failed) == (50, 50, 0)
    assert {str(o.uuid) for o in res.objects} == {_uid(j) for j in range(1, 200, 4)}
    assert len(col) == 150 and not col.data.exists(_uid(1)) and col.data.exists(_uid(2))
    quiet = col.data.delete_many(where=Filter.by_property("i").less_than(10))
    assert (quiet.matches, quiet.successful) == (7, 7) and quiet.objects is None
    again = col.data.delete_many(where=flt)
    assert (again.matches, again.successful) == (0, 0)
    assert len(col) == 143
    with pytest.raises(WeaviateDeleteManyError, match="nope"):
        col.data.delete_many(where=Filter.by_property("nope").equal(1))


def test_aggregate_total_count(collection_factory):
    col = collection_factory(properties=_props())
    assert col.aggregate.over_all(total_count=True).total_count == 0
    col.data.insert_many([DataObject(properties={"i": j, "group": f"g{j % 3}"}, uuid=_uid(j)) for j in range(90)])
    assert col.aggregate.over_all(total_count=True).total_count == 90
    assert len(col) == 90
    assert col.aggregate.over_all(total_count=True, filters=Filter.by_property("group").equal("g2")).total_count == 30
    assert col.aggregate.over_all(total_count=True, filters=Filter.by_property("i").greater_or_equal(85)
                                  ).total_count == 5
    col.data.delete_by_id(_uid(0))
    assert col.aggregate.over_all(total_count=True).total_count == 89


def test_unknown_collection(client):
    ghost = client.collections.use("NoSuchCollectionXyz")
    with pytest.raises(WeaviateQueryError, match="NoSuchCollectionXyz"):
        ghost.query.fetch_objects()
    with pytest.raises(WeaviateQueryError, match="NoSuchCollectionXyz"):
        ghost.query.near_vector([0.1, 0.2])
    with pytest.raises(WeaviateQueryError, match="NoSuchCollectionXyz"):
        ghost.aggregate.over_all(total_count=True)
    with pytest.raises(WeaviateDeleteManyError, match="NoSuchCollectionXyz"):
        ghost.data.delete_many(where=Filter.by_property("x").equal(1))


@pytest.mark.loomdb_only("a loomdb limitation")
def test_unsupported_features_fail_clearly(collection_factory):
    col = collection_factory(properties=_props())
    col.data.insert_many([DataObject(properties={"i": j, "group": "g"}, uuid=_uid(j), vector=[0.1 * j, 1.0])
                          for j in range(5)])
    # sort and group_by: tests/compat/test_sort.py, tests/compat/test_autocut_groupby.py
    with pytest.raises(WeaviateQueryError, match="Make sure a vectorizer module is configured"):
        col.query.near_text("g")                                    # the collection has no vectorizer


def test_batch_stream_completes_not_hung(collection_factory):
    col = collection_factory(properties=_props())
    outcome: dict = {}

    def run():
        try:
            with col.batch.stream() as batch:
                batch.add_object(properties={"i": 1}, uuid=_uid(1))
            outcome["failed"] = list(col.batch.failed_objects)
        except Exception as exc:   # noqa: BLE001 - any clear error is fine
            outcome["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout=20)
    assert not t.is_alive(), "batch.stream() hung"
    assert outcome == {"failed": []}         # BatchStream is implemented: tests/compat/test_batch_stream.py
    assert len(col) == 1
