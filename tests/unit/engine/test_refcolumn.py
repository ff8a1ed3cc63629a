"""RefColumn: beacons per slot survive compaction; by-target and count masks are vectorised and correct."""
import uuid

import numpy as np

from loomdb.engine.inverted.refcolumn import RefColumn


def _b(cls, u):
    return {"beacon": f"weaviate://localhost/{cls}/{u}"}


def test_pointing_to_counts_and_compaction():
    a, b, c = (str(uuid.uuid4()) for _ in range(3))
    col = RefColumn()
    col.add(0, [[_b("A", a)], None, [_b("A", b), _b("P", c)], []])
    key = lambda *us: np.array([uuid.UUID(u).bytes for u in us], dtype="S16")  # noqa: E731
    assert col.pointing_to(key(b), None, 4).tolist() == [False, False, True, False]
    assert col.pointing_to(key(c), [col.class_id("A")], 4).tolist() == [False] * 4
    assert col.count_per_slot(5).tolist() == [1, 0, 2, 0, 0]
    keep = np.array([False, True, True, True])
    remap = np.array([-1, 0, 1, 2])
    col.compact(keep, remap)
    assert col.pointing_to(key(a, b), None, 3).tolist() == [False, True, False]
    assert col.count_per_slot(3).tolist() == [0, 2, 0]
