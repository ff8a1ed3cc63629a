"""Stopword sets from a collection's invertedIndexConfig.stopwords (preset + additions - removals).

Weaviate removes stopwords from *queries* only, and only for properties with `word` tokenization; the index
itself keeps every token (so property lengths count stopwords)."""
from __future__ import annotations

from collections.abc import Iterable

# Weaviate's "en" preset (the Lucene English set)
_EN = frozenset("""a an and are as at be but by for if in into is it no not of on or such that the their then
there these they this to was will with""".split())
PRESETS = {"en": _EN, "none": frozenset()}


def stopword_set(preset: str | None, additions: Iterable[str] | None, removals: Iterable[str] | None
                 ) -> frozenset[str]:
    base = PRESETS.get(preset or "en", _EN)
    return frozenset((set(base) | set(additions or ())) - set(removals or ()))
