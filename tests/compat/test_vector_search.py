"""Vector search through the official client, checked against a numpy brute force with Weaviate's definitions:
cosine = 1 - cos, dot = -a.b, l2-squared = sum (a-b)^2, manhattan = sum |a-b|, hamming = #differing dims."""
from __future__ import annotations

import uuid as uuid_mod

import numpy as np
import pytest
from weaviate.classes.config import Configure, DataType, Property, VectorDistances
from weaviate.classes.data import DataObject
from weaviate.classes.query import Filter, MetadataQuery
from weaviate.exceptions import WeaviateQueryError

DIM = 8
N = 300


def _uid(i: int) -> str:
    return str(uuid_mod.UUID(int=(i * 2654435761) % (1 << 122) + (1 << 124)))


def brute(metric: str, data: np.ndarray, q: np.ndarray) -> np.ndarray:
    data = data.astype(np.float64)
    q = q.astype(np.float64)
    if metric == "cosine":
        return 1.0 - (data @ q) / (np.linalg.norm(data, axis=1) * np.linalg.norm(q))
    if metric == "dot":
        return -(data @ q)
    if metric == "l2-squared":
        return ((data - q) ** 2).sum(axis=1)
    if metric == "manhattan":
        return np.abs(data - q).sum(axis=1)
    if metric == "hamming":
        return (data != q).sum(axis=1).astype(np.float64)
    raise AssertionError(metric)


