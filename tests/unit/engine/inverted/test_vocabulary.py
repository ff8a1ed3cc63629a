"""Vocabulary lookups (Like over the NUL-joined copy, cached range comparisons) against a plain per-term
reference, while terms keep arriving between lookups (the caches are completed, not rebuilt)."""
from __future__ import annotations

import operator
import random

import numpy as np
import pytest

from loomdb.engine.inverted.vocabulary import Vocabulary, like_regex

_ALPHABET = "abcé€𝄞 -\n"           # 1-, 2-, 3- and 4-byte UTF-8 characters, a space and a newline


def _term(rng: random.Random) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 6)))


def _pattern(rng: random.Random) -> str:
    """A Like pattern: a random term with some characters turned into `?` and some `*` inserted."""
    chars = [("?" if rng.random() < 0.2 else ch) for ch in _term(rng)]
    for _ in range(rng.choice([0, 0, 1, 2])):
        chars.insert(rng.randint(0, len(chars)), "*")
    return "".join(chars)


def _like_reference(terms: list[str], pattern: str) -> list[int]:
    rx = like_regex(pattern)
    return [i for i, term in enumerate(terms) if rx.fullmatch(term)]


def _grow(vocab: Vocabulary, terms: list[str], new: list[str]) -> None:
    vocab.intern(new)
    terms.extend(t for t in dict.fromkeys(new) if t not in terms)


@pytest.mark.parametrize("seed", range(4))
def test_like_matches_per_term_regex_while_terms_grow(seed):
    rng = random.Random(seed)
    vocab, terms = Vocabulary(), []
    patterns = [_pattern(rng) for _ in range(80)] + ["*", "**", "a*", "*a", "*a*", "é?", "?", "*𝄞", "€*", "a*b"]
    for _ in range(4):
        _grow(vocab, terms, [_term(rng) for _ in range(150)])
        for pattern in patterns:
            assert vocab.like(pattern).tolist() == _like_reference(terms, pattern), pattern


def test_a_term_with_nul_switches_to_per_term_matching():
    vocab, terms = Vocabulary(), []
    _grow(vocab, terms, ["ab", "cd", "abc"])
    assert vocab.like("ab*").tolist() == [0, 2]
    assert vocab.like("*b\0c*").tolist() == []                  # never across two terms
    _grow(vocab, terms, ["ab\0cd", "abx"])
    for pattern in ("ab*", "*b\0c*", "a?\0*", "*d", "*"):
        assert vocab.like(pattern).tolist() == _like_reference(terms, pattern), pattern


@pytest.mark.parametrize("cmp, op", [(np.greater, operator.gt), (np.greater_equal, operator.ge),
                                     (np.less, operator.lt), (np.less_equal, operator.le)])
def test_compare_is_code_point_order_and_cached_incrementally(cmp, op):
    rng = random.Random(7)
    vocab, terms = Vocabulary(), []
    bounds = [_term(rng) for _ in range(20)] + ["", "b"]
    for _ in range(3):
        _grow(vocab, terms, [_term(rng) for _ in range(100)])
        for bound in bounds:
            assert vocab.compare(cmp, bound).tolist() == [i for i, t in enumerate(terms) if op(t, bound)]


def test_cached_results_are_read_only():
    vocab = Vocabulary()
    vocab.intern(["alpha", "beta"])
    ids = vocab.like("*a")
    with pytest.raises(ValueError):
        ids[0] = 5
