"""Multi-target vector search through the official client (Weaviate 1.36's join rules, adapters/repos/db
CombineMultiTargetResults): every join strategy checked against a numpy reference over the same vectors
(distances and order), vectors per target (several for one target), near_object, hybrid, filters, several shards,
and Weaviate's errors. Includes the client's own documented cases (integration/test_named_vectors.py)."""
from __future__ import annotations

import uuid as uuid_mod

import numpy as np
import pytest
import weaviate.classes as wvc
from weaviate.classes.config import Configure, DataType, Property, VectorDistances
from weaviate.classes.data import DataObject
from weaviate.classes.query import Filter, HybridVector, MetadataQuery, NearVector, TargetVectors
from weaviate.exceptions import WeaviateQueryError
from weaviate.proto.v1 import base_pb2, base_search_pb2

N = 60
DIMS = {"a": 4, "b": 6, "c": 3}


def _uid(i: int) -> str:
    return str(uuid_mod.UUID(int=(i * 2654435761) % (1 << 122) + (1 << 124)))


def _cosine(rows: np.ndarray, q: np.ndarray) -> np.ndarray:
    rows, q = rows.astype(np.float64), np.asarray(q, np.float64)
    return 1.0 - rows @ q / (np.linalg.norm(rows, axis=1) * np.linalg.norm(q))


def _l2(rows: np.ndarray, q: np.ndarray) -> np.ndarray:
    return ((rows.astype(np.float64) - np.asarray(q, np.float64)) ** 2).sum(axis=1)


@pytest.fixture
def three(collection_factory):
    """A collection with three named vectors (a, b cosine; c l2-squared) and N objects with all three."""
    rng = np.random.default_rng(11)
    data = {name: rng.normal(size=(N, dim)).astype(np.float32) for name, dim in DIMS.items()}
    col = collection_factory(
        properties=[Property(name="i", data_type=DataType.INT)],
        vector_config=[Configure.Vectors.self_provided(name="a"), Configure.Vectors.self_provided(name="b"),
                       Configure.Vectors.self_provided(
                           name="c", vector_index_config=Configure.VectorIndex.flat(
                               distance_metric=VectorDistances.L2_SQUARED))])
    res = col.data.insert_many([DataObject(properties={"i": i}, uuid=_uid(i),
                                           vector={n: data[n][i].tolist() for n in DIMS}) for i in range(N)])
    assert not res.errors
    return col, data


def _reference(dists: dict[str, np.ndarray], join: str, k: int, weights: dict[str, float] | None = None,
               candidates: int | None = None) -> tuple[list[str], list[float]]:
    """Weaviate's join in numpy: each target's k nearest, their union, the joined distance, the k best."""
    names = list(dists)
    found = set()
    for name in names:
        found |= set(np.argsort(dists[name], kind="stable")[: candidates or k].tolist())
    pool = sorted(found)
    if join == "minimum":
        joined = {i: min(dists[n][i] for n in names if i in set(np.argsort(dists[n])[: candidates or k].tolist()))
                  for i in pool}
    elif join == "relative":
        joined = {i: 0.0 for i in pool}
        for n in names:
            vals = np.array([dists[n][i] for i in pool])
            lo, hi = vals.min(), vals.max()
            for i, v in zip(pool, vals):
                joined[i] += weights[n] * ((v - lo) / (hi - lo) if hi > lo else 1.0)
    else:
        w = weights or {n: (1.0 if join == "sum" else 1.0 / len(names)) for n in names}
        joined = {i: sum(w[n] * dists[n][i] for n in names) for i in pool}
    best = sorted(pool, key=lambda i: joined[i])[:k]
    return [_uid(i) for i in best], [joined[i] for i in best]


def _check(objs, expected: tuple[list[str], list[float]], tol: float = 1e-4) -> None:
    ids, dists = expected
    assert [str(o.uuid) for o in objs] == ids
    assert [o.metadata.distance for o in objs] == pytest.approx(dists, abs=tol)


