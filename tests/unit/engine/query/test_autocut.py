"""Autocut golden test: Weaviate's documented example (docs: api/graphql/additional-operators, autocut)."""
from __future__ import annotations

import pytest

from loomdb.engine.query.autocut import apply_autocut, autocut

DOC_EXAMPLE = [0.1899, 0.1901, 0.191, 0.21, 0.215, 0.23]


@pytest.mark.parametrize("cutoff, kept", [(1, 3), (2, 5), (3, 6)])
def test_documented_example(cutoff, kept):
    assert autocut(DOC_EXAMPLE, cutoff) == kept


@pytest.mark.parametrize("cutoff, kept", [(1, 3), (2, 5), (3, 6)])
def test_scores_cut_the_same_way(cutoff, kept):
    scores = [1.0 - d for d in DOC_EXAMPLE]          # best first, higher is better
    assert apply_autocut(scores, cutoff, higher_is_better=True) == kept


def test_disabled_and_degenerate_inputs():
    assert autocut(DOC_EXAMPLE, 0) == len(DOC_EXAMPLE)
    assert autocut(DOC_EXAMPLE, -1) == len(DOC_EXAMPLE)
    assert autocut([], 1) == 0
    assert autocut([0.3], 1) == 1
    assert autocut([0.3, 0.4], 1) == 2
    assert autocut([0.5, 0.5, 0.5, 0.5], 1) == 4       # flat: nothing to cut
    assert autocut(DOC_EXAMPLE, 10) == len(DOC_EXAMPLE)
