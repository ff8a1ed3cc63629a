"""Filter columns: per-property, append-only numpy structures that turn one filter leaf into a bool mask over
shard slots without touching objects one by one.

ScalarColumn holds one value per slot (int, number, boolean, date). TermsColumn holds a flat (term, owner-slot)
list for text (terms are token ids under the property's tokenization, see vocabulary.py), uuid and every array
type, so "which slots contain term t" is a binary search over the term-sorted pairs.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from ...entities.errors import InvalidInput
from ...entities.filters import FilterLeaf
from ..arrays import GrowableArray, compact_pairs
from ..schema.dates import to_micros
from .setops import sorted_distinct
from .tokenizer import tokenize, tokenize_pattern
from .vocabulary import Vocabulary

_NUMERIC_DTYPES = {"int": np.int64, "number": np.float64, "boolean": np.int64, "date": np.int64}
_TAIL_MIN = 16_384      # merge a TermsColumn's unsorted pairs into the sorted ones once there are more than this
_TAIL_SHARE = 0.05      # ... and more than this share of the sorted ones
_OWNER_BITS = (1 << 32) - 1
_MASK_FACTOR = 64       # looking up more than pairs/64 terms: one masked pass instead of binary searches
_RANGE_OPS = {
    "GreaterThan": np.greater, "GreaterThanEqual": np.greater_equal,
    "LessThan": np.less, "LessThanEqual": np.less_equal,
}


def _pad(mask: np.ndarray, n: int) -> np.ndarray:
    """Masks cover slots seen by the column; slots added later never match."""
    if len(mask) >= n:
        return mask[:n]
    return np.concatenate([mask, np.zeros(n - len(mask), bool)])


class _SortedPairs(NamedTuple):
    """A TermsColumn's first `covered` (term, owner) pairs in term order. Text/uuid: `keys` = term id << 32 |
    owner, one array sorted by value (np.sort is several times faster than an argsort, and half the memory),
    `owners` empty; other kinds: `keys` = the terms, `owners` alongside."""

    keys: np.ndarray
    owners: np.ndarray
    covered: int


def _ranges(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The positions of every range [lo[i], hi[i]), concatenated."""
    lengths = hi - lo
    if len(lengths) == 1:
        return np.arange(lo[0], hi[0])
    ends = np.cumsum(lengths)
    return np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(lo - (ends - lengths), lengths)


class _Column:
    """Shared bookkeeping: which slots have a value (for IsNull)."""

    def __init__(self) -> None:
        self.present = GrowableArray(bool)

    def _mark(self, first_slot: int, has_value: list[bool]) -> None:
        gap = first_slot - len(self.present)
        if gap > 0:
            self.present.extend(np.zeros(gap, bool))
        self.present.extend(has_value)

    def compact(self, keep: np.ndarray, remap: np.ndarray) -> None:
        """Forget dead slots: `keep` masks live slots, `remap` maps old slot -> new slot (-1 = dead)."""
        self.present.keep(keep)

    def _is_null(self, leaf: FilterLeaf, n: int) -> np.ndarray:
        if not isinstance(leaf.value, bool):
            raise InvalidInput("IsNull filter requires a boolean value")
        present = _pad(self.present.view(), n)
        return ~present if leaf.value else present