@pytest.mark.parametrize("join, target_vector, weights", [
    ("sum", TargetVectors.sum(["a", "b"]), None),
    ("average", TargetVectors.average(["a", "b"]), None),
    ("minimum", TargetVectors.minimum(["a", "b"]), None),
    ("minimum", ["a", "b"], None),                                  # a plain list joins by minimum
    ("manual", TargetVectors.manual_weights({"a": 0.3, "b": 1.7}), {"a": 0.3, "b": 1.7}),
    ("relative", TargetVectors.relative_score({"a": 0.8, "b": 0.2}), {"a": 0.8, "b": 0.2}),
])
def test_join_strategies_match_numpy(three, join, target_vector, weights):
    col, data = three
    q = {"a": [0.3, -1.0, 0.5, 0.2], "b": [1.0, 0.1, -0.4, 0.3, 0.0, 0.9]}
    objs = col.query.near_vector(q, target_vector=target_vector, limit=7,
                                 return_metadata=MetadataQuery(distance=True)).objects
    dists = {n: _cosine(data[n], q[n]) for n in ("a", "b")}
    _check(objs, _reference(dists, "manual" if join == "manual" else join, 7, weights))


def test_three_targets_with_one_query_vector_each_metric(three):
    """Three targets of different metrics, the sum of their own distances (cosine, cosine, l2-squared)."""
    col, data = three
    q = {"a": [1, 0, 0, 0], "b": [0, 1, 0, 0, 0, 0], "c": [0.5, 0.5, -0.5]}
    objs = col.query.near_vector(q, target_vector=TargetVectors.sum(["a", "b", "c"]), limit=5,
                                 return_metadata=MetadataQuery(distance=True)).objects
    dists = {"a": _cosine(data["a"], q["a"]), "b": _cosine(data["b"], q["b"]), "c": _l2(data["c"], q["c"])}
    _check(objs, _reference(dists, "sum", 5))


def test_single_vector_for_every_target(collection_factory):
    """One query vector searched on every named target (the client's test_named_vector_multi_target)."""
    col = collection_factory(vector_config=[Configure.Vectors.self_provided(name="first"),
                                            Configure.Vectors.self_provided(name="second")])
    u1 = col.data.insert({}, vector={"first": [1, 0, 0], "second": [0, 1, 0]})
    u2 = col.data.insert({}, vector={"first": [0, 1, 0], "second": [1, 0, 0]})
    for tv in (["first", "second"], TargetVectors.sum(["first", "second"]),
               TargetVectors.minimum(["first", "second"]), TargetVectors.average(["first", "second"]),
               TargetVectors.manual_weights({"first": 1.2, "second": 0.7}),
               TargetVectors.relative_score({"first": 1.2, "second": 0.7})):
        objs = col.query.near_vector([1.0, 0.0, 0.0], target_vector=tv,
                                     return_metadata=MetadataQuery(distance=True)).objects
        assert sorted(o.uuid for o in objs) == sorted([u1, u2])
    objs = col.query.near_vector([1.0, 0.0, 0.0], target_vector=TargetVectors.manual_weights(
        {"first": 1.2, "second": 0.7}), return_metadata=MetadataQuery(distance=True)).objects
    assert [o.uuid for o in objs] == [u1, u2]            # u1: 1.2 * 0 + 0.7 * 1; u2: 1.2 * 1 + 0.7 * 0
    assert [o.metadata.distance for o in objs] == pytest.approx([0.7, 1.2])


@pytest.fixture
def two(collection_factory):
    col = collection_factory(vector_config=[Configure.Vectors.self_provided(name="first"),
                                            Configure.Vectors.self_provided(name="second")])
    u1 = col.data.insert({}, vector={"first": [1, 0], "second": [0, 1, 0]})
    u2 = col.data.insert({}, vector={"first": [0, 1], "second": [1, 0, 0]})
    return col, u1, u2


@pytest.mark.parametrize("target_vector, distances", [
    (TargetVectors.sum(["first", "second"]), [1, 3]),
    (TargetVectors.manual_weights({"first": 1, "second": [1, 1]}), [1, 3]),
    (TargetVectors.manual_weights({"first": 1, "second": [1, 2]}), [2, 4]),
    (TargetVectors.manual_weights({"second": [1, 2], "first": 1}), [2, 4]),
])
def test_several_vectors_for_one_target(two, target_vector, distances):
    """The client's test_same_target_vector_multiple_input: each vector of a target is its own search."""
    col, u1, u2 = two
    objs = col.query.near_vector({"first": [0.0, 1.0], "second": [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]},
                                 target_vector=target_vector, return_metadata=MetadataQuery.full()).objects
    assert [o.uuid for o in objs] == [u2, u1]
    assert [o.metadata.distance for o in objs] == pytest.approx(distances, abs=1e-6)
    assert objs[0].metadata.certainty is None          # several targets: Weaviate returns no certainty


