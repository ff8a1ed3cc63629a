"""TermsColumn filters (term-sorted pairs + unsorted tail, a term mask for many terms) against a reference
computed from each slot's token set, across merges of the tail and a compaction."""
from __future__ import annotations

import operator
import random

import numpy as np
import pytest

from loomdb.engine.inverted import columns
from loomdb.engine.inverted.columns import TermsColumn
from loomdb.engine.inverted.tokenizer import tokenize
from loomdb.engine.inverted.vocabulary import like_regex
from loomdb.entities.filters import FilterLeaf

_WORDS = ["alpha", "beta", "gamma", "delta", "éclair", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"]
_CMP = {"GreaterThan": operator.gt, "GreaterThanEqual": operator.ge, "LessThan": operator.lt,
        "LessThanEqual": operator.le}


@pytest.fixture(params=["defaults", "search", "mask"])
def small_tail(request, monkeypatch):
    """The shipped thresholds (everything in the tail here), or a tail merged after a few pairs with terms looked
    up by binary search, or always through a term mask."""
    if request.param != "defaults":
        monkeypatch.setattr(columns, "_TAIL_MIN", 8)
        monkeypatch.setattr(columns, "_TAIL_SHARE", 0.1)
        monkeypatch.setattr(columns, "_MASK_FACTOR", 0 if request.param == "search" else 10**9)


def _text_reference(slot_tokens: list[set[str] | None], leaf: FilterLeaf) -> np.ndarray:
    def tokens(value) -> list[str]:
        return list(tokenize("word", value))

    out = []
    for have in slot_tokens:
        have = have or set()
        op, value = leaf.operator, leaf.value
        if op == "Equal":
            hit = set(tokens(value)) <= have
        elif op == "NotEqual":
            hit = not set(tokens(value)) & have
        elif op in ("ContainsAny", "ContainsNone"):
            hit = any(set(tokens(v)) <= have for v in value)
            hit = hit if op == "ContainsAny" else not hit
        elif op == "ContainsAll":
            hit = all(set(tokens(v)) <= have for v in value)
        else:
            hit = all(any(_CMP[op](t, b) for t in have) for b in tokens(value))
        out.append(hit)
    return np.array(out, bool)


def _text_leaves(rng: random.Random) -> list[FilterLeaf]:
    def words(k: int) -> str:
        return " ".join(rng.choice(_WORDS + ["unknown"]) for _ in range(k))

    leaves = []
    for _ in range(6):
        leaves += [FilterLeaf("Equal", "p", words(rng.randint(1, 2)), "text"),
                   FilterLeaf("NotEqual", "p", words(1), "text"),
                   FilterLeaf("ContainsAny", "p", [words(1), words(2), words(1)], "text[]"),
                   FilterLeaf("ContainsAll", "p", [words(1), words(1)], "text[]"),
                   FilterLeaf("ContainsNone", "p", [words(1), words(1)], "text[]"),
                   FilterLeaf(rng.choice(list(_CMP)), "p", rng.choice(_WORDS)[:rng.randint(1, 4)], "text")]
    return leaves


@pytest.mark.usefixtures("small_tail")
def test_text_filters_match_token_sets_across_merges_and_compaction():
    rng = random.Random(3)
    column = TermsColumn("text", "word")
    values: list = []
    leaves = _text_leaves(rng)
    like = ["*eta", "?eta", "al*", "*a*", "é*", "*l?mb*"]
    for batch in range(5):
        new = [None if rng.random() < 0.1 else
               " ".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 4))) for _ in range(30)]
        if batch % 2:
            new = [[v, rng.choice(_WORDS)] if v is not None else None for v in new]      # text[] values
        column.add(len(values), new)
        values += new
        if batch == 3:                                           # compaction: drop every third slot
            keep = np.arange(len(values)) % 3 != 0
            remap = np.full(len(values), -1, np.int64)
            remap[keep] = np.arange(int(keep.sum()))
            column.compact(keep, remap)
            values = [v for v, k in zip(values, keep) if k]
        slot_tokens = [None if v is None else {t for item in (v if isinstance(v, list) else [v])
                                               for t in tokenize("word", item)} for v in values]
        n = len(values) + 2                                      # slots the column has not seen yet never match
        for leaf in leaves:
            want = np.concatenate([_text_reference(slot_tokens, leaf), [leaf.operator in ("NotEqual",
                                                                                          "ContainsNone")] * 2])
            assert column.evaluate(leaf, n).tolist() == want.tolist(), leaf
        for pattern in like:
            rx = like_regex(pattern)
            want = [any(rx.fullmatch(t) for t in have or ()) for have in slot_tokens]
            assert column.evaluate(FilterLeaf("Like", "p", pattern, "text"), len(values)).tolist() == want, pattern


@pytest.mark.usefixtures("small_tail")
@pytest.mark.parametrize("kind", ["int", "number"])
def test_numeric_array_filters_match_sets(kind):
    rng = random.Random(5)
    column = TermsColumn(kind)
    values: list = []
    for _ in range(4):
        new = [[rng.randint(-3, 6) * (1 if kind == "int" else 0.5) for _ in range(rng.randint(0, 3))]
               for _ in range(25)]
        column.add(len(values), new)
        values += new
        for probe in [-3, 0, 1, 2.5, 6, 9]:
            probe = probe if kind == "number" else int(probe)
            got = column.evaluate(FilterLeaf("Equal", "p", probe, kind), len(values)).tolist()
            assert got == [probe in v for v in values]
            got = column.evaluate(FilterLeaf("ContainsAll", "p", [probe, 1], kind + "[]"), len(values)).tolist()
            assert got == [probe in v and 1 in v for v in values]
            got = column.evaluate(FilterLeaf("ContainsAny", "p", [probe, 2], kind + "[]"), len(values)).tolist()
            assert got == [probe in v or 2 in v for v in values]
            got = column.evaluate(FilterLeaf("GreaterThan", "p", probe, kind), len(values)).tolist()
            assert got == [any(x > probe for x in v) for v in values]
