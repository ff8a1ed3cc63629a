"""Autocut (the client's `auto_limit`): keep results up to the n-th "jump" in their scores.

Weaviate's rule (entities/autocut/autocut.go): normalise the result values onto [0, 1] against a straight line from
the first to the last value, `diff_i = (y_i - y_0) / (y_last - y_0) - i / (len - 1)`, walk i = 1.. and count local
maxima of `diff` (the last element is compared with its two predecessors); when the count reaches n, keep the
first i results. Nothing is cut when n <= 0 or fewer maxima exist.

Values are distances (lower is better) for near_vector/near_object and scores (higher is better) for
bm25/hybrid. The normalisation is invariant under flipping the sign of every value, which is why Weaviate feeds
either list to the same function; `apply_autocut` keeps the direction explicit for callers anyway.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def autocut(values: Sequence[float] | np.ndarray, cutoff: int) -> int:
    """How many of `values` (best first) to keep for autocut `cutoff` (Weaviate's float32 arithmetic)."""
    y = np.asarray(values, dtype=np.float32)
    n = len(y)
    if cutoff <= 0 or n == 0:
        return n
    if n == 1:
        return 1
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.arange(n, dtype=np.float32) * np.float32(1.0 / (n - 1))
        diff = (y - y[0]) / (y[-1] - y[0]) - x
    # A flat list gives NaN everywhere: NaN comparisons are False, so no maxima and nothing is cut (as in Go).
    prev, cur = diff[:-2], diff[1:-1]
    nxt = diff[2:]
    inner = np.flatnonzero((cur > prev) & (cur > nxt)) + 1          # i = 1 .. n-2
    maxima = inner.tolist()
    # (with two values the last one lies on the line by construction, so it is never a maximum)
    if n > 2 and diff[-1] > diff[-2] and diff[-1] > diff[-3]:
        maxima.append(n - 1)
    if len(maxima) >= cutoff:
        return maxima[cutoff - 1]
    return n


def apply_autocut(values: Sequence[float] | np.ndarray, cutoff: int, higher_is_better: bool = False) -> int:
    """Number of leading results to keep; `higher_is_better` for scores (bm25, hybrid), False for distances."""
    y = np.asarray(values, dtype=np.float32)
    return autocut(-y if higher_is_better else y, cutoff)   # same cut either way (see module docstring)
