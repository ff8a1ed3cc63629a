"""engine/query/multi_target.py against the cases of Weaviate's own combiner test (adapters/repos/db
TestCombiner): per-target results in, joined (doc, distance) out. A fake index answers the per-target searches with
the given results and the computed missing distances with Weaviate's fake (2, or a given value; None = the object
has no vector there)."""
from __future__ import annotations

import numpy as np
import pytest

from loomdb.engine.query.multi_target import join_search
from loomdb.entities.search import MANUAL_WEIGHTS, MINIMUM, RELATIVE_SCORE, TargetJoin

TARGETS = ("target1", "target2", "target3", "target4")
SLOTS = 10


class FakeIndex:
    def __init__(self, found: list[tuple[int, float]], missing: dict[int, float | None]) -> None:
        self.found = found
        self.missing = missing        # distance of a slot the search did not find (None: no vector)

    def search(self, query, k, allow, max_distance=None):
        if allow is None:
            rows = self.found[:k]
        else:
            rows = [(s, d) for s in np.flatnonzero(allow).tolist()
                    if (d := dict(self.found).get(s, self.missing.get(s, 2.0))) is not None]
        return np.array([s for s, _ in rows], np.int64), np.array([d for _, d in rows], np.float32)


def _join(results, combination, weights, missing=None, absent=None, k=100, bound=None):
    names = TARGETS[: len(results)]
    indexes = {}
    for name, found in zip(names, results):
        gaps = {slot: value for slot, per in (missing or {}).items() if (value := per.get(name)) is not None}
        gaps.update({slot: None for slot, targets in (absent or {}).items() if name in targets})
        indexes[name] = FakeIndex(found, gaps)
    join = TargetJoin(names, tuple(np.zeros(2, np.float32) for _ in names), combination, tuple(weights))
    slots, dists = join_search(indexes, SLOTS, join, k, None, bound)
    return list(zip(slots.tolist(), dists.tolist()))


MANY = [[(0, 0.5), (1, 0.6), (2, 0.8), (3, 0.9)], [(1, 0.2), (0, 0.4), (2, 0.6), (5, 0.8)],
        [(1, 0.2), (2, 0.4), (3, 0.6), (4, 0.8)], [(6, 0.1), (0, 0.3), (2, 0.7), (3, 0.9)]]


@pytest.mark.parametrize("results, combination, weights, expected, kwargs", [
    ([[(0, 0.5), (1, 0.6)]] * 2, MANUAL_WEIGHTS, [1, 1], [(0, 1.0), (1, 1.2)], {}),
    ([[(0, 0.5), (1, 0.6)]] * 2, MINIMUM, [0, 0], [(0, 0.5), (1, 0.6)], {}),
    ([[(0, 0.5), (1, 0.6)]] * 2, RELATIVE_SCORE, [0.5, 0.5], [(0, 0.0), (1, 1.0)], {}),
    ([[(0, 0.5), (1, 0.6)]] * 2, RELATIVE_SCORE, [1, 2], [(0, 0.0), (1, 3.0)], {}),
    ([[(0, 0.5), (1, 0.6)], [(0, 0.5)]], MINIMUM, [0, 0], [(0, 0.5), (1, 0.6)], {}),
    ([[(0, 0.5), (1, 0.6)], [(0, 0.5)]], MANUAL_WEIGHTS, [1, 1], [(0, 1.0)], {"absent": {1: {"target2"}}}),
    ([[(0, 0.5), (1, 0.6)], [(0, 0.5)]], MANUAL_WEIGHTS, [1, 1], [(0, 1.0), (1, 2.6)], {}),
    ([[(0, 0.5), (1, 0.6)], [(0, 0.5)]], RELATIVE_SCORE, [0.5, 0.5], [(0, 1.0)], {"absent": {1: {"target2"}}}),
    (MANY, MANUAL_WEIGHTS, [1, 0.5, 0.25, 0.1], [(1, 0.95), (0, 1.23), (2, 1.27)], {"k": 3}),
    (MANY, MANUAL_WEIGHTS, [1, 0.5, 0.25, 0.1], [(1, 0.95), (0, 1.23)], {"bound": 1.25}),
    (MANY, MANUAL_WEIGHTS, [1, 0.5, 0.25, 0.1], [(1, 0.95), (2, 1.27)], {"k": 2, "absent": {0: {"target3"}}}),
    ([[(0, 0.5), (1, 0.6), (2, 0.8), (3, 1.0)], [(1, 0.2), (0, 0.3), (2, 0.5), (3, 0.6)],
      [(1, 0.2), (2, 0.4), (3, 0.6), (0, 0.8)], [(1, 0.1), (0, 0.3), (2, 0.7), (3, 0.9)]],
     RELATIVE_SCORE, [0.25] * 4, [(1, 0.05), (0, 0.375), (2, 0.60833)], {"k": 3}),
    (MANY, RELATIVE_SCORE, [1, 0.5, 0.25, 0.1],
     [(1, 0.28), (0, 0.3), (2, 0.89), (3, 1.46), (5, 1.65), (4, 1.69)],
     {"missing": {0: {"target3": 1}, 1: {"target4": 1.1}, 3: {"target2": 1.2},
                  4: {"target1": 1, "target2": 1.1, "target4": 1.2}, 5: {"target1": 1, "target3": 1.2,
                                                                         "target4": 1.3}},
      "absent": {6: {"target3"}}}),
    ([[(0, 0.5), (1, 0.6), (2, 0.8), (3, 0.9)], [(2, 0.6), (5, 0.8)], [(1, 0.2), (3, 0.6), (4, 0.8)],
      [(6, 0.1), (0, 0.3), (2, 0.7), (3, 0.9)]], RELATIVE_SCORE, [1, 0.5, 0.25, 0.1], [(3, 1.85)],
     {"absent": {0: {"target2"}, 1: {"target2"}, 2: {"target3"}, 4: {"target1", "target2", "target4"},
                 5: {"target1", "target2", "target4"}, 6: {"target1", "target2", "target3"}}}),
])
def test_weaviate_combiner_cases(results, combination, weights, expected, kwargs):
    got = _join(results, combination, weights, **kwargs)
    assert [slot for slot, _ in got] == [slot for slot, _ in expected]
    assert [d for _, d in got] == pytest.approx([d for _, d in expected], abs=1e-4)


def test_nothing_found_is_empty():
    assert _join([[], []], MANUAL_WEIGHTS, [1, 1]) == []