@pytest.mark.parametrize("near_vector, target_vector", [
    ({"first": [0, 1], "second": [[1, 0, 0], [0, 0, 1]]}, ["first", "second"]),
    ({"first": [0, 1], "second": NearVector.list_of_vectors([1, 0, 0], [0, 0, 1])}, ["first", "second"]),
    ({"first": [[0, 1], [0, 1]], "second": [1, 0, 0]}, ["first", "second"]),
    ({"first": [[0, 1], [0, 1]], "second": [[1, 0, 0], [0, 0, 1]]}, ["first", "second"]),
    ({"first": [[0, 1], [0, 1]], "second": [[1, 0, 0], [0, 0, 1]]}, ["second", "first"]),
])
def test_vectors_per_target_combinations(two, near_vector, target_vector):
    col, u1, u2 = two
    objs = col.query.near_vector(near_vector, target_vector=target_vector,
                                 return_metadata=MetadataQuery.full()).objects
    assert sorted(o.uuid for o in objs) == sorted([u1, u2])


def test_several_vectors_for_the_only_target_join_by_minimum(two):
    col, u1, u2 = two
    objs = col.query.near_vector({"first": [[1.0, 0.0], [0.6, 0.8]]}, target_vector="first",
                                 return_metadata=MetadataQuery(distance=True)).objects
    assert [o.uuid for o in objs] == [u1, u2]
    assert [o.metadata.distance for o in objs] == pytest.approx([0.0, 0.2], abs=1e-6)


def test_named_vector_per_target_distance_threshold(collection_factory):
    """The client's test_near_vector_with_named_vector_other_input: the threshold applies to the joined distance."""
    col = collection_factory(vector_config=[Configure.Vectors.self_provided(name="first"),
                                            Configure.Vectors.self_provided(name="second")])
    u1 = col.data.insert({}, vector={"first": [1, 0], "second": [1, 0, 0]})
    col.data.insert({}, vector={"first": [0, 1], "second": [0, 0, 1]})
    objs = col.query.near_vector({"first": [1, 0], "second": [1, 0, 0]}, distance=0.1,
                                 target_vector=["first", "second"]).objects
    assert [o.uuid for o in objs] == [u1]


def test_missing_target_vector_drops_object_unless_minimum(collection_factory):
    """An object without a vector on one target: computed distances cannot be filled, so the weighted joins drop
    it; minimum keeps what was found."""
    col = collection_factory(vector_config=[Configure.Vectors.self_provided(name="first"),
                                            Configure.Vectors.self_provided(name="second")])
    full = col.data.insert({}, vector={"first": [1, 0], "second": [1, 0]})
    half = col.data.insert({}, vector={"first": [1, 0.1]})
    q = {"first": [1, 0], "second": [1, 0]}
    assert [o.uuid for o in col.query.near_vector(q, target_vector=TargetVectors.sum(["first", "second"]))
            .objects] == [full]
    assert {o.uuid for o in col.query.near_vector(q, target_vector=["first", "second"]).objects} == {full, half}


def test_missing_distances_are_computed(three):
    """limit 1 per target: the other target's best object is not found by it, its distance is computed."""
    col, data = three
    q = {"a": [0.3, -1.0, 0.5, 0.2], "b": [1.0, 0.1, -0.4, 0.3, 0.0, 0.9]}
    objs = col.query.near_vector(q, target_vector=TargetVectors.sum(["a", "b"]), limit=1,
                                 return_metadata=MetadataQuery(distance=True)).objects
    dists = {n: _cosine(data[n], q[n]) for n in ("a", "b")}
    _check(objs, _reference(dists, "sum", 1))


def test_filters_and_offset(three):
    col, data = three
    q = {"a": [0.3, -1.0, 0.5, 0.2], "b": [1.0, 0.1, -0.4, 0.3, 0.0, 0.9]}
    allowed = np.arange(N) % 3 == 0
    objs = col.query.near_vector(q, target_vector=TargetVectors.average(["a", "b"]), limit=4, offset=2,
                                 filters=Filter.by_property("i").contains_any([i for i in range(N) if i % 3 == 0]),
                                 return_metadata=MetadataQuery(distance=True)).objects
    dists = {n: np.where(allowed, _cosine(data[n], q[n]), np.inf) for n in ("a", "b")}
    ids, joined = _reference(dists, "average", 6)
    _check(objs, (ids[2:], joined[2:]))


def test_near_object_multi_target(three):
    col, data = three
    objs = col.query.near_object(_uid(5), target_vector=TargetVectors.sum(["a", "b"]), limit=4,
                                 return_metadata=MetadataQuery(distance=True)).objects
    dists = {n: _cosine(data[n], data[n][5]) for n in ("a", "b")}
    _check(objs, _reference(dists, "sum", 4))
    assert str(objs[0].uuid) == _uid(5)


