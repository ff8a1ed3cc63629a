"""Approximate vector search through the official client: HNSW recall on a seeded clustered set, filtered recall on
both the exact (allow-list under flatSearchCutoff) and the graph path, deletes never returned by the graph, and the
dynamic index switching from flat to HNSW while it keeps answering."""
from __future__ import annotations

import uuid as uuid_mod

import numpy as np
import pytest
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.data import DataObject
from weaviate.classes.query import Filter, MetadataQuery

N, DIM, K = 4000, 32, 10


def _uid(i: int) -> str:
    return str(uuid_mod.UUID(int=i + 1))


def _clustered(n: int, seed: int) -> np.ndarray:
    """Clusters in a low-dimensional latent space, like real embeddings (HNSW's typical case), unit length."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(40, 8))
    latent = centres[rng.integers(0, 40, n)] + 0.35 * rng.normal(size=(n, 8))
    x = latent @ rng.normal(size=(8, DIM)) + 0.05 * rng.normal(size=(n, DIM))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _exact_top(data: np.ndarray, q: np.ndarray, allowed: np.ndarray | None = None) -> list[int]:
    dist = 1.0 - data.astype(np.float64) @ q.astype(np.float64)
    if allowed is not None:
        dist = np.where(allowed, dist, np.inf)
    top = np.argsort(dist, kind="stable")[:K]
    return [int(i) for i in top if np.isfinite(dist[i])]


def _fill(col, data: np.ndarray, first: int = 0, last: int | None = None) -> None:
    """Objects first..last-1 of `data` (object i has uuid _uid(i) and property i)."""
    last = len(data) if last is None else last
    for start in range(first, last, 1000):
        res = col.data.insert_many([DataObject(properties={"i": i, "bucket": i % 1000}, uuid=_uid(i),
                                               vector=data[i].tolist()) for i in range(start, min(last, start + 1000))])
        assert not res.errors


def _found(col, q: np.ndarray, **kwargs) -> list[int]:
    return [o.properties["i"] for o in col.query.near_vector(q.tolist(), limit=K, **kwargs).objects]


def _recall(got: list[list[int]], want: list[list[int]]) -> float:
    return sum(len(set(g) & set(w)) for g, w in zip(got, want)) / sum(len(w) for w in want)


def _hnsw(collection_factory, suffix: str = "", **hnsw):
    return collection_factory(
        suffix, vector_config=Configure.Vectors.self_provided(vector_index_config=Configure.VectorIndex.hnsw(
            max_connections=16, ef_construction=64, **hnsw)),
        properties=[Property(name="i", data_type=DataType.INT), Property(name="bucket", data_type=DataType.INT)])


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    x = _clustered(N + 50, seed=11)
    return x[:N], x[N:]


def test_hnsw_recall_and_exact_distances(collection_factory, data):
    base, queries = data
    col = _hnsw(collection_factory)
    _fill(col, base)
    got = [_found(col, q) for q in queries]
    assert _recall(got, [_exact_top(base, q) for q in queries]) >= 0.95
    res = col.query.near_vector(queries[0].tolist(), limit=K, return_metadata=MetadataQuery(distance=True))
    for o in res.objects:       # the graph finds candidates; the distances it reports are the true ones
        want = 1.0 - float(base[o.properties["i"]].astype(np.float64) @ queries[0].astype(np.float64))
        assert o.metadata.distance == pytest.approx(want, abs=1e-5)


@pytest.mark.parametrize("share", [0.001, 0.01, 0.1, 0.5])
def test_filtered_recall_at_every_selectivity(collection_factory, data, share):
    # flatSearchCutoff 200: 0.1% and 1% (4 / 40 allowed) are searched exactly, 10% and 50% through the graph
    base, queries = data
    col = _hnsw(collection_factory, flat_search_cutoff=200)
    _fill(col, base)
    limit = int(share * 1000)
    allowed = (np.arange(N) % 1000) < limit
    flt = Filter.by_property("bucket").less_than(limit)
    got = [_found(col, q, filters=flt) for q in queries]
    assert all(allowed[i] for g in got for i in g)
    assert _recall(got, [_exact_top(base, q, allowed) for q in queries]) >= 0.95


def test_graph_never_returns_deleted_or_moved_objects(collection_factory, data):
    base, queries = data
    col = _hnsw(collection_factory)
    _fill(col, base)
    victims = {i for q in queries[:10] for i in _exact_top(base, q)}
    col.data.delete_many(where=Filter.by_id().contains_any([_uid(i) for i in victims]))
    far = np.zeros(DIM, np.float32)
    far[0] = 1.0
    moved = sorted(victims)[:5]            # deleted, then re-inserted elsewhere under the same id
    col.data.insert_many([DataObject(properties={"i": i, "bucket": i % 1000}, uuid=_uid(i), vector=far.tolist())
                          for i in moved])
    alive = np.ones(N, bool)
    alive[list(victims)] = False
    for q in queries[:10]:
        got = _found(col, q)
        assert not (set(got) & (victims - set(moved)))
        assert set(got) & set(moved) <= {i for i in moved if (1.0 - far @ q) <= np.sort(1.0 - base[alive] @ q)[K]}
    assert len(col) == N - len(victims) + len(moved)


@pytest.mark.loomdb_only("inspects the engine's vector index")
def test_dynamic_index_switches_to_hnsw_and_keeps_answering(server, collection_factory, data):
    base, queries = data
    col = collection_factory(vector_config=Configure.Vectors.self_provided(
        vector_index_config=Configure.VectorIndex.dynamic(threshold=1000, hnsw=Configure.VectorIndex.hnsw(
            max_connections=16, ef_construction=64))), properties=[Property(name="i", data_type=DataType.INT),
                                                                   Property(name="bucket", data_type=DataType.INT)])
    index = lambda: server.db.collection(col.name).shard.indexes["default"]   # noqa: E731
    _fill(col, base, 0, 900)
    assert index().kind == "flat"
    assert _found(col, queries[0]) == _exact_top(base[:900], queries[0])       # flat is exact
    _fill(col, base, 900, 2000)                    # past the threshold: the graph builds in the background
    assert _recall([_found(col, queries[0])], [_exact_top(base[:2000], queries[0])]) >= 0.9   # still answering
    index().wait_until_built(timeout=60)
    _fill(col, base, 2000)                       # the next write swaps the graph in, its own vectors included
    assert index().kind == "hnsw"
    got = [_found(col, q) for q in queries]
    assert _recall(got, [_exact_top(base, q) for q in queries]) >= 0.95
    assert len(col) == N
