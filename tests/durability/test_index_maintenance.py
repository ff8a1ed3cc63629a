"""Index housekeeping that happens without any write: tombstone cleanup cycles (cleanupIntervalSeconds), a
compression enabled by config.update being swapped in while only reads arrive, and a dynamic index that has
switched to HNSW being snapshotted and reopened as a graph."""
from __future__ import annotations

import time
import uuid

import numpy as np
from weaviate.classes.config import Configure, Reconfigure
from weaviate.classes.data import DataObject
from weaviate.classes.query import Filter

import loomdb

DIM = 16


def _ids(first: int, last: int) -> list[str]:
    return [str(uuid.UUID(int=i + 1)) for i in range(first, last)]


def _fill(col, vecs: np.ndarray) -> None:
    for start in range(0, len(vecs), 1000):
        stop = min(len(vecs), start + 1000)
        assert not col.data.insert_many([DataObject({"i": i}, uuid=u, vector=vecs[i].tolist()) for i, u in
                                         zip(range(start, stop), _ids(start, stop))]).errors


def _until(check, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def _index(client, name: str):
    return client.loomdb_server.db.collection(name).shard.indexes["default"]


def test_cleanup_cycle_removes_tombstones_without_writes(tmp_path):
    vecs = np.random.default_rng(1).standard_normal((600, DIM)).astype(np.float32)
    with loomdb.connect_embedded(tmp_path) as c:
        col = c.collections.create("Clean", vector_config=Configure.Vectors.self_provided(
            vector_index_config=Configure.VectorIndex.hnsw(cleanup_interval_seconds=1)))
        _fill(col, vecs)
        index = _index(c, "Clean")
        # 120 of 600 deleted: 20% of the graph, below the write-time rule (>= 1000 and >= 30%)
        col.data.delete_many(where=Filter.by_id().contains_any(_ids(0, 120)))
        assert index.tombstones == 120
        assert _until(lambda: index.tombstones == 0), "no cleanup cycle ran"
        assert len(col) == 480
        for j in (120, 333, 599):
            got = col.query.near_vector(vecs[j].tolist(), limit=1).objects[0]
            assert str(got.uuid) == _ids(j, j + 1)[0]
        deleted = set(_ids(0, 120))
        assert not deleted & {str(o.uuid) for o in col.query.near_vector(vecs[5].tolist(), limit=50).objects}


def test_compression_enabled_by_update_is_swapped_in_while_only_reads_arrive(tmp_path):
    vecs = np.random.default_rng(2).standard_normal((1500, DIM)).astype(np.float32)
    with loomdb.connect_embedded(tmp_path) as c:
        col = c.collections.create("Comp", vector_config=Configure.Vectors.self_provided(
            vector_index_config=Configure.VectorIndex.hnsw()))
        _fill(col, vecs)
        assert [s.compressed for s in c.cluster.nodes(collection="Comp", output="verbose")[0].shards] == [False]
        col.config.update(vector_config=Reconfigure.Vectors.update(
            name="default", vector_index_config=Reconfigure.VectorIndex.hnsw(
                quantizer=Reconfigure.VectorIndex.Quantizer.sq(training_limit=1000))))
        index = _index(c, "Comp")
        shards = lambda: c.cluster.nodes(collection="Comp", output="verbose")[0].shards   # noqa: E731
        assert _until(lambda: index.compression == "sq"), "the compressed graph was never swapped in"
        assert [s.compressed for s in shards()] == [True]       # what /v1/nodes reports, as in Weaviate
        got = col.query.near_vector(vecs[42].tolist(), limit=1).objects[0]
        assert str(got.uuid) == _ids(42, 43)[0]


def test_dynamic_index_switches_without_writes_and_reopens_as_a_graph(tmp_path):
    vecs = np.random.default_rng(3).standard_normal((1500, DIM)).astype(np.float32)
    config = Configure.VectorIndex.dynamic(threshold=1000, hnsw=Configure.VectorIndex.hnsw(max_connections=16))
    with loomdb.connect_embedded(tmp_path, async_indexing=True) as c:     # a dynamic index needs ASYNC_INDEXING
        col = c.collections.create("Dyn", vector_config=Configure.Vectors.self_provided(
            vector_index_config=config))
        _fill(col, vecs)
        index = _index(c, "Dyn")
        assert _until(lambda: index.kind == "hnsw"), "the graph was never swapped in"
    assert list(tmp_path.rglob("vector-default-*.faiss"))
    with loomdb.connect_embedded(tmp_path) as c:
        index = _index(c, "Dyn")
        assert index.kind == "hnsw" and index._active.restored_from_snapshot
        col = c.collections.get("Dyn")
        for j in (0, 999, 1499):
            assert str(col.query.near_vector(vecs[j].tolist(), limit=1).objects[0].uuid) == _ids(j, j + 1)[0]