def test_hybrid_multi_target_vector_side(three):
    """hybrid with alpha 1: the fused score ranks by 1 - the joined distance of the vector side."""
    col, data = three
    q = [0.3, -1.0, 0.5, 0.2]
    rng = np.random.default_rng(3)
    extra = rng.normal(size=4).tolist()
    objs = col.query.hybrid(None, vector=HybridVector.near_vector({"a": q, "b": extra + [0.1, 0.2]}),
                            target_vector=TargetVectors.sum(["a", "b"]), limit=5).objects
    dists = {"a": _cosine(data["a"], q), "b": _cosine(data["b"], extra + [0.1, 0.2])}
    assert [str(o.uuid) for o in objs] == _reference(dists, "sum", 5, candidates=100)[0]


def test_hybrid_one_vector_on_several_targets(two):
    col, u1, u2 = two
    objs = col.query.hybrid(None, vector=[1.0, 0.0], target_vector=["first", "first"], limit=2).objects
    assert [o.uuid for o in objs] == [u1, u2]


def test_several_shards_merge_joined_distances(collection_factory):
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=(N, 4)).astype(np.float32), rng.normal(size=(N, 3)).astype(np.float32)
    col = collection_factory(vector_config=[Configure.Vectors.self_provided(name="a"),
                                            Configure.Vectors.self_provided(name="b")],
                             sharding_config=Configure.sharding(desired_count=3))
    assert not col.data.insert_many([DataObject(properties={}, uuid=_uid(i), vector={"a": a[i].tolist(),
                                                                                      "b": b[i].tolist()})
                                     for i in range(N)]).errors
    q = {"a": [0.3, 0.1, -1.0, 0.4], "b": [1.0, -0.2, 0.3]}
    objs = col.query.near_vector(q, target_vector=TargetVectors.manual_weights({"a": 2.0, "b": 0.5}), limit=6,
                                 return_metadata=MetadataQuery(distance=True)).objects
    dists = {"a": _cosine(a, q["a"]), "b": _cosine(b, q["b"])}
    ids, joined = _reference(dists, "manual", 6, {"a": 2.0, "b": 0.5}, candidates=N)
    assert [o.metadata.distance for o in objs] == pytest.approx(joined, abs=1e-4)
    assert [str(o.uuid) for o in objs] == ids


def test_group_by_multi_target(three):
    col, _ = three
    res = col.query.near_vector({"a": [1, 0, 0, 0], "b": [0, 0, 1, 0, 0, 0]},
                                target_vector=TargetVectors.sum(["a", "b"]),
                                group_by=wvc.query.GroupBy(prop="i", number_of_groups=3, objects_per_group=1))
    assert len(res.groups) == 3


def test_errors(two):
    col, _, _ = two
    with pytest.raises(WeaviateQueryError, match="does not have named vector third configured"):
        col.query.near_vector([1.0, 0.0], target_vector=["first", "third"])
    with pytest.raises(WeaviateQueryError, match="multiple vectors, but no target vectors were provided"):
        col.query.near_vector([1.0, 0.0])
    with pytest.raises(WeaviateQueryError):          # the client's test_multi_query_error_no_target_vector
        col.query.near_vector([[1.0, 0.0], [1.0, 0.0, 0.0]])
    with pytest.raises(WeaviateQueryError, match="found more than one target vector for aggregation"):
        col.aggregate.near_vector([1.0, 0.0], target_vector=["first", "second"], object_limit=5)


def test_certainty_threshold_needs_cosine_on_every_target(three):
    col, _ = three
    q = {"a": [1, 0, 0, 0], "c": [0, 0, 1]}
    with pytest.raises(WeaviateQueryError, match="can't compute and return certainty when vector index is "
                                                 "configured with l2-squared distance"):
        col.query.near_vector(q, target_vector=["a", "c"], certainty=0.5)
    objs = col.query.near_vector({"a": [1, 0, 0, 0], "b": [1, 0, 0, 0, 0, 0]}, target_vector=["a", "b"],
                                 certainty=0.9, return_metadata=MetadataQuery(distance=True)).objects
    assert all(o.metadata.distance <= 0.2 + 1e-6 for o in objs)


