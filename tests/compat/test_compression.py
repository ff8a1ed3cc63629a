"""Vector compression (PQ, SQ, BQ, RQ 8-bit and 1-bit) through the official client: the HNSW graph really holds
codes once compression is due, results are rescored to exact full-precision distances (checked against a numpy
brute force), deleted and overwritten objects never come back, filters hold on both search paths, the config
round-trips, compression can be enabled on a populated collection, and a restart keeps the compressed graph."""
from __future__ import annotations

import uuid as uuid_mod

import numpy as np
import pytest
from weaviate.classes.config import Configure, DataType, Property, Reconfigure
from weaviate.classes.data import DataObject
from weaviate.classes.query import Filter, MetadataQuery

import loomdb

DIM, N, TRAIN = 48, 1500, 600       # PQ/SQ compress once more than TRAIN vectors exist
Q = Configure.VectorIndex.Quantizer
R = Reconfigure.VectorIndex.Quantizer
# kind -> (quantizer at creation, the same by update, compression the index reports, recall@10 floor)
KINDS = {
    "sq": (Q.sq(training_limit=TRAIN), R.sq(training_limit=TRAIN), "sq", 0.95),
    "pq": (Q.pq(training_limit=TRAIN, segments=24), R.pq(training_limit=TRAIN, segments=24), "pq", 0.9),
    "bq": (Q.bq(), R.bq(), "bq", 0.7),             # 1 bit x 48 dims: candidates from 48-bit codes
    "rq8": (Q.rq(bits=8), R.rq(bits=8), "rq", 0.95),
    # 1-bit RQ: Weaviate's own default rescoreLimit for bits=1 is 512 (loomdb's schema defaults fill 20)
    "rq1": (Q.rq(bits=1, rescore_limit=512), R.rq(bits=1, rescore_limit=512), "rq", 0.7),
}


def _uid(i: int) -> str:
    return str(uuid_mod.UUID(int=i + 1))


def _clustered(rng, n: int) -> np.ndarray:
    centres = rng.standard_normal((40, DIM))
    x = centres[rng.integers(0, 40, n)] + 0.35 * rng.standard_normal((n, DIM))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _create(factory, quantizer, suffix: str = ""):
    return factory(suffix, properties=[Property(name="i", data_type=DataType.INT),
                                       Property(name="tag", data_type=DataType.TEXT)],
                   vector_config=Configure.Vectors.self_provided(vector_index_config=Configure.VectorIndex.hnsw(
                       quantizer=quantizer, flat_search_cutoff=300)))


def _put(col, vecs: dict[int, np.ndarray]) -> None:
    objs = [DataObject({"i": i, "tag": f"t{i % 2}"}, uuid=_uid(i), vector=v.tolist()) for i, v in vecs.items()]
    for start in range(0, len(objs), 500):
        assert not col.data.insert_many(objs[start:start + 500]).errors


def _index(server, col):
    return server.db.collection(col.name).shard.indexes["default"]


def _settle(index, col) -> None:
    """Wait for a pending (compression) rebuild, then write once: the swap happens inside a write."""
    index.wait_for_rebuild(60)
    col.data.insert({"i": -1}, uuid=_uid(10**6))
    col.data.delete_by_id(_uid(10**6))


