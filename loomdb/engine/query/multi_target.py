"""Multi-target vector search on one shard, joined as Weaviate joins it (adapters/repos/db
CombineMultiTargetResults, run per shard; the shards' joined pages are then merged by distance like any vector
search, so relative-score normalisation is per shard there too).

Every entry of the join (a target vector space and one query vector) is searched for the same k nearest. Then:
- minimum: each object found by any entry gets its smallest distance among the entries that found it;
- sum / average / manualWeights: the weighted sum of the object's distances on every entry; a distance an entry
  did not find is computed for that object, and an object without a vector for some entry is dropped;
- relativeScore: per entry, the found distances plus the computed missing ones are min-max normalised (all equal
  -> 1) times the entry's weight, and summed (lower is better); objects without a vector for some entry are
  dropped; no distance bound applies to this one.
The joined distance is what the hit reports; the k best (ascending) are kept, a distance bound (distance or
certainty threshold) applies to the joined distance.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...entities.search import MINIMUM, RELATIVE_SCORE, TargetJoin
from ..vector.index import VectorIndex

_EMPTY = (np.empty(0, np.int64), np.empty(0, np.float32))
_TIE = 1e-14        # Weaviate's relative-score ordering treats squared differences below this as equal

Search = Callable[[str, np.ndarray, int, np.ndarray | None], tuple[np.ndarray, np.ndarray]]


def join_search(indexes: dict[str, VectorIndex], slot_count: int, join: TargetJoin, k: int,
                allow: np.ndarray | None, max_distance: float | None, search: Search | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """Up to k (slots, joined distances), best first, over a shard's `indexes` and its `slot_count` slots.
    `search(target, vector, k, allow)` runs one entry's search (default: the target's index; the pipeline passes
    its profiled one). Call under the shard's read lock."""
    run = search or (lambda target, vector, n, mask: indexes[target].search(vector, n, mask))
    found = [run(target, vector, k, allow) for target, vector in zip(join.targets, join.vectors)]
    if all(len(slots) == 0 for slots, _ in found):
        return _EMPTY
    if join.combination == MINIMUM:
        slots, dists = _minimum(found)
    else:
        table = _distance_table(indexes, slot_count, join, found)
        if join.combination == RELATIVE_SCORE:
            return _relative_score(table, found, join.weights, k)
        slots, dists = table.slots, table.weighted(join.weights)
    if max_distance is not None:
        keep = dists <= max_distance
        slots, dists = slots[keep], dists[keep]
    order = np.lexsort((slots, dists))[:k]
    return slots[order], dists[order]


def _minimum(found: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    slots = np.concatenate([s for s, _ in found])
    dists = np.concatenate([d for _, d in found]).astype(np.float32)
    order = np.lexsort((dists, slots))            # by slot, smallest distance first
    slots, dists = slots[order], dists[order]
    first = np.ones(len(slots), bool)
    first[1:] = slots[1:] != slots[:-1]
    return slots[first], dists[first]


class _DistanceTable:
    """Every candidate's distance on every entry (found by the entry's search or computed), candidates missing a
    vector for some entry left out."""

    def __init__(self, slots: np.ndarray, dists: np.ndarray) -> None:
        self.slots = slots        # candidates (ascending)
        self.dists = dists        # entries x candidates, float32

    def weighted(self, weights: tuple[float, ...]) -> np.ndarray:
        return (np.asarray(weights, np.float32)[:, None] * self.dists).sum(axis=0, dtype=np.float32)


def _distance_table(indexes: dict[str, VectorIndex], slot_count: int, join: TargetJoin,
                    found: list[tuple[np.ndarray, np.ndarray]]) -> _DistanceTable:
    union = np.unique(np.concatenate([s for s, _ in found]))
    dists = np.full((len(found), len(union)), np.nan, np.float32)
    for row, (slots, entry_dists) in enumerate(found):
        hit = np.zeros(len(union), bool)
        hit[np.searchsorted(union, slots)] = True
        dists[row, hit] = entry_dists[np.argsort(slots)]
        missing = union[~hit]
        if len(missing):
            computed_slots, computed = distances_at(indexes[join.targets[row]], join.vectors[row], missing, slot_count)
            dists[row, np.searchsorted(union, computed_slots)] = computed
    complete = ~np.isnan(dists).any(axis=0)        # no vector on some entry (or deleted meanwhile): dropped
    return _DistanceTable(union[complete], dists[:, complete])


def distances_at(index: VectorIndex, vector: np.ndarray, slots: np.ndarray, slot_count: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The exact distances of `vector` to the given slots in one index (slots without a vector there are left
    out): a search allowed exactly those slots and asked for all of them is exact in every index type."""
    if len(slots) == 0:
        return _EMPTY
    allow = np.zeros(slot_count, bool)
    allow[slots] = True
    return index.search(vector, len(slots), allow)


def _relative_score(table: _DistanceTable, found: list[tuple[np.ndarray, np.ndarray]],
                    weights: tuple[float, ...], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Weaviate's FusionRelativeScore over distances (ascending). Nothing when the first two entries found
    nothing (its early return)."""
    if len(found[0][0]) == 0 and (len(found) == 1 or len(found[1][0]) == 0):
        return _EMPTY
    if len(table.slots) == 0:
        return _EMPTY
    lo = table.dists.min(axis=1, keepdims=True)
    hi = table.dists.max(axis=1, keepdims=True)
    w = np.asarray(weights, np.float32)[:, None]
    spread = np.where(hi > lo, hi - lo, np.float32(1))
    normalised = np.where(hi > lo, w * ((table.dists - lo) / spread), w).astype(np.float32)
    scores = normalised.sum(axis=0, dtype=np.float32)
    secondary = table.dists[-1]       # the value of the last entry that held the object
    order = sorted(range(len(scores)), key=lambda i: (float(scores[i]), float(secondary[i]), int(table.slots[i])))
    order = _settle_near_ties(order, scores, secondary)[:k]
    return table.slots[order], scores[order]


def _settle_near_ties(order: list[int], scores: np.ndarray, secondary: np.ndarray) -> list[int]:
    """Scores closer than Weaviate's tolerance count as equal and are ordered by the secondary distance."""
    out = list(order)
    i = 0
    while i < len(out):
        j = i + 1
        while j < len(out) and float(scores[out[j]] - scores[out[j - 1]]) ** 2 < _TIE:
            j += 1
        if j - i > 1:
            out[i:j] = sorted(out[i:j], key=lambda n: float(secondary[n]))
        i = j
    return out