def _data(metric: str, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if metric == "hamming":
        return rng.integers(0, 3, size=(N, DIM)).astype(np.float32)
    return rng.normal(size=(N, DIM)).astype(np.float32)


def _make(collection_factory, metric: str, suffix: str = "", props: bool = True):
    return collection_factory(
        suffix,
        vector_config=Configure.Vectors.self_provided(
            vector_index_config=Configure.VectorIndex.hnsw(distance_metric=VectorDistances(metric))),
        properties=[Property(name="i", data_type=DataType.INT), Property(name="tag", data_type=DataType.TEXT)]
        if props else None)


def _fill(col, data: np.ndarray) -> list[str]:
    ids = [_uid(i) for i in range(len(data))]
    res = col.data.insert_many([DataObject(properties={"i": i, "tag": f"t{i % 5}"}, uuid=ids[i],
                                           vector=data[i].tolist()) for i in range(len(data))])
    assert not res.errors
    return ids


@pytest.mark.parametrize("metric", ["cosine", "dot", "l2-squared", "manhattan", "hamming"])
def test_near_vector_matches_brute_force(collection_factory, metric):
    data = _data(metric)
    col = _make(collection_factory, metric)
    ids = _fill(col, data)
    rng = np.random.default_rng(11)
    for _ in range(3):
        if metric == "hamming":
            q = rng.integers(0, 3, size=DIM).astype(np.float32)
        else:
            q = (data[rng.integers(N)] + rng.normal(scale=0.3, size=DIM)).astype(np.float32)
        want = brute(metric, data, q)
        res = col.query.near_vector(q.tolist(), limit=15, return_metadata=MetadataQuery(distance=True))
        got_ids = [str(o.uuid) for o in res.objects]
        got_d = np.array([o.metadata.distance for o in res.objects])
        assert len(got_ids) == 15
        # reported distances are Weaviate's definition for each returned object
        np.testing.assert_allclose(got_d, [want[ids.index(u)] for u in got_ids], rtol=1e-5, atol=1e-5)
        # and they are the 15 smallest, ascending
        np.testing.assert_allclose(got_d, np.sort(want)[:15], rtol=1e-5, atol=1e-5)
        if metric != "hamming":   # hamming has ties: order among equals is unspecified
            assert got_ids == [ids[j] for j in np.argsort(want, kind="stable")[:15]]


def test_certainty_cosine_and_threshold(collection_factory):
    data = _data("cosine")
    col = _make(collection_factory, "cosine")
    ids = _fill(col, data)
    q = data[3]
    want = brute("cosine", data, q)
    res = col.query.near_vector(q.tolist(), certainty=0.8, limit=1000,
                                return_metadata=MetadataQuery(certainty=True, distance=True))
    expected = {ids[j] for j in np.flatnonzero(1 - want / 2 >= 0.8)}
    assert {str(o.uuid) for o in res.objects} == expected and len(expected) > 1
    assert str(res.objects[0].uuid) == ids[3]
    for o in res.objects:
        assert o.metadata.certainty == pytest.approx(1 - o.metadata.distance / 2, abs=1e-6)
        assert o.metadata.certainty >= 0.8 - 1e-6


@pytest.mark.parametrize("metric", ["dot", "l2-squared"])
def test_certainty_with_non_cosine_is_an_error(collection_factory, metric):
    col = _make(collection_factory, metric)
    _fill(col, _data(metric)[:10])
    with pytest.raises(WeaviateQueryError, match=f"certainty.*{metric}"):
        col.query.near_vector([0.1] * DIM, certainty=0.5)
    # asking for certainty in the metadata is refused too (Weaviate: same message)
    with pytest.raises(WeaviateQueryError, match="certainty"):
        col.query.near_vector([0.1] * DIM, return_metadata=MetadataQuery(certainty=True))


@pytest.mark.parametrize("metric", ["l2-squared", "manhattan"])
def test_distance_threshold(collection_factory, metric):
    data = _data(metric)
    col = _make(collection_factory, metric)
    ids = _fill(col, data)
    q = data[5]
    want = brute(metric, data, q)
    thr = float(np.sort(want)[20]) + 1e-4
    res = col.query.near_vector(q.tolist(), distance=thr, limit=1000, return_metadata=MetadataQuery(distance=True))
    assert [str(o.uuid) for o in res.objects] == [ids[j] for j in np.argsort(want) if want[j] <= thr]
    assert len(res.objects) == 21


def test_limit_and_offset(collection_factory):
    data = _data("l2-squared")
    col = _make(collection_factory, "l2-squared")
    ids = _fill(col, data)
    q = np.zeros(DIM, np.float32)
    order = [ids[j] for j in np.argsort(brute("l2-squared", data, q))]
    page1 = col.query.near_vector(q.tolist(), limit=7)
    page2 = col.query.near_vector(q.tolist(), limit=7, offset=7)
    assert [str(o.uuid) for o in page1.objects] == order[:7]
    assert [str(o.uuid) for o in page2.objects] == order[7:14]
    tail = col.query.near_vector(q.tolist(), limit=50, offset=N - 3)
    assert [str(o.uuid) for o in tail.objects] == order[N - 3:]
    # default limit when none is given: some page of results, nearest first
    default = col.query.near_vector(q.tolist())
    assert [str(o.uuid) for o in default.objects] == order[:len(default.objects)] and default.objects


def test_near_vector_with_filter(collection_factory):
    data = _data("cosine")
    col = _make(collection_factory, "cosine")
    ids = _fill(col, data)
    q = data[0]
    want = brute("cosine", data, q)
    allowed = [j for j in np.argsort(want) if j % 5 == 2]
    res = col.query.near_vector(q.tolist(), limit=10, filters=Filter.by_property("tag").equal("t2"))
    assert [str(o.uuid) for o in res.objects] == [ids[j] for j in allowed[:10]]
    assert all(o.properties["tag"] == "t2" for o in res.objects)


def test_named_vectors_and_target_vector(collection_factory):
    rng = np.random.default_rng(3)
    a = rng.normal(size=(60, 4)).astype(np.float32)
    b = rng.normal(size=(60, 6)).astype(np.float32)
    col = collection_factory(vector_config=[
        Configure.Vectors.self_provided(name="a", vector_index_config=Configure.VectorIndex.hnsw(
            distance_metric=VectorDistances.L2_SQUARED)),
        Configure.Vectors.self_provided(name="b", vector_index_config=Configure.VectorIndex.hnsw(
            distance_metric=VectorDistances.DOT)),
    ], properties=[Property(name="i", data_type=DataType.INT)])
    ids = [_uid(i) for i in range(60)]
    assert not col.data.insert_many([DataObject(properties={"i": i}, uuid=ids[i],
                                                vector={"a": a[i].tolist(), "b": b[i].tolist()})
                                     for i in range(60)]).errors
    qa, qb = rng.normal(size=4).astype(np.float32), rng.normal(size=6).astype(np.float32)
    ra = col.query.near_vector(qa.tolist(), target_vector="a", limit=5, return_metadata=MetadataQuery(distance=True))
    assert [str(o.uuid) for o in ra.objects] == [ids[j] for j in np.argsort(brute("l2-squared", a, qa))[:5]]
    rb = col.query.near_vector(qb.tolist(), target_vector="b", limit=5, return_metadata=MetadataQuery(distance=True),
                               include_vector=True)
    assert [str(o.uuid) for o in rb.objects] == [ids[j] for j in np.argsort(brute("dot", b, qb))[:5]]
    np.testing.assert_allclose([o.metadata.distance for o in rb.objects],
                               np.sort(brute("dot", b, qb))[:5], rtol=1e-5, atol=1e-5)
    first = ids.index(str(rb.objects[0].uuid))
    np.testing.assert_allclose(rb.objects[0].vector["a"], a[first], rtol=1e-6)
    np.testing.assert_allclose(rb.objects[0].vector["b"], b[first], rtol=1e-6)
    with pytest.raises(WeaviateQueryError, match="multiple"):
        col.query.near_vector(qa.tolist(), limit=5)
    with pytest.raises(WeaviateQueryError, match="nope"):
        col.query.near_vector(qa.tolist(), target_vector="nope", limit=5)
    # wrong dimension for the target: an error, never a hang
    with pytest.raises(WeaviateQueryError):
        col.query.near_vector(qb.tolist(), target_vector="a", limit=5)
    # near_object on a named space
    no = col.query.near_object(ids[9], target_vector="a", limit=3, return_metadata=MetadataQuery(distance=True))
    assert str(no.objects[0].uuid) == ids[9] and no.objects[0].metadata.distance == pytest.approx(0, abs=1e-6)


def test_legacy_collection_from_dict(client, collection_factory, collection_name):
    name = collection_name + "Legacy"
    client.collections.delete(name)
    try:
        col = client.collections.create_from_dict({
            "class": name, "vectorizer": "none", "vectorIndexConfig": {"distance": "manhattan"},
            "properties": [{"name": "i", "dataType": ["int"]}]})
        data = _data("manhattan")[:80]
        ids = _fill(col, data)
        q = np.full(DIM, 0.25, np.float32)
        want = brute("manhattan", data, q)
        res = col.query.near_vector(q.tolist(), limit=6, include_vector=True,
                                    return_metadata=MetadataQuery(distance=True))
        assert [str(o.uuid) for o in res.objects] == [ids[j] for j in np.argsort(want)[:6]]
        np.testing.assert_allclose([o.metadata.distance for o in res.objects], np.sort(want)[:6], rtol=1e-5)
        j = ids.index(str(res.objects[0].uuid))
        np.testing.assert_allclose(res.objects[0].vector["default"], data[j], rtol=1e-6)
    finally:
        client.collections.delete(name)


def test_include_vector_returns_stored_vectors(collection_factory):
    data = _data("cosine")[:20]
    col = _make(collection_factory, "cosine")
    ids = _fill(col, data)
    res = col.query.near_vector(data[4].tolist(), limit=3, include_vector=True)
    for o in res.objects:
        # cosine rows are normalised internally, but the stored vector comes back as inserted
        np.testing.assert_allclose(o.vector["default"], data[ids.index(str(o.uuid))], rtol=1e-6)
    res = col.query.near_vector(data[4].tolist(), limit=3)
    assert all(o.vector == {} for o in res.objects)
    fetched = col.query.fetch_objects(limit=5, include_vector=True)
    for o in fetched.objects:
        np.testing.assert_allclose(o.vector["default"], data[ids.index(str(o.uuid))], rtol=1e-6)


def test_near_object(collection_factory):
    data = _data("l2-squared")
    col = _make(collection_factory, "l2-squared")
    ids = _fill(col, data)
    want = brute("l2-squared", data, data[17])
    res = col.query.near_object(ids[17], limit=4, return_metadata=MetadataQuery(distance=True))
    assert [str(o.uuid) for o in res.objects] == [ids[j] for j in np.argsort(want)[:4]]
    assert res.objects[0].metadata.distance == pytest.approx(0, abs=1e-6)
    thr = float(np.sort(want)[3]) + 1e-4
    res = col.query.near_object(ids[17], distance=thr, limit=100)
    assert len(res.objects) == 4
    with pytest.raises(WeaviateQueryError):
        col.query.near_object(_uid(10_000), limit=3)


def test_return_properties_and_metadata(collection_factory):
    data = _data("cosine")[:10]
    col = _make(collection_factory, "cosine")
    _fill(col, data)
    res = col.query.near_vector(data[0].tolist(), limit=2, return_properties=["tag"])
    assert res.objects[0].properties == {"tag": "t0"}
    res = col.query.near_vector(data[0].tolist(), limit=2, return_properties=[])
    assert res.objects[0].properties == {}
    res = col.query.near_vector(data[0].tolist(), limit=2)
    assert res.objects[0].properties == {"i": 0, "tag": "t0"}
    assert isinstance(res.objects[0].properties["i"], int)
    res = col.query.near_vector(data[0].tolist(), limit=2, return_metadata=MetadataQuery(
        creation_time=True, last_update_time=True, distance=True))
    md = res.objects[0].metadata
    assert md.creation_time is not None and md.last_update_time is not None
    assert md.creation_time <= md.last_update_time
    assert md.distance == pytest.approx(0, abs=1e-6)
    assert md.certainty is None
    fetched = col.query.fetch_objects(limit=3, return_properties=["i"], return_metadata=MetadataQuery(
        creation_time=True))
    assert all(set(o.properties) == {"i"} and o.metadata.creation_time is not None for o in fetched.objects)


def test_deleted_and_updated_objects_have_no_stale_vectors(collection_factory):
    data = _data("l2-squared")[:50]
    col = _make(collection_factory, "l2-squared")
    ids = _fill(col, data)
    # delete the exact match of a query: it must not come back
    col.data.delete_by_id(ids[10])
    res = col.query.near_vector(data[10].tolist(), limit=50)
    assert ids[10] not in [str(o.uuid) for o in res.objects] and len(res.objects) == 49
    # move object 20 far away: its old position must not match any more
    far = (np.ones(DIM) * 100).astype(np.float32)
    col.data.update(uuid=ids[20], vector=far.tolist())
    res = col.query.near_vector(data[20].tolist(), limit=1, return_metadata=MetadataQuery(distance=True))
    assert str(res.objects[0].uuid) != ids[20]
    res = col.query.near_vector(far.tolist(), limit=1, include_vector=True, return_metadata=MetadataQuery(
        distance=True))
    assert str(res.objects[0].uuid) == ids[20] and res.objects[0].metadata.distance == pytest.approx(0, abs=1e-4)
    np.testing.assert_allclose(res.objects[0].vector["default"], far)
    # replace with a new vector through insert_many (upsert) as well
    col.data.insert_many([DataObject(properties={"i": 30}, uuid=ids[30], vector=(-far).tolist())])
    res = col.query.near_vector((-far).tolist(), limit=1)
    assert str(res.objects[0].uuid) == ids[30]
    res = col.query.near_vector(data[30].tolist(), limit=1)
    assert str(res.objects[0].uuid) != ids[30]
    assert len(col) == 49


def test_l2_squared_is_exact_for_large_norm_vectors(collection_factory):
    # |r|^2 - 2 r.q + |q|^2 in float32 cancels catastrophically here (norms ~141, distances ~1e-3)
    rng = np.random.default_rng(5)
    data = (50 + rng.normal(scale=0.01, size=(200, DIM))).astype(np.float32)
    col = _make(collection_factory, "l2-squared")
    ids = _fill(col, data)
    q = (50 + rng.normal(scale=0.01, size=DIM)).astype(np.float32)
    want = brute("l2-squared", data, q)
    res = col.query.near_vector(q.tolist(), limit=10, return_metadata=MetadataQuery(distance=True))
    assert [str(o.uuid) for o in res.objects] == [ids[j] for j in np.argsort(want)[:10]]
    np.testing.assert_allclose([o.metadata.distance for o in res.objects], np.sort(want)[:10], rtol=1e-4, atol=1e-7)
    thr = float(np.sort(want)[4]) * 1.0001
    res = col.query.near_vector(q.tolist(), distance=thr, limit=100)
    assert len(res.objects) == 5
    res = col.query.near_object(ids[0], limit=1, return_metadata=MetadataQuery(distance=True))
    assert str(res.objects[0].uuid) == ids[0] and res.objects[0].metadata.distance == 0.0
