"""The distinct terms of one text/uuid filter column: term <-> id (ids in first-seen order, never reused, so the
column can store ids) and the vocabulary-wide lookups filters need.

Like patterns are answered over one NUL-joined UTF-8 copy of the vocabulary (b"\\0t0\\0t1\\0...\\0"), built on the
first Like and extended with new terms only: a literal prefix, suffix or infix is a byte search done with numpy
(candidates of the first byte, narrowed byte by byte), any other pattern one compiled bytes regex; match positions
map to term ids by binary search over the term offsets. Terms holding a NUL byte (possible only in a
field-tokenised value) switch that vocabulary to a per-term regex. Results of Like patterns and of text range
comparisons are cached per pattern / bound and completed over the terms added since, so a repeated one costs
only the new terms.

Everything derived is published as one immutable snapshot (a tuple assigned at once), because lookups run under
the shard's read lock, concurrently with each other; only the write path (exclusive) adds terms.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from .setops import sorted_distinct
from .tokenizer import intern_all

_SEP = 0                      # the byte between terms in the joined copy
_CACHE_SIZE = 256             # Like patterns / range bounds remembered per vocabulary
_NO_IDS = np.empty(0, np.int64)
# one UTF-8 encoded code point other than NUL: what `?` matches
_ONE_CHAR = rb"(?:[\x01-\x7f]|[\xc0-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf7][\x80-\xbf]{3})"


def like_regex(pattern: str) -> re.Pattern[str]:
    """Weaviate's Like: `*` any run of characters, `?` exactly one, everything else literal."""
    parts = ("." if ch == "?" else ".*" if ch == "*" else re.escape(ch) for ch in pattern)
    return re.compile("".join(parts), re.DOTALL)


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _like_bytes_regex(pattern: str) -> re.Pattern[bytes]:
    """A Like pattern as a bytes regex matching one whole term of the joined copy."""
    parts = (_ONE_CHAR if ch == "?" else rb"[^\x00]*" if ch == "*" else re.escape(_encode(ch)) for ch in pattern)
    return re.compile(rb"(?<=\x00)" + b"".join(parts) + rb"(?=\x00)")


class _Joined(NamedTuple):
    """The vocabulary's first `covered` terms joined: raw bytes, the same as uint8, and each term's first byte."""

    raw: bytes
    buf: np.ndarray
    starts: np.ndarray
    covered: int
    clean: bool               # no term holds the separator byte (else the joined copy is not used)


class Vocabulary:
    """term -> id and back, plus cached vocabulary-wide lookups (Like patterns, range comparisons)."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._terms: list[str] = []
        self._joined = _Joined(b"\0", np.zeros(1, np.uint8), np.empty(0, np.int64), 0, True)
        # (kind, pattern or bound) -> (matching ids, terms checked): Like and range results
        self._results: dict[tuple[str, str], tuple[np.ndarray, int]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._terms)

    def get(self, term: str) -> int | None:
        return self._ids.get(term)

    def intern(self, tokens: Sequence[str]) -> list[int]:
        """Ids of `tokens`, adding unseen ones (call from the write path only)."""
        return intern_all(self._ids, tokens, self._terms)

    def compare(self, cmp: np.ufunc, bound: str) -> np.ndarray:
        """Ascending ids of the terms t with `cmp(t, bound)` (np.greater, ...: code point order); read-only,
        shared with the cache."""
        def match(first: int, total: int) -> np.ndarray:
            return np.flatnonzero(cmp(np.array(self._terms[first:total], dtype=object), bound).astype(bool)) + first
        return self._cached((cmp.__name__, bound), match)

    def like(self, pattern: str) -> np.ndarray:
        """Ascending ids of the terms matching one Like pattern (`*` any run, `?` one character); read-only,
        shared with the cache."""
        if "*" not in pattern and "?" not in pattern:
            tid = self._ids.get(pattern)
            return np.empty(0, np.int64) if tid is None else np.array([tid], np.int64)
        return self._cached(("like", pattern), lambda first, total: self._match(pattern, first, total))

    def _cached(self, key: tuple[str, str], match: Callable[[int, int], np.ndarray]) -> np.ndarray:
        """The ids `match(first, total)` finds over all terms, remembered per key and completed with
        `match(checked, total)` over the terms added since the last call."""
        total = len(self._terms)
        with self._lock:
            ids, checked = self._results.get(key, (_NO_IDS, 0))
        if checked == total:
            return ids
        ids = np.concatenate([ids, match(checked, total)]).astype(np.int64, copy=False)
        ids.flags.writeable = False
        with self._lock:
            if key not in self._results and len(self._results) >= _CACHE_SIZE:
                self._results.pop(next(iter(self._results)))
            self._results[key] = (ids, total)
        return ids

    def _match(self, pattern: str, first: int, total: int) -> np.ndarray:
        """Ids in [first, total) matching `pattern` (first < total)."""
        stripped = pattern.strip("*")
        if not stripped:                                   # "*", "**": every term
            return np.arange(first, total, dtype=np.int64)
        joined = self._joined_upto(total)
        if not joined.clean:
            rx = like_regex(pattern)
            return np.array([i for i in range(first, total) if rx.fullmatch(self._terms[i])], np.int64)
        if "\0" in pattern:                               # no term holds NUL: nothing can match
            return np.empty(0, np.int64)
        lo = int(joined.starts[first]) - 1                 # the NUL before term `first`
        if "?" in pattern or "*" in stripped:
            found = np.fromiter((m.start() for m in _like_bytes_regex(pattern).finditer(joined.raw, lo)),
                                np.int64)
            return _term_of(joined, found)
        needle = _encode(stripped)
        head, tail = pattern.startswith("*"), pattern.endswith("*")
        lead = b"" if head else b"\0"
        found = _find_bytes(joined.buf, lead + needle + (b"" if tail else b"\0"), lo) + len(lead)
        return _term_of(joined, found)

    def _joined_upto(self, total: int) -> _Joined:
        """The joined copy covering at least the first `total` terms (extended with the missing ones)."""
        joined = self._joined
        if joined.covered >= total or not joined.clean:
            return joined
        added = "\0".join(self._terms[joined.covered:total])
        raw = joined.raw + _encode(added) + b"\0"
        buf = np.frombuffer(raw, np.uint8)
        seps = np.flatnonzero(buf[len(joined.raw) - 1:] == _SEP)[:-1] + len(joined.raw)   # first bytes of new terms
        if len(seps) != total - joined.covered:             # a term holds NUL: per-term matching from now on
            joined = _Joined(b"", np.empty(0, np.uint8), np.empty(0, np.int64), total, False)
        else:
            joined = _Joined(raw, buf, np.concatenate([joined.starts, seps]), total, True)
        self._joined = joined
        return joined


def _term_of(joined: _Joined, positions: np.ndarray) -> np.ndarray:
    """Distinct ids of the terms holding the byte positions (ascending)."""
    return sorted_distinct(np.searchsorted(joined.starts, positions, side="right") - 1)


def _find_bytes(buf: np.ndarray, needle: bytes, lo: int) -> np.ndarray:
    """Start positions (>= lo) of `needle` in `buf`: positions of the first byte, narrowed byte by byte."""
    n = len(buf) - len(needle) + 1
    if n <= lo:
        return np.empty(0, np.int64)
    found = np.flatnonzero(buf[lo:n] == needle[0]) + lo
    for k in range(1, len(needle)):
        found = found[buf[found + k] == needle[k]]
    return found
