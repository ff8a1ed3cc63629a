"""Multi-vector spaces in the engine: MaxSim scoring, the MUVERA encoder, and a shard's write / delete / compaction /
reopen path over token matrices."""
from __future__ import annotations

import numpy as np
import pytest

from loomdb.engine.schema._vector_index_defaults import fill_vector_index_config
from loomdb.engine.schema.model import VectorSpec
from loomdb.engine.shard import Shard
from loomdb.engine.vector.maxsim import maxsim_distances
from loomdb.engine.vector.multivector import MultiVectorIndex
from loomdb.engine.vector.muvera import MuveraEncoder
from loomdb.entities.errors import InvalidInput
from loomdb.entities.objects import ObjectWrite

RNG = np.random.default_rng(5)


def _matrices(n: int, dim: int = 8) -> list[np.ndarray]:
    return [RNG.standard_normal((int(RNG.integers(1, 6)), dim)).astype(np.float32) for _ in range(n)]


def _loop_maxsim(docs: list[np.ndarray], q: np.ndarray) -> np.ndarray:
    return np.array([-sum(max(float(qt @ dt) for dt in d) for qt in q) for d in docs])


def test_maxsim_matches_loops_across_chunks(monkeypatch):
    import loomdb.engine.vector.maxsim as maxsim
    monkeypatch.setattr(maxsim, "_CHUNK_TOKENS", 7)           # several chunks, documents never split
    docs, q = _matrices(40), RNG.standard_normal((3, 8)).astype(np.float32)
    counts = np.array([len(d) for d in docs])
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    got = maxsim_distances(np.concatenate(docs), starts, counts, q)
    assert np.allclose(got, _loop_maxsim(docs, q), atol=1e-5)


def test_muvera_encodings_are_deterministic_and_fill_empty_buckets(monkeypatch):
    import loomdb.engine.vector.muvera as muvera
    docs = _matrices(20, dim=12)
    enc = MuveraEncoder(12, ksim=3, dprojections=4, repetitions=2)
    counts = np.array([len(d) for d in docs])
    a = enc.encode_documents(np.concatenate(docs), counts)
    b = MuveraEncoder(12, 3, 4, 2).encode_documents(np.concatenate(docs), counts)
    assert a.shape == (20, 2 * 8 * 4) and np.array_equal(a, b) and np.isfinite(a).all()
    one = enc.encode_documents(docs[0], counts[:1])           # encoding one document alone gives the same row
    assert np.allclose(one[0], a[0], atol=1e-5)
    monkeypatch.setattr(muvera, "_CHUNK_TOKENS", 5)           # runs of documents: the same encodings
    assert np.allclose(enc.encode_documents(np.concatenate(docs), counts), a, atol=1e-5)
    assert enc.encode_query(docs[1]).shape == (64,)


@pytest.mark.parametrize("multivector", [{"enabled": True}, {"enabled": True, "muvera": {"enabled": True}}])
def test_index_remove_compact_and_exact_fallback(multivector):
    cfg = fill_vector_index_config("hnsw", {"multivector": multivector, "flatSearchCutoff": 0})
    index = MultiVectorIndex("dot", cfg)
    docs = _matrices(30)
    index.add(0, docs[:10])
    index.add(12, docs[10:])                                   # slots 10, 11 without a vector
    q = docs[3][:2]
    slots, dist = index.search(q, 5, None)
    assert slots[0] == 3 and np.isclose(dist[0], _loop_maxsim([docs[3]], q)[0], atol=1e-5)
    index.remove(3)
    keep = np.ones(32, bool)
    keep[[3, 5]] = False
    index.remove(5)
    remap = np.full(32, -1)
    remap[keep] = np.arange(30)
    index.compact(keep, remap)
    left = [d for i, d in enumerate(docs[:10] + [None, None] + docs[10:]) if keep[i]]
    slots, dist = index.search(q, 30, None)
    want = _loop_maxsim([d for d in left if d is not None], q)
    assert len(slots) == 28 and np.allclose(np.sort(dist), np.sort(want), atol=1e-4)
    with pytest.raises(InvalidInput, match="vector lengths don't match"):
        index.search(np.ones((2, 3), np.float32), 3, None)


def test_shard_stores_checks_and_reloads_token_matrices(tmp_path):
    spec = VectorSpec("colbert", "hnsw", "cosine", "none",
                      fill_vector_index_config("hnsw", {"multivector": {"enabled": True}}))
    shard = Shard(tmp_path, {}, {"colbert": spec})
    docs = _matrices(6)
    uid = lambda i: f"00000000-0000-0000-0000-{i:012d}"     # noqa: E731
    errors = shard.put([ObjectWrite(uid(i), {}, {"colbert": d}) for i, d in enumerate(docs)]
                       + [ObjectWrite(uid(9), {}, {"colbert": np.ones((2, 5), np.float32)}),
                          ObjectWrite(uid(10), {}, {"colbert": np.full((1, 8), np.nan, np.float32)})], 1)
    assert errors[:6] == [None] * 6
    assert errors[6] == ("new node has a multi vector with length 5 at position 0. Existing nodes have vectors "
                         "with length 8")
    assert errors[7] == "vector contains NaN or infinite values"
    q = docs[2]
    before = shard.indexes["colbert"].search(q, 3, None)
    shard.close()
    reopened = Shard(tmp_path, {}, {"colbert": spec})
    after = reopened.indexes["colbert"].search(q, 3, None)
    assert np.array_equal(before[0], after[0]) and np.allclose(before[1], after[1])
    fetched = reopened.fetch([int(reopened.docs_of([2])[0])], True)[0]
    assert fetched is not None and np.array_equal(fetched.vectors["colbert"], docs[2])
    reopened.close()
