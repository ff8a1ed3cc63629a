"""Hybrid fusion exactly as Weaviate fuses (usecases/traverser/hybrid/{searcher,hybrid_fusion}.go).

Result sets are processed keyword first, then vector, and unioned. Each hit carries a raw value: the BM25 score
for keyword hits, 1 - distance for vector hits.
- rankedFusion: a hit at 0-based position i of a set with weight w gets w / (i + 60); sums over sets.
- relativeScoreFusion (default): per set, min-max normalise the raw values (all equal -> 1), times the weight;
  sums over sets. Sort by fused score descending; near-ties (|diff| < 1e-7) by the raw value of the last set
  that held the hit, descending.
Weights: keyword 1 - alpha, vector alpha.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .gofmt import go_float32

RANKED = "rankedFusion"
RELATIVE = "relativeScoreFusion"


@dataclass
class ResultSet:
    """One sub-search's hits in rank order: slots and their raw values."""

    name: str            # "keyword" | "vector"
    weight: float
    slots: np.ndarray
    raw: np.ndarray


@dataclass
class Fused:
    slot: int
    score: float
    secondary: float
    explain: str


def fuse(sets: list[ResultSet], algorithm: str, uuid_of=None) -> list[Fused]:
    """Combine result sets into one ranking. `uuid_of(slot)` names documents in the explanation; without it
    no explanation text is built."""
    combined: dict[int, Fused] = {}
    for rs in sets:
        if algorithm == RANKED:
            contributions = [np.float32(rs.weight / (i + 60)) for i in range(len(rs.slots))]
        else:
            contributions = _relative(rs)
        for slot, raw, score in zip(rs.slots.tolist(), rs.raw.tolist(), contributions):
            score = float(np.float32(score))
            prev = combined.get(slot)
            if uuid_of is None:
                text = ""
            elif algorithm == RANKED:
                text = (f"{prev.explain if prev else ''}\nHybrid (Result Set {rs.name}) Document "
                        f"{uuid_of(slot)} contributed {go_float32(score)} to the score")
            else:
                text = (f"\nHybrid (Result Set {rs.name}) Document {uuid_of(slot)}: original score "
                        f"{go_float32(raw)}, normalized score: {go_float32(score)}")
                if prev:
                    text += " - " + prev.explain
            total = score + (prev.score if prev else 0.0)
            combined[slot] = Fused(slot, float(np.float32(total)), raw, text)
    ordered = sorted(combined.values(), key=lambda f: (-f.score, -f.secondary))
    return _settle_near_ties(ordered) if algorithm == RELATIVE else ordered


def _relative(rs: ResultSet) -> list[float]:
    if len(rs.raw) == 0:
        return []
    lo, hi = float(np.float32(rs.raw.min())), float(np.float32(rs.raw.max()))
    if hi == lo:
        return [rs.weight] * len(rs.raw)
    return list(rs.weight * (rs.raw.astype(np.float32) - lo) / (hi - lo))


def _settle_near_ties(ordered: list[Fused]) -> list[Fused]:
    """Weaviate treats scores closer than 1e-7 as equal and orders those by the raw value (descending)."""
    out = list(ordered)
    i = 0
    while i < len(out):
        j = i + 1
        while j < len(out) and (out[j - 1].score - out[j].score) ** 2 < 1e-14:
            j += 1
        if j - i > 1:
            out[i:j] = sorted(out[i:j], key=lambda f: -f.secondary)
        i = j
    return out
