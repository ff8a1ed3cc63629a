"""Weaviate's hash sharding (engine/sharding.py): the murmur3 token, the virtual ring, the deal, persistence."""
from __future__ import annotations

import json
import uuid

import numpy as np
import pytest

from loomdb.engine.sharding import ShardingState, fan_out, murmur3_token


def test_token_is_go_murmur3_sum64():
    # spaolacci/murmur3's own test vectors for New64().Sum64()
    assert murmur3_token(b"") == 0
    assert murmur3_token(b"hello") == 0xcbd8a7b341bd9b02
    assert murmur3_token(b"hello, world") == 0x342fac623a5ebc8e


def test_state_names_ring_and_deal():
    state = ShardingState.create(3, 128)
    assert len(state.physical) == 3 and list(state.physical) == sorted(state.physical)
    assert all(len(name) == 12 and name.isalnum() for name in state.physical)
    assert len(state.virtual_names) == 384 and np.all(np.diff(state.uppers.astype(np.float64)) >= 0)
    assert state.uppers.tolist() == [murmur3_token(n.encode()) for n in state.virtual_names]
    assert np.bincount(state.owner, minlength=3).tolist() == [128, 128, 128]     # dealt round-robin


def test_owner_is_the_first_virtual_shard_at_or_above_the_token():
    state = ShardingState.create(2, 4)
    keys = [uuid.uuid4().bytes for _ in range(500)]
    owners = state.owners(keys)
    for key, owner in zip(keys, owners.tolist()):
        token = murmur3_token(key)
        above = [i for i, upper in enumerate(state.uppers.tolist()) if token <= upper]
        assert owner == state.owner[above[0] if above else 0]      # past the last upper: wraps to the first
    assert set(owners.tolist()) == {0, 1}


def test_state_round_trips_through_json(tmp_path):
    saved: dict = {}

    def save(path, doc):
        saved["doc"] = doc
        path.write_text(json.dumps(doc))

    path = tmp_path / "sharding.json"
    first = ShardingState.load_or_create(path, 2, 8, save)
    again = ShardingState.load_or_create(path, 2, 8, save)     # read back, not created anew
    assert again.physical == first.physical and again.virtual_names == first.virtual_names
    assert np.array_equal(again.uppers, first.uppers) and np.array_equal(again.owner, first.owner)
    owners = {v["assignedToPhysical"] for v in saved["doc"]["virtual"]}
    assert owners == set(first.physical)
    assert sorted(len(p["ownsVirtual"]) for p in saved["doc"]["physical"].values()) == [8, 8]


def test_fan_out_keeps_order_and_raises():
    assert fan_out(lambda x: x * 2, [1, 2, 3]) == [2, 4, 6]
    assert fan_out(lambda x: x, []) == []

    def boom(x):
        if x == 2:
            raise ValueError("two")
        return x

    with pytest.raises(ValueError, match="two"):
        fan_out(boom, [1, 2, 3])
