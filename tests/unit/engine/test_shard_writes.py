"""The write path's per-batch vector checks: one bad vector fails only its object, with the index's wording."""
from __future__ import annotations

import numpy as np

from loomdb.engine.schema.model import VectorSpec
from loomdb.engine.shard import Shard
from loomdb.entities.objects import ObjectWrite


def _uid(i: int) -> str:
    return f"00000000-0000-0000-0000-{i:012d}"


def test_batch_vector_checks_keep_per_object_semantics(tmp_path):
    shard = Shard(tmp_path, {}, {"default": VectorSpec("default", "flat", "cosine", "none")})
    vec = lambda *xs: np.array(xs, np.float32)     # noqa: E731
    writes = [ObjectWrite(_uid(1), {}, {"default": vec(np.nan, 1, 1)}),     # not finite: fixes no dimension
              ObjectWrite(_uid(2), {}, {"default": vec(1, 2)}),             # the first accepted one fixes 2
              ObjectWrite(_uid(3), {}, {"default": vec(1, 2, 3)}),
              ObjectWrite(_uid(4), {}, {"default": vec(3, np.inf)}),
              ObjectWrite(_uid(5), {}, {"default": vec()}),                 # empty: no vector at all
              ObjectWrite(_uid(6), {}, {"default": vec(5, 6)})]
    errors = shard.put(writes, 1)
    assert errors[0] == errors[3] == "vector contains NaN or infinite values"
    assert errors[2] == "new node has a vector with length 3. Existing nodes have vectors with length 2"
    assert errors[1] is errors[4] is errors[5] is None
    assert shard.object_count() == 3 and shard.indexes["default"].dim == 2
    assert shard.put([ObjectWrite(_uid(7), {}, {"default": vec(1, 2, 3)})], 2)[0].startswith("new node has")
    shard.close()
