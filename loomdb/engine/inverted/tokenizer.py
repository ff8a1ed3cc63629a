"""Weaviate's tokenizations for text properties: how a text value turns into the terms filters match on.

word: split on anything that is not a letter or digit, lower-cased; lowercase: split on whitespace, lower-cased;
whitespace: split on whitespace; field: the whole value, trimmed; trigram: lower-cased letter/digit 3-grams.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from ...entities.errors import Unsupported

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _trigrams(text: str) -> tuple[str, ...]:
    s = "".join(_WORD.findall(text.lower()))
    return tuple(s[i:i + 3] for i in range(len(s) - 2)) if len(s) >= 3 else ((s,) if s else ())


_TOKENIZERS: dict[str, Callable[[str], tuple[str, ...]]] = {
    "word": lambda t: tuple(_WORD.findall(t.lower())),
    "lowercase": lambda t: tuple(t.lower().split()),
    "whitespace": lambda t: tuple(t.split()),
    "field": lambda t: (t.strip(),) if t.strip() else (),
    "trigram": _trigrams,
}


@lru_cache(maxsize=16_384)
def tokenize(tokenization: str | None, text: str) -> tuple[str, ...]:
    """Terms of `text` under `tokenization` (None = the value as one term, used for uuid properties).

    Memoised: a write tokenises each text value for its filter column and again for its BM25 postings, back to
    back, so the second call is a cache hit. The result is a tuple because every caller shares the cached one."""
    if tokenization is None:
        return (text,)
    fn = _TOKENIZERS.get(tokenization)
    if fn is None:
        raise Unsupported(f"tokenization {tokenization!r} is not supported by loomdb yet "
                          "(supported: word, lowercase, whitespace, field, trigram)")
    return fn(text)


_WORD_WILDCARDS = re.compile(r"(?:[^\W_]|[*?])+", re.UNICODE)


def tokenize_pattern(tokenization: str | None, pattern: str) -> list[str]:
    """A Like pattern split like a value but keeping `*` and `?` (Weaviate's TokenizeWithWildcards); every
    resulting pattern must match some term of an object."""
    if tokenization == "word":
        return _WORD_WILDCARDS.findall(pattern.lower())
    if tokenization in ("lowercase", "whitespace"):
        return (pattern.lower() if tokenization == "lowercase" else pattern).split()
    if tokenization == "field":
        return [pattern.strip()] if pattern.strip() else []
    return [normalise_pattern(tokenization, pattern)]


def normalise_pattern(tokenization: str | None, pattern: str) -> str:
    """Case-fold a Like pattern the way the tokenizer folds stored terms."""
    return pattern.lower() if tokenization in ("word", "lowercase", "trigram") else pattern


def intern_all(vocab: dict, tokens: Sequence, new: list | None = None) -> list[int]:
    """Ids of `tokens` in `vocab`, adding unseen ones in first-seen order (and appending them to `new`, which
    then lists every token by id). One C-level pass for the known tokens (the common case after warm-up); only
    new tokens take the Python path."""
    ids: list = list(map(vocab.get, tokens))
    if None in ids:
        for i, tid in enumerate(ids):
            if tid is None:
                token = tokens[i]
                tid = vocab.get(token)
                if tid is None:
                    tid = vocab[token] = len(vocab)
                    if new is not None:
                        new.append(token)
                ids[i] = tid
    return ids