class ScalarColumn(_Column):
    """One numeric value per slot: int, number, boolean (0/1) or date (microseconds since the epoch)."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.values = GrowableArray(_NUMERIC_DTYPES[kind])

    def add(self, first_slot: int, values: list[Any]) -> None:
        """Values of slots first_slot, first_slot+1, ... (None = no value)."""
        gap = first_slot - len(self.values)
        if gap > 0:
            self.values.extend(np.zeros(gap, self.values.view().dtype))
        self._mark(first_slot, [v is not None for v in values])
        self.values.extend([0 if v is None else self.to_domain(v) for v in values])

    def compact(self, keep: np.ndarray, remap: np.ndarray) -> None:
        super().compact(keep, remap)
        self.values.keep(keep)

    def to_domain(self, value: Any):
        if self.kind == "date":
            return to_micros(value)
        return value

    def evaluate(self, leaf: FilterLeaf, n: int) -> np.ndarray:
        op = leaf.operator
        if op == "IsNull":
            return self._is_null(leaf, n)
        vals = self.values.view()
        present = self.present.view()
        if op in ("Equal", "NotEqual"):
            hit = present & (vals == self.to_domain(leaf.value))
            return _pad(hit, n) if op == "Equal" else ~_pad(hit, n)
        if op in _RANGE_OPS:
            if self.kind == "boolean":
                raise InvalidInput(f"operator {op} is not supported for boolean property '{leaf.property}'")
            return _pad(present & _RANGE_OPS[op](vals, self.to_domain(leaf.value)), n)
        if op in ("ContainsAny", "ContainsAll", "ContainsNone"):
            wanted = [self.to_domain(v) for v in leaf.value]
            if op == "ContainsAll":
                hit = present & np.all([vals == w for w in wanted], axis=0)
            else:
                hit = present & np.isin(vals, wanted)
            return ~_pad(hit, n) if op == "ContainsNone" else _pad(hit, n)
        raise InvalidInput(f"operator {op} is not supported for {self.kind} property '{leaf.property}'")


class TermsColumn(_Column):
    """Many terms per slot: tokenised text, uuid, and every array type, as parallel (term, owner) arrays.

    Lookups go through a term-sorted copy of the pairs (built on the first lookup; newer pairs stay in an
    unsorted tail that is scanned, and merged in once it outgrows a share of the copy), so a term's owners cost a
    binary search and their count, not a pass over every pair. Many terms at once (a broad Like) are one pass
    with a term mask instead."""

    stopwords: frozenset[str] = frozenset()   # set by the shard from the collection's stopword config
    _NO_PAIRS = _SortedPairs(np.empty(0, np.int64), np.empty(0, np.int64), 0)

    def __init__(self, kind: str, tokenization: str | None = None) -> None:
        super().__init__()
        self.kind = kind                      # base type: text, uuid, int, number, boolean, date
        self.tokenization = tokenization
        self.textual = kind in ("text", "uuid")
        self.terms = GrowableArray(np.int64 if self.textual else _NUMERIC_DTYPES[kind])
        self.owners = GrowableArray(np.int64)
        self.vocabulary = Vocabulary()        # text/uuid: term ids <-> terms
        self._by_term = self._NO_PAIRS
        # len(property) per slot, for property-length filters (Weaviate: character count of a text value,
        # element count of an array, 0 for null); maintained whether or not indexPropertyLength is on
        self.lengths = GrowableArray(np.int64)

    # ---- building -----------------------------------------------------------------------------------------
    def add(self, first_slot: int, values: list[Any]) -> None:
        """Values of slots first_slot, first_slot+1, ... (None or [] = no value)."""
        terms: list = []
        present: list[bool] = []
        lengths: list[int] = []
        counts: list[int] = []
        for value in values:
            items = value if isinstance(value, list) else ([] if value is None else [value])
            present.append(bool(items))
            lengths.append(len(value) if isinstance(value, (list, str)) else 0)
            before = len(terms)
            for item in items:
                terms.extend(self._stored_terms(item))
            counts.append(len(terms) - before)
        if self.textual and terms:
            terms = self.vocabulary.intern(terms)
        owners = np.repeat(np.arange(first_slot, first_slot + len(values), dtype=np.int64), counts)
        gap = first_slot - len(self.lengths)
        if gap > 0:
            self.lengths.extend(np.zeros(gap, np.int64))
        self.lengths.extend(lengths)
        self._mark(first_slot, present)
        if terms:
            self.terms.extend(terms)
            self.owners.extend(owners)

    def _tokenize(self, item: Any) -> tuple[str, ...]:
        return tokenize(self.tokenization if self.kind == "text" else None, str(item))

    def _terms_of(self, item: Any) -> list:
        """Terms of a query value (unknown tokens -> -1, which matches nothing)."""
        if not self.textual:
            return [to_micros(item) if self.kind == "date" else item]
        return [self._term_id(t) for t in self._tokenize(item)]

    def _term_id(self, token: str) -> int:
        tid = self.vocabulary.get(token)
        return -1 if tid is None else tid

    def _stored_terms(self, item: Any) -> Sequence:
        """Terms of a stored value: tokens for text/uuid (interned by the caller), the value otherwise."""
        if not self.textual:
            return [to_micros(item) if self.kind == "date" else item]
        return self._tokenize(item)

    def compact(self, keep: np.ndarray, remap: np.ndarray) -> None:
        super().compact(keep, remap)
        self.lengths.keep(keep)
        self.owners = compact_pairs(self.terms, self.owners, keep, remap)
        self._by_term = self._NO_PAIRS

    # ---- matching -----------------------------------------------------------------------------------------
    def _sorted_pairs(self) -> _SortedPairs:
        """The term-sorted copy, extended once the unsorted tail outgrows max(_TAIL_MIN, _TAIL_SHARE * main): the
        tail is sorted alone and merged in (O(pairs) moves, not a full re-sort). Readers run concurrently: the
        copy is built aside and published in one assignment."""
        pairs = self._by_term
        total = len(self.terms)
        if total - pairs.covered <= max(_TAIL_MIN, _TAIL_SHARE * pairs.covered):
            return pairs
        terms, owners = self.terms.view()[pairs.covered:total], self.owners.view()[pairs.covered:total]
        if self.textual:
            keys, owners = np.sort((terms << 32) | owners), self._NO_PAIRS.owners
        else:
            order = np.argsort(terms, kind="stable")
            keys, owners = terms[order], owners[order]
        if pairs.covered:
            at = np.searchsorted(pairs.keys, keys)
            keys = np.insert(pairs.keys, at, keys)
            owners = owners if self.textual else np.insert(pairs.owners, at, owners)
        pairs = _SortedPairs(keys, owners, total)
        self._by_term = pairs
        return pairs

    def _owners_of(self, wanted: np.ndarray) -> np.ndarray:
        """Owner slots (repeats possible) of every pair whose term is in `wanted` (distinct, ascending)."""
        terms, owners = self.terms.view(), self.owners.view()
        if self.textual and len(wanted) * _MASK_FACTOR > len(terms):
            # many terms (a broad Like or range): one gather of a term mask over all pairs beats many searches
            want = np.zeros(len(self.vocabulary), bool)
            want[wanted[wanted >= 0]] = True
            return owners[want[terms]]
        pairs = self._sorted_pairs()
        if self.textual:          # term t's pairs are the keys in [t << 32, (t + 1) << 32)
            lo = np.searchsorted(pairs.keys, wanted << 32)
            hi = np.searchsorted(pairs.keys, (wanted + 1) << 32)
            found = pairs.keys[_ranges(lo, hi)] & _OWNER_BITS
        else:
            lo = np.searchsorted(pairs.keys, wanted, side="left")
            hi = np.searchsorted(pairs.keys, wanted, side="right")
            found = pairs.owners[_ranges(lo, hi)]
        tail = terms[pairs.covered:]
        if len(tail):
            found = np.concatenate([found, owners[pairs.covered:][np.isin(tail, wanted)]])
        return found

    def _slots_of(self, owners: np.ndarray, n: int) -> np.ndarray:
        out = np.zeros(max(n, len(self.present)), bool)
        out[owners] = True
        return out[:n]

    def _slots_with_any(self, terms: Sequence | np.ndarray, n: int) -> np.ndarray:
        if not len(terms):
            return np.zeros(n, bool)
        return self._slots_of(self._owners_of(sorted_distinct(np.asarray(terms))), n)

    def _slots_with_all(self, terms: list, n: int) -> np.ndarray:
        if not terms:
            return np.zeros(n, bool)
        out = np.ones(n, bool)
        for t in dict.fromkeys(terms):
            out &= self._slots_with_any([t], n)
        return out

    def _slots_with_any_group(self, groups: list[list], n: int) -> np.ndarray:
        """Slots holding every term of at least one group (single-term groups in one vectorised pass)."""
        hit = self._slots_with_any([g[0] for g in groups if len(g) == 1], n)
        for group in groups:
            if len(group) > 1:
                hit |= self._slots_with_all(group, n)
        return hit

    def _every_pattern(self, patterns: Sequence[str], term_ids: Callable[[str], np.ndarray], n: int
                       ) -> np.ndarray:
        """Slots where, for every pattern, some term is among `term_ids(pattern)` (no patterns: none)."""
        if not patterns:
            return np.zeros(n, bool)
        hit = np.ones(n, bool)
        for pattern in dict.fromkeys(patterns):
            hit &= self._slots_with_any(term_ids(pattern), n)
        return hit

    def _value_terms(self, value: Any) -> list:
        """Terms of a filter value. For word tokenization Weaviate drops stopwords first, and a value made of
        stopwords only (or of no word at all) is an error, not an empty match."""
        if self.kind == "text" and self.tokenization == "word":
            tokens = [t for t in tokenize("word", str(value)) if t not in self.stopwords]
            if not tokens:
                raise InvalidInput("invalid search term, only stopwords provided. Stopwords can be configured in "
                                   "class.invertedIndexConfig.stopwords")
            return [self._term_id(t) for t in tokens]
        return self._terms_of(value)

    def evaluate_length(self, leaf: FilterLeaf, n: int) -> np.ndarray:
        """A filter on len(property): Equal/NotEqual/ranges against the per-slot length (nulls have length 0)."""
        if leaf.operator == "IsNull":
            return self._is_null(leaf, n)
        value = leaf.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidInput(f"filtering by the length of property '{leaf.property}' needs an int value")
        lengths = self.lengths.view()[:n]
        if len(lengths) < n:     # slots written before the property existed: null, length 0
            lengths = np.concatenate([lengths, np.zeros(n - len(lengths), np.int64)])
        if leaf.operator == "Equal":
            return lengths == value
        if leaf.operator == "NotEqual":
            return lengths != value
        if leaf.operator in _RANGE_OPS:
            return _RANGE_OPS[leaf.operator](lengths, value)
        raise InvalidInput(f"operator {leaf.operator} is not supported when filtering by property length")

    def evaluate(self, leaf: FilterLeaf, n: int) -> np.ndarray:
        op, value = leaf.operator, leaf.value
        if op == "IsNull":
            return self._is_null(leaf, n)
        # A text value with several tokens becomes Weaviate's AND of one clause per token with the same
        # operator (inverted/searcher.go extractTokenizableProp): Equal = all tokens present, NotEqual = none
        # of them present, Like/ranges = every token pattern matches some term. Contains* operands are
        # per-value Equal clauses, so ContainsAny = OR over values of (AND over that value's tokens).
        if op == "Equal":
            return self._slots_with_all(self._value_terms(value), n)
        if op == "NotEqual":
            return ~self._slots_with_any(self._value_terms(value), n)
        if op in ("ContainsAny", "ContainsNone"):
            hit = self._slots_with_any_group([self._value_terms(v) for v in value], n)
            return hit if op == "ContainsAny" else ~hit
        if op == "ContainsAll":
            return self._slots_with_all([t for v in value for t in self._value_terms(v)], n)
        if op in _RANGE_OPS:
            cmp = _RANGE_OPS[op]
            if self.textual:
                return self._every_pattern(self._tokenize(value), lambda bound: self.vocabulary.compare(cmp, bound), n)
            bound = to_micros(value) if self.kind == "date" else value
            return self._slots_of(self.owners.view()[cmp(self.terms.view(), bound)], n)
        if op == "Like":
            if not self.textual:
                raise InvalidInput(f"Like filter is only supported on text properties, not '{leaf.property}'")
            patterns = tokenize_pattern(self.tokenization if self.kind == "text" else None, str(value))
            return self._every_pattern(patterns, self.vocabulary.like, n)
        raise InvalidInput(f"operator {op} is not supported for property '{leaf.property}'")


EARTH_RADIUS_M = 6371e3      # Weaviate's geo distancer (hnsw/distancer/geo_spatial.go)


def great_circle_m(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Haversine distance in meters, as Weaviate's geo index computes it (inputs in degrees; arrays welcome)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlat, dlon = np.radians(np.subtract(lat2, lat1)), np.radians(np.subtract(lon2, lon1))
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return EARTH_RADIUS_M * 2 * np.arctan2(np.sqrt(a), np.sqrt(np.maximum(1 - a, 0.0)))


class GeoColumn(_Column):
    """geoCoordinates: latitude/longitude per slot (float32 like Weaviate's geo index) for WithinGeoRange and
    IsNull; the range test is one vectorised haversine over the column."""

    def __init__(self) -> None:
        super().__init__()
        self.lat = GrowableArray(np.float32)
        self.lon = GrowableArray(np.float32)

    def add(self, first_slot: int, values: list[Any]) -> None:
        gap = first_slot - len(self.lat)
        if gap > 0:
            self.lat.extend(np.zeros(gap, np.float32))
            self.lon.extend(np.zeros(gap, np.float32))
        self._mark(first_slot, [isinstance(v, dict) for v in values])
        self.lat.extend([v["latitude"] if isinstance(v, dict) else 0.0 for v in values])
        self.lon.extend([v["longitude"] if isinstance(v, dict) else 0.0 for v in values])

    def compact(self, keep: np.ndarray, remap: np.ndarray) -> None:
        super().compact(keep, remap)
        self.lat.keep(keep)
        self.lon.keep(keep)

    def evaluate(self, leaf: FilterLeaf, n: int) -> np.ndarray:
        if leaf.operator == "IsNull":
            return self._is_null(leaf, n)
        if leaf.operator != "WithinGeoRange":
            raise InvalidInput(f"operator {leaf.operator} is not supported for geoCoordinates property "
                               f"'{leaf.property}': use WithinGeoRange")
        if leaf.value_type != "geo":
            raise InvalidInput("WithinGeoRange filter requires a geo range value (coordinates and distance)")
        lat, lon, max_distance = leaf.value
        dist = great_circle_m(self.lat.view().astype(np.float64), self.lon.view().astype(np.float64),
                              float(np.float32(lat)), float(np.float32(lon)))
        return _pad(self.present.view() & (dist.astype(np.float32) <= np.float32(max_distance)), n)


class TextSortColumn:
    """Whole text values per slot, kept only to sort by a scalar text property (TermsColumn holds tokens).

    Weaviate compares text sort keys case-insensitively (sorter/basic_comparators.go: EqualFold, then
    ToLower(a) < ToLower(b)), so the lower-cased value is stored; None marks a null. `ranks()` turns the column
    into dense int64 ranks (null = -1, below every value) once per write generation, so a sort is a gather plus
    an integer lexsort. Cost: one Python string reference per slot plus 8 bytes of ranks."""

    def __init__(self) -> None:
        self.values: list[str | None] = []
        self._ranks: np.ndarray | None = None

    def add(self, first_slot: int, values: list[Any]) -> None:
        if first_slot > len(self.values):
            self.values.extend([None] * (first_slot - len(self.values)))
        self.values.extend(v.lower() if isinstance(v, str) else None for v in values)
        self._ranks = None

    def compact(self, keep: np.ndarray, remap: np.ndarray) -> None:
        self.values = [v for v, k in zip(self.values, keep.tolist()) if k]
        self._ranks = None

    def ranks(self, n: int) -> np.ndarray:
        ranks = self._ranks
        if ranks is None or len(ranks) != len(self.values):
            values = self.values
            order = sorted((i for i, v in enumerate(values) if v is not None), key=values.__getitem__)
            ranks = np.full(len(values), -1, np.int64)
            if order:   # dense ranks, equal values share one (plain Python sort: no fixed-width unicode copy)
                ordered = [values[i] for i in order]
                new_value = np.fromiter((a != b for a, b in zip(ordered[1:], ordered[:-1])), bool, len(order) - 1)
                ranks[np.asarray(order, np.int64)] = np.concatenate([[0], np.cumsum(new_value)])
            self._ranks = ranks
        if len(ranks) >= n:
            return ranks[:n]
        return np.concatenate([ranks, np.full(n - len(ranks), -1, np.int64)])