def test_colbert_and_regular_vectors_per_target(collection_factory):
    """The client's test_colbert_vectors_byov: per-target input for a multi-vector space is one token matrix,
    for a regular space a list of vectors is one search each."""
    col = collection_factory(vector_config=[
        wvc.config.Configure.MultiVectors.self_provided(
            name="colbert", multi_vector_config=wvc.config.Configure.VectorIndex.MultiVector.multi_vector()),
        Configure.Vectors.self_provided(name="regular")])
    col.data.insert_many([DataObject({}, vector={"regular": [1, 2], "colbert": [[1, 2], [4, 5]]})])
    queries = [
        col.query.near_vector({"regular": [[1, 2], [2, 1]]}, target_vector="regular"),
        col.query.near_vector({"colbert": [[1, 2], [3, 4]]}, target_vector="colbert"),
        col.query.near_vector({"colbert": NearVector.list_of_vectors([[1, 2], [3, 4]])}, target_vector="colbert"),
        col.query.hybrid(None, vector={"colbert": [[1, 2], [3, 4]]}, target_vector="colbert"),
        col.query.hybrid(None, vector={"colbert": NearVector.list_of_vectors([[1, 2], [3, 4]])},
                         target_vector="colbert"),
        col.query.near_vector({"regular": [1, 2], "colbert": [[1, 2], [3, 4]]},
                              target_vector=TargetVectors.sum(["regular", "colbert"])),
    ]
    assert [len(q.objects) for q in queries] == [1] * len(queries)


def _raw_near_vector(col, **near_vector):
    """A SearchRequest another client could send (the official one never builds these): Weaviate's parse errors."""
    from weaviate.proto.v1 import search_get_pb2

    req = search_get_pb2.SearchRequest(collection=col.name, limit=3, uses_123_api=True, uses_125_api=True,
                                       uses_127_api=True, near_vector=base_search_pb2.NearVector(**near_vector))
    return col._connection.grpc_search(req)


def _for_target(name: str, *vectors: list[float]):
    return base_search_pb2.VectorForTarget(name=name, vectors=[base_pb2.Vectors(
        vector_bytes=np.asarray(v, np.float32).tobytes(), type=base_pb2.Vectors.VECTOR_TYPE_SINGLE_FP32)
        for v in vectors])


@pytest.mark.parametrize("targets, for_targets, message", [
    (base_search_pb2.Targets(target_vectors=["first", "second"],
                             combination=base_search_pb2.COMBINATION_METHOD_TYPE_MANUAL,
                             weights_for_targets=[base_search_pb2.WeightsForTarget(target="first", weight=1)]),
     None, r"number of weights \(1\) does not match number of targets \(2\)"),
    (base_search_pb2.Targets(target_vectors=["first", "second"],
                             combination=base_search_pb2.COMBINATION_METHOD_TYPE_RELATIVE_SCORE,
                             weights_for_targets=[base_search_pb2.WeightsForTarget(target="second", weight=1),
                                                  base_search_pb2.WeightsForTarget(target="first", weight=1)]),
     None, "target vector second not found in target vectors"),
    (base_search_pb2.Targets(target_vectors=["first", "second"]), [("first", [[1, 0]])],
     "near_vector: vector for target must have the same lengths as target vectors"),
    (base_search_pb2.Targets(target_vectors=["first", "second"]), [("second", [[1, 0, 0]]), ("first", [[1, 0]])],
     r"near_vector: vector for target first is required. All target vectors: \[first second\] all vectors for "
     r"targets \[second first\]"),
])
def test_raw_request_errors(two, targets, for_targets, message):
    col, _, _ = two
    kwargs = {"targets": targets}
    if for_targets is None:
        kwargs["vector_bytes"] = np.array([1, 0], np.float32).tobytes()
    else:
        kwargs["vector_for_targets"] = [_for_target(name, *vectors) for name, vectors in for_targets]
    with pytest.raises(Exception, match=message):
        _raw_near_vector(col, **kwargs)


def test_deprecated_vector_per_target_map(two):
    """Clients for servers before 1.27 send `vector_per_target` (name -> bytes): taken in the targets' order."""
    col, u1, u2 = two
    per_target = {"second": np.array([0.6, 0.8, 0], np.float32).tobytes(),
                  "first": np.array([1, 0], np.float32).tobytes()}
    reply = _raw_near_vector(col, targets=base_search_pb2.Targets(
        target_vectors=["first", "second"], combination=base_search_pb2.COMBINATION_METHOD_TYPE_SUM),
        vector_per_target=per_target)
    assert [uuid_mod.UUID(bytes=r.metadata.id_as_bytes) for r in reply.results] == [u1, u2]
    with pytest.raises(Exception, match="near_vector: vector per target must be provided for all targets"):
        _raw_near_vector(col, targets=base_search_pb2.Targets(target_vectors=["first"]),
                         vector_per_target=per_target)
