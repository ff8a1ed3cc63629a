"""UuidIndex against a plain dict model under random adds, removals, re-adds and renumbering."""
from __future__ import annotations

import uuid as uuid_mod

import numpy as np

from loomdb.engine import uuid_index
from loomdb.engine.uuid_index import UuidIndex


def test_random_operations_match_a_dict(monkeypatch):
    monkeypatch.setattr(uuid_index, "_MERGE_MIN", 64)          # merge often so every path is exercised
    rng = np.random.default_rng(3)
    # uuids ending in zero bytes (S16 pitfalls) and sharing long prefixes, mixed with random ones
    pool = [uuid_mod.UUID(int=int(i) << 8).bytes for i in range(300)] + \
           [uuid_mod.UUID(int=int(i)).bytes for i in range(300)] + [uuid_mod.uuid4().bytes for _ in range(300)]
    idx, model, next_slot = UuidIndex(), {}, 0
    for step in range(3000):
        op = rng.random()
        if op < 0.6:
            batch = [pool[i] for i in rng.choice(len(pool), 8, replace=False)]
            for k in batch:
                if k in model:          # an overwrite: the shard removes the old key first
                    idx.remove(k)
                    del model[k]
            idx.add_many(batch, range(next_slot, next_slot + len(batch)))
            model.update(zip(batch, range(next_slot, next_slot + len(batch))))
            next_slot += len(batch)
        elif op < 0.9:
            k = pool[rng.integers(len(pool))]
            idx.remove(k)
            model.pop(k, None)
        else:                            # compaction: live slots renumbered densely, in slot order
            remap = np.full(next_slot, -1, np.int64)
            live = sorted(model.values())
            remap[live] = np.arange(len(live))
            idx.renumber(remap)
            model = {k: int(remap[s]) for k, s in model.items()}
            next_slot = len(live)
        if step % 50 == 0:
            assert idx.get_many(pool) == [model.get(k) for k in pool]
        assert len(idx) == len(model)
    assert [idx.get(k) for k in pool] == [model.get(k) for k in pool]


def test_empty_and_missing():
    idx = UuidIndex()
    key = uuid_mod.UUID(int=0).bytes
    assert idx.get(key) is None and idx.get_many([key]) == [None] and len(idx) == 0
    idx.remove(key)
    idx.add_many([key], [5])
    assert idx.get(key) == 5 and idx.get(uuid_mod.UUID(int=1).bytes) is None
