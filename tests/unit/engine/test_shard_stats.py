"""Shard.stats(): the figures /v1/nodes and /metrics pull from a shard (objects, stored dimensions, index entries,
tombstones, index operations, READY/READONLY/INDEXING) for every kind of vector index."""
from __future__ import annotations

import numpy as np

from loomdb.engine.schema._vector_index_defaults import fill_vector_index_config
from loomdb.engine.schema.model import VectorSpec
from loomdb.engine.shard import Shard
from loomdb.engine.vector.dynamic import DynamicIndex
from loomdb.entities.objects import ObjectWrite


def _uid(i: int) -> str:
    return f"00000000-0000-0000-0000-{i:012d}"


def _writes(space: str, vectors: list[np.ndarray]) -> list[ObjectWrite]:
    return [ObjectWrite(_uid(i), {}, {space: v}) for i, v in enumerate(vectors)]


def test_flat_and_hnsw_shards_count_vectors_tombstones_and_operations(tmp_path):
    rng = np.random.default_rng(3)
    for kind in ("flat", "hnsw"):
        shard = Shard(tmp_path / kind, {}, {"v": VectorSpec("v", kind, "cosine", "none",
                                                            fill_vector_index_config(kind, {}))})
        assert shard.put(_writes("v", list(rng.standard_normal((6, 5), dtype=np.float32))), 1) == [None] * 6
        assert shard.put([ObjectWrite(_uid(9), {}, {})], 2) == [None]          # an object without a vector
        stats = shard.stats()
        assert (stats.status, stats.object_count, stats.vector_dimensions, stats.vector_inserts) == \
            ("READY", 7, 30, 6)
        assert shard.delete([_uid(0), _uid(1)]) == [True, True]
        stats = shard.stats()
        assert stats.object_count == 5 and stats.vector_dimensions == 20 and stats.vector_deletes == 2
        if kind == "hnsw":
            assert stats.vector_index_size == 6 and stats.tombstones == 2     # in the graph until a cleanup
        else:
            assert stats.vector_index_size == 7 and stats.tombstones == 0     # one row per slot
        shard.status = "READONLY"
        assert shard.stats().status == "READONLY"
        shard.close()


def test_multi_vector_dimensions_count_every_token_row(tmp_path):
    spec = VectorSpec("colbert", "hnsw", "cosine", "none",
                      fill_vector_index_config("hnsw", {"multivector": {"enabled": True}}))
    shard = Shard(tmp_path, {}, {"colbert": spec})
    tokens = [np.ones((n, 4), np.float32) + i for i, n in enumerate((2, 3))]
    assert shard.put(_writes("colbert", tokens), 1) == [None, None]
    stats = shard.stats()
    assert stats.vector_dimensions == (2 + 3) * 4 and stats.vector_index_size == 5 and stats.vector_inserts == 2
    shard.close()


def test_dynamic_index_reports_indexing_while_its_graph_is_built():
    index = DynamicIndex("cosine", {"threshold": 4})
    rng = np.random.default_rng(5)
    index.add(0, list(rng.standard_normal((3, 8), dtype=np.float32)))
    assert index.stats().indexing is False and index.stats().dimensions == 24
    index.add(3, list(rng.standard_normal((3, 8), dtype=np.float32)))        # past the threshold: a build starts
    assert index.stats().indexing is True       # until the built graph is swapped in (the next maintain/add)
    index.wait_until_built()
    index.maintain(0.0)
    assert index.kind == "hnsw" and index.stats().indexing is False and index.stats().dimensions == 48