def _check_search(col, truth: dict[int, np.ndarray], queries: np.ndarray, floor: float) -> None:
    """recall@10 against brute force over `truth` (the live objects), distances exact, filters held."""
    ids = np.array(sorted(truth))
    data = np.stack([truth[i] for i in ids]).astype(np.float64)
    hits = 0
    for q in queries:
        dist = 1.0 - data @ q.astype(np.float64) / np.linalg.norm(q)     # cosine; stored vectors are unit
        want = ids[np.argsort(dist)[:10]]
        res = col.query.near_vector(q.tolist(), limit=10, return_metadata=MetadataQuery(distance=True),
                                    return_properties=["i"])
        got = [o.properties["i"] for o in res.objects]
        assert set(got) <= set(truth)                                   # nothing deleted ever comes back
        hits += len(set(got) & set(want.tolist()))
        by_id = dict(zip(ids.tolist(), dist))
        for o in res.objects:                                            # exact, from the object's current vector
            assert o.metadata.distance == pytest.approx(by_id[o.properties["i"]], abs=1e-5)
    assert hits / (10 * len(queries)) >= floor
    for flt, allowed in ((Filter.by_property("i").less_than(60), lambda i: i < 60),          # exact path
                         (Filter.by_property("tag").equal("t0"), lambda i: i % 2 == 0)):      # graph + selector
        ok = np.array([allowed(i) for i in ids])
        for q in queries[:5]:
            dist = 1.0 - data[ok] @ q.astype(np.float64) / np.linalg.norm(q)
            want = set(ids[ok][np.argsort(dist)[:10]].tolist())
            got = [o.properties["i"] for o in col.query.near_vector(q.tolist(), limit=10, filters=flt,
                                                                  return_properties=["i"]).objects]
            assert all(allowed(i) and i in truth for i in got)
            assert len(set(got) & want) >= 7


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.loomdb_only("inspects the engine's vector index")
def test_compressed_index_rescores_exactly(server, collection_factory, kind):
    create, _, reported, floor = KINDS[kind]
    rng = np.random.default_rng(11)
    x = _clustered(rng, N)
    col = _create(collection_factory, create)
    index = _index(server, col)
    _put(col, {i: x[i] for i in range(TRAIN)})
    _settle(index, col)
    assert index.compression == (None if kind in ("sq", "pq") else reported)   # PQ/SQ wait for trainingLimit
    _put(col, {i: x[i] for i in range(TRAIN, N)})
    _settle(index, col)
    assert index.compression == reported
    truth = {i: x[i] for i in range(N)}
    moved = {i: _clustered(rng, 1)[0] for i in range(0, 300, 6)}        # overwritten with new vectors
    _put(col, moved)
    truth.update(moved)
    gone = list(range(1, 300, 6))
    col.data.delete_many(where=Filter.by_id().contains_any([_uid(i) for i in gone]))
    for i in gone:
        del truth[i]
    queries = np.concatenate([x[list(moved)[:10]], x[gone[:10]], _clustered(rng, 20)])   # old vectors too
    _check_search(col, truth, queries, floor)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_config_round_trips(collection_factory, kind):
    col = _create(collection_factory, KINDS[kind][0])
    q = col.config.get().vector_config["default"].vector_index_config.quantizer
    assert type(q).__name__.lower().startswith("_" + kind[:2])
    if kind in ("sq", "pq"):
        assert q.training_limit == TRAIN
    if kind == "pq":
        assert (q.segments, q.centroids) == (24, 256)
    if kind.startswith("rq"):
        assert (q.bits, q.rescore_limit) == ((8, 20) if kind == "rq8" else (1, 512))


@pytest.mark.parametrize("kind", ["sq", "pq", "rq1"])
@pytest.mark.loomdb_only("inspects the engine's vector index")
def test_enable_compression_on_a_populated_collection(server, collection_factory, kind):
    _, update, reported, floor = KINDS[kind]
    rng = np.random.default_rng(12)
    x = _clustered(rng, N)
    col = _create(collection_factory, None)
    _put(col, {i: x[i] for i in range(N)})
    index = _index(server, col)
    assert index.compression is None
    col.config.update(vector_config=Reconfigure.Vectors.update(
        name="default", vector_index_config=Reconfigure.VectorIndex.hnsw(quantizer=update)))
    _settle(index, col)
    assert index.compression == reported
    _check_search(col, {i: x[i] for i in range(N)}, _clustered(rng, 20), floor)


@pytest.mark.parametrize("kind", ["pq", "rq1"])
@pytest.mark.loomdb_only("restarts its own loomdb")
def test_restart_keeps_the_compressed_graph(tmp_path, kind):
    create, _, reported, floor = KINDS[kind]
    rng = np.random.default_rng(13)
    x = _clustered(rng, N)
    with loomdb.connect_embedded(tmp_path) as c:
        col = c.collections.create("Comp", properties=[Property(name="i", data_type=DataType.INT),
                                                       Property(name="tag", data_type=DataType.TEXT)],
                                   vector_config=Configure.Vectors.self_provided(
                                       vector_index_config=Configure.VectorIndex.hnsw(quantizer=create,
                                                                                      flat_search_cutoff=300)))
        _put(col, {i: x[i] for i in range(N)})
        _settle(_index(c.loomdb_server, col), col)
    with loomdb.connect_embedded(tmp_path) as c:
        col = c.collections.get("Comp")
        index = _index(c.loomdb_server, col)
        assert index.restored_from_snapshot and index.compression == reported
        _check_search(col, {i: x[i] for i in range(N)}, _clustered(rng, 20), floor)
