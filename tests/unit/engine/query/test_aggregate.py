"""The tricky parts of aggregation math, with Weaviate's definitions (adapters/repos/db/aggregator/*.go)."""
from __future__ import annotations

import numpy as np
import pytest

from loomdb.engine.query.aggregate import (
    date_median_ns,
    format_rfc3339_nano,
    numeric_median,
    numeric_mode,
    top_occurrences,
)
from loomdb.engine.schema.dates import to_micros


@pytest.mark.parametrize("values, expected", [
    ([3], 3.0), ([1, 2, 3], 2.0), ([3, 1, 2], 2.0),          # odd: the middle value
    ([1, 2, 3, 4], 2.5), ([4, 1], 2.5),                      # even: mean of the two middle values
    ([1, 2, 2, 9], 2.0),                                     # even, both middles in one run of equal values
    ([-1.5, 0.5], -0.5),
])
def test_median(values, expected):
    assert numeric_median(np.array(values)) == expected


@pytest.mark.parametrize("values, expected", [
    ([5, 1, 5, 2], 5), ([3, 1, 2], 1),                        # unique values: the smallest wins the tie
    ([2, 2, 7, 7, 1], 2),                                     # tie between 2 and 7 -> 2
    ([0.5, -3.25, 0.5, -3.25], -3.25),
])
def test_mode_ties_pick_smallest(values, expected):
    assert numeric_mode(np.array(values)) == expected


def _top(values: list[str], limit: int) -> list[tuple[str, int]]:
    vocab = list(dict.fromkeys(values))
    counts = np.array([values.count(v) for v in vocab], np.int64)
    return top_occurrences(vocab, np.arange(len(vocab)), counts, limit)


def test_top_occurrences_order_and_limit():
    vals = ["b", "a", "c", "b", "a", "d", "b", "é", "é"]
    assert _top(vals, 5) == [("b", 3), ("a", 2), ("é", 2), ("c", 1), ("d", 1)]
    assert _top(vals, 2) == [("b", 3), ("a", 2)]
    assert _top(vals, 0) == [("b", 3)]              # Weaviate keeps the first pair even at limit 0
    assert _top([], 5) == []


def test_date_formatting_like_go_rfc3339nano():
    assert format_rfc3339_nano(0) == "1970-01-01T00:00:00Z"
    assert format_rfc3339_nano(to_micros("2021-01-02T03:04:05.5+02:00") * 1000) == "2021-01-02T01:04:05.5Z"
    assert format_rfc3339_nano(1_500) == "1970-01-01T00:00:00.0000015Z"
    assert format_rfc3339_nano(-1_000_000_000) == "1969-12-31T23:59:59Z"


def test_date_median_odd_even():
    m = np.array([to_micros(d) for d in ("2021-01-01T00:00:00Z", "2021-01-03T00:00:00Z", "2021-01-02T00:00:00Z")])
    assert format_rfc3339_nano(date_median_ns(m)) == "2021-01-02T00:00:00Z"
    assert format_rfc3339_nano(date_median_ns(m[:2])) == "2021-01-02T00:00:00Z"      # midpoint
    assert date_median_ns(np.array([0, 1])) == 500                                   # nanosecond midpoint
    assert date_median_ns(np.array([7, 7, 9, 9])) == 8000
