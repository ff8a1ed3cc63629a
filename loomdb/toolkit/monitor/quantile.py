"""A percentile from a Prometheus histogram's cumulative buckets, the way PromQL's `histogram_quantile` reads them:
find the bucket holding the rank, then interpolate linearly inside it (observations assumed spread evenly)."""
from __future__ import annotations

import math
from collections.abc import Sequence


def histogram_quantile(q: float, buckets: Sequence[tuple[float, float]]) -> float | None:
    """`buckets` = (upper bound `le`, cumulative count) pairs, +Inf included; None when nothing was observed.

    As Prometheus: a rank in the +Inf bucket answers the highest finite bound; the first bucket interpolates from 0
    (from its bound when that is <= 0); a count that drops between buckets (a scrape torn mid-update) is lifted."""
    if not 0 <= q <= 1:
        raise ValueError(f"quantile must be within [0, 1], got {q}")
    ordered = sorted(buckets)
    if not ordered or not math.isinf(ordered[-1][0]):
        return None
    counts: list[float] = []
    for _, count in ordered:
        counts.append(max(count, counts[-1]) if counts else count)
    total = counts[-1]
    if total <= 0:
        return None
    rank = q * total
    index = next(i for i, count in enumerate(counts) if count >= rank)
    upper = ordered[index][0]
    if math.isinf(upper):
        return ordered[-2][0] if len(ordered) > 1 else None
    if index == 0:
        if upper <= 0:
            return upper
        lower, below = 0.0, 0.0
    else:
        lower, below = ordered[index - 1][0], counts[index - 1]
    inside = counts[index] - below
    if inside <= 0:
        return upper
    return lower + (upper - lower) * (rank - below) / inside
