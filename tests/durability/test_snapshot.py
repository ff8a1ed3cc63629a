"""Fast restart: HNSW graphs are snapshotted on close and adopted on open; writes after the snapshot (even
before a kill -9) are replayed from the store, so results stay exact: nothing stale, nothing missing."""
from __future__ import annotations

import uuid

import numpy as np
from weaviate.classes.config import Configure, VectorDistances
from weaviate.classes.data import DataObject

import loomdb

N, DIM = 3000, 16


def _ids(n):
    return [str(uuid.UUID(int=i + 1)) for i in range(n)]


def _make(client, rng):
    col = client.collections.create("Snap", vector_config=Configure.Vectors.self_provided(
        vector_index_config=Configure.VectorIndex.hnsw(distance_metric=VectorDistances.L2_SQUARED)))
    vecs = rng.standard_normal((N, DIM)).astype(np.float32)
    for start in range(0, N, 1000):
        assert not col.data.insert_many([DataObject({"i": i}, uuid=u, vector=vecs[i].tolist())
                                         for i, u in zip(range(start, start + 1000), _ids(N)[start:start + 1000])
                                         ]).errors
    return col, vecs


def test_clean_restart_adopts_the_snapshot(tmp_path):
    rng = np.random.default_rng(1)
    with loomdb.connect_embedded(tmp_path) as c:
        _, vecs = _make(c, rng)
    assert list(tmp_path.rglob("vector-default-*.faiss"))
    with loomdb.connect_embedded(tmp_path) as c:
        index = c.loomdb_server.db.collection("Snap").shard.indexes["default"]
        assert index.restored_from_snapshot and index.tombstones == 0
        col = c.collections.get("Snap")
        for j in (0, 17, 2999):
            assert str(col.query.near_vector(vecs[j].tolist(), limit=1).objects[0].uuid) == _ids(N)[j]


def test_writes_after_the_snapshot_survive_kill9(server_process, tmp_path):
    rng = np.random.default_rng(2)
    data = tmp_path / "data"
    sp = server_process(data)
    with sp.client() as c:
        _make(c, rng)
    sp.terminate()                                     # clean stop: snapshot written
    sp2 = server_process(data)
    with sp2.client() as c:
        col = c.collections.get("Snap")
        vecs = np.array([o.vector["default"] for o in sorted(col.iterator(include_vector=True),
                                                              key=lambda o: o.uuid.int)], np.float32)
        ids = _ids(N)
        moved = list(range(0, 300))                    # overwritten with new vectors after the snapshot
        new_vecs = rng.standard_normal((len(moved), DIM)).astype(np.float32) + 10
        assert not col.data.insert_many([DataObject({"i": i}, uuid=ids[i], vector=new_vecs[k].tolist())
                                         for k, i in enumerate(moved)]).errors
        gone = list(range(300, 400))
        col.data.delete_many(where=__import__("weaviate").classes.query.Filter.by_id().contains_any(
            [ids[i] for i in gone]))
        extra = rng.standard_normal((200, DIM)).astype(np.float32) - 10
        extra_ids = [str(uuid.UUID(int=10_000 + i)) for i in range(200)]
        assert not col.data.insert_many([DataObject({"i": -1}, uuid=u, vector=v.tolist())
                                         for u, v in zip(extra_ids, extra)]).errors
    sp2.kill9()                                        # no snapshot of these writes
    sp3 = server_process(data)
    with sp3.client() as c:
        col = c.collections.get("Snap")
        assert len(col) == N - len(gone) + len(extra)
        for k, i in enumerate(moved[:20]):             # new vector found, old one not
            hit = col.query.near_vector(new_vecs[k].tolist(), limit=1).objects[0]
            assert str(hit.uuid) == ids[i]
            stale = col.query.near_vector(vecs[i].tolist(), limit=5).objects
            assert ids[i] not in {str(o.uuid) for o in stale}
        for i in gone[:20]:
            assert ids[i] not in {str(o.uuid) for o in col.query.near_vector(vecs[i].tolist(), limit=5).objects}
        for k in range(0, 200, 20):
            assert str(col.query.near_vector(extra[k].tolist(), limit=1).objects[0].uuid) == extra_ids[k]


def test_flat_index_reopens_from_the_store_with_gaps(tmp_path):
    # a flat index is rebuilt from SQLite on open (one matrix, slots without a vector left empty)
    rng = np.random.default_rng(3)
    vecs = rng.standard_normal((300, DIM)).astype(np.float32)
    with loomdb.connect_embedded(tmp_path) as c:
        col = c.collections.create("Flat", vector_config=Configure.Vectors.self_provided(
            vector_index_config=Configure.VectorIndex.flat()))
        assert not col.data.insert_many([DataObject({"i": i}, uuid=u, vector=vecs[i].tolist() if i % 3 else None)
                                         for i, u in enumerate(_ids(300))]).errors
    with loomdb.connect_embedded(tmp_path) as c:
        col = c.collections.get("Flat")
        with_vector = np.array([i for i in range(300) if i % 3])
        for q in rng.standard_normal((5, DIM)).astype(np.float32):
            cos = vecs[with_vector] @ q / (np.linalg.norm(vecs[with_vector], axis=1) * np.linalg.norm(q))
            want = [_ids(300)[i] for i in with_vector[np.argsort(-cos)[:10]]]
            assert [str(o.uuid) for o in col.query.near_vector(q.tolist(), limit=10).objects] == want
        assert len(col) == 300
