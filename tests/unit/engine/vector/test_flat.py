"""The exact path's stepwise gather: the same distances as one gather, for every metric, across step boundaries."""
from __future__ import annotations

import numpy as np
import pytest

from loomdb.engine.vector.distances import distances
from loomdb.engine.vector.flat import gathered_distances


@pytest.mark.parametrize("metric", ["cosine", "dot", "l2-squared", "manhattan"])
def test_gathered_distances_match_one_gather(metric):
    rng = np.random.default_rng(0)
    rows = rng.standard_normal((3000, 1536)).astype(np.float32)     # 6 KiB rows: ~42 per step
    picks = np.sort(rng.choice(3000, 1000, replace=False))
    q = rng.standard_normal(1536).astype(np.float32)
    sqnorms = np.einsum("ij,ij->i", rows, rows) if metric == "l2-squared" else None
    want = distances(metric, rows[picks], q, None if sqnorms is None else sqnorms[picks])
    got = gathered_distances(metric, rows, picks, q, sqnorms)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-3)
    assert len(gathered_distances(metric, rows, picks[:0], q, sqnorms)) == 0
