"""A shard closed under a request (tenant deactivated, collection dropped) answers with a clear ShardClosed
error, never a raw sqlite error that would surface as a 500."""
import numpy as np
import pytest

from loomdb.engine.schema.model import PropertySpec, VectorSpec
from loomdb.engine.shard import Shard
from loomdb.entities.errors import InvalidInput, ShardClosed
from loomdb.entities.objects import ObjectWrite


def test_reads_after_close_raise_shard_closed(tmp_path):
    shard = Shard(tmp_path / "s", {"t": PropertySpec("t", "text", "word")},
                  {"default": VectorSpec("default", "flat", "cosine", "none")})
    uid = "00000000-0000-0000-0000-000000000001"
    assert shard.put([ObjectWrite(uid, {"t": "hello"}, {"default": np.ones(3, np.float32)})], 1) == [None]
    doc = shard.doc_of(uid)
    assert shard.fetch([doc])[0].properties == {"t": "hello"}
    shard.close()
    with pytest.raises(ShardClosed, match="closed while the request ran") as err:
        shard.fetch([doc])
    assert isinstance(err.value, InvalidInput)          # mapped to 422 / INVALID_ARGUMENT, not a 500
