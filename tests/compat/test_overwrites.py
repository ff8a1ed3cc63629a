"""Heavy overwrite/delete traffic: old versions never resurface, and the shard's in-memory compaction
(dead slots dropped once numerous) keeps filters, vector search and listings exact."""
from __future__ import annotations

import uuid

import numpy as np
import pytest
from weaviate.classes.config import Configure, DataType, Property, VectorDistances
from weaviate.classes.data import DataObject
from weaviate.classes.query import Filter, MetadataQuery

N, DIM = 3000, 8


@pytest.mark.loomdb_only("inspects the engine's shard compaction")
def test_overwrites_and_deletes_across_compaction(server, collection_factory):
    rng = np.random.default_rng(11)
    col = collection_factory(properties=[Property(name="n", data_type=DataType.INT),
                                         Property(name="tag", data_type=DataType.TEXT),
                                         Property(name="tags", data_type=DataType.TEXT_ARRAY)],
                             vector_config=Configure.Vectors.self_provided(
                                 vector_index_config=Configure.VectorIndex.flat(
                                     distance_metric=VectorDistances.L2_SQUARED)))
    ids = [str(uuid.UUID(int=i + 1)) for i in range(N)]
    vecs = rng.standard_normal((N, DIM)).astype(np.float32)
    props = [{"n": i, "tag": f"old{i % 7}", "tags": ["old", f"o{i % 3}"]} for i in range(N)]
    assert not col.data.insert_many([DataObject(p, uuid=u, vector=v.tolist())
                                     for p, u, v in zip(props, ids, vecs)]).errors
    # overwrite 2000 objects with new values and vectors, then delete 500 others
    for i in range(2000):
        vecs[i] = rng.standard_normal(DIM)
        props[i] = {"n": 10_000 + i, "tag": f"new{i % 5}", "tags": ["new", f"x{i % 4}"]}
    assert not col.data.insert_many([DataObject(props[i], uuid=ids[i], vector=vecs[i].tolist())
                                     for i in range(2000)]).errors
    deleted = set(range(2000, 2500))
    res = col.data.delete_many(where=Filter.by_id().contains_any([ids[i] for i in sorted(deleted)]))
    assert res.successful == 500
    live = [i for i in range(N) if i not in deleted]

    # 3000 + 2000 overwrite slots, 2000 dead -> compacted back to 3000; the 500 deletes stay below the
    # 1024-dead threshold, so those slots remain (dead, masked) until more churn arrives
    shard = server.db.collection(col.name).shard
    assert shard.slot_count == N, "compaction did not run after the overwrites"

    assert len(col) == len(live)
    seen = {str(o.uuid): o.properties["n"] for o in col.iterator()}
    assert seen == {ids[i]: props[i]["n"] for i in live}
    old = col.query.fetch_objects(filters=Filter.by_property("tag").like("old*"), limit=5000).objects
    assert sorted(o.properties["n"] for o in old) == sorted(props[i]["n"] for i in live if i >= 2000)
    newer = col.query.fetch_objects(filters=Filter.by_property("tags").contains_any(["new"]), limit=5000).objects
    assert len(newer) == 2000
    assert col.aggregate.over_all(total_count=True, filters=Filter.by_property("n").less_than(10_000)).total_count \
        == len(live) - 2000
    for q in rng.standard_normal((5, DIM)).astype(np.float32):
        got = col.query.near_vector(q.tolist(), limit=10, return_metadata=MetadataQuery(distance=True)).objects
        d = ((vecs[live] - q) ** 2).sum(axis=1)
        expected = [ids[live[j]] for j in np.argsort(d, kind="stable")[:10]]
        assert [str(o.uuid) for o in got] == expected
    one = col.query.fetch_object_by_id(ids[5], include_vector=True)
    assert one.properties["tag"] == "new0"
    np.testing.assert_allclose(one.vector["default"], vecs[5], rtol=1e-6)
