"""Filter columns: per-property, append-only numpy structures that turn one filter leaf into a bool mask over
shard slots without touching objects one by one.

ScalarColumn holds one value per slot (int, number, boolean, date). TermsColumn holds a flat (term, owner-slot)
list for text (terms are token ids under the property's tokenization), uuid and every array type, so
"does slot s contain term t" is one vectorised comparison over the term array.
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np

from ...entities.errors import InvalidInput
from ...entities.filters import FilterLeaf
from ..arrays import GrowableArray
from ..schema.dates import to_micros
from .tokenizer import tokenize, tokenize_pattern

_NUMERIC_DTYPES = {"int": np.int64, "number": np.float64, "boolean": np.int64, "date": np.int64}
_RANGE_OPS = {
    "GreaterThan": np.greater, "GreaterThanEqual": np.greater_equal,
    "LessThan": np.less, "LessThanEqual": np.less_equal,
}


def _pad(mask: np.ndarray, n: int) -> np.ndarray:
    """Masks cover slots seen by the column; slots added later never match."""
    if len(mask) >= n:
        return mask[:n]
    return np.concatenate([mask, np.zeros(n - len(mask), bool)])


def like_regex(pattern: str) -> re.Pattern[str]:
    """Weaviate's Like: `*` any run of characters, `?` exactly one, everything else literal."""
    parts = ("." if ch == "?" else ".*" if ch == "*" else re.escape(ch) for ch in pattern)
    return re.compile("".join(parts), re.DOTALL)


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
    """Many terms per slot: tokenised text, uuid, and every array type, as parallel (term, owner) arrays."""

    def __init__(self, kind: str, tokenization: str | None = None) -> None:
        super().__init__()
        self.kind = kind                      # base type: text, uuid, int, number, boolean, date
        self.tokenization = tokenization
        self.textual = kind in ("text", "uuid")
        self.terms = GrowableArray(np.int64 if self.textual else _NUMERIC_DTYPES[kind])
        self.owners = GrowableArray(np.int64)
        self._vocab: dict[str, int] = {}
        self._vocab_list: list[str] = []
        self._vocab_array: np.ndarray | None = None

    # ---- building -----------------------------------------------------------------------------------------
    def add(self, first_slot: int, values: list[Any]) -> None:
        """Values of slots first_slot, first_slot+1, ... (None or [] = no value)."""
        terms: list = []
        owners: list[int] = []
        present: list[bool] = []
        for slot, value in enumerate(values, first_slot):
            items = value if isinstance(value, list) else ([] if value is None else [value])
            present.append(bool(items))
            for item in items:
                item_terms = self._terms_of(item, create=True)
                terms.extend(item_terms)
                owners.extend([slot] * len(item_terms))
        self._mark(first_slot, present)
        if terms:
            self.terms.extend(terms)
            self.owners.extend(owners)

    def _terms_of(self, item: Any, create: bool = False) -> list:
        if not self.textual:
            return [to_micros(item) if self.kind == "date" else item]
        tokens = tokenize(self.tokenization if self.kind == "text" else None, str(item))
        if create:
            return [self._intern(t) for t in tokens]
        return [self._vocab.get(t, -1) for t in tokens]

    def compact(self, keep: np.ndarray, remap: np.ndarray) -> None:
        super().compact(keep, remap)
        owners = self.owners.view()
        live = keep[owners]
        new_owners = remap[owners[live]]
        self.terms.keep(live)
        self.owners = GrowableArray(np.int64, capacity=max(len(new_owners), 1024))
        self.owners.extend(new_owners)

    def _intern(self, token: str) -> int:
        tid = self._vocab.get(token)
        if tid is None:
            tid = self._vocab[token] = len(self._vocab_list)
            self._vocab_list.append(token)
            self._vocab_array = None
        return tid

    def _vocabulary(self) -> np.ndarray:
        if self._vocab_array is None or len(self._vocab_array) != len(self._vocab_list):
            self._vocab_array = np.array(self._vocab_list, dtype=object)
        return self._vocab_array

    # ---- matching -----------------------------------------------------------------------------------------
    def _slots_with(self, term_mask: np.ndarray, n: int) -> np.ndarray:
        out = np.zeros(max(n, len(self.present)), bool)
        out[self.owners.view()[term_mask]] = True
        return out[:n]

    def _slots_with_any(self, terms: list, n: int) -> np.ndarray:
        if not terms:
            return np.zeros(n, bool)
        return self._slots_with(np.isin(self.terms.view(), terms), n)

    def _slots_with_all(self, terms: list, n: int) -> np.ndarray:
        if not terms:
            return np.zeros(n, bool)
        out = np.ones(n, bool)
        for t in dict.fromkeys(terms):
            out &= self._slots_with(self.terms.view() == t, n)
        return out

    def _slots_with_any_group(self, groups: list[list], n: int) -> np.ndarray:
        """Slots holding every term of at least one group (single-term groups in one vectorised pass)."""
        hit = self._slots_with_any([g[0] for g in groups if len(g) == 1], n)
        for group in groups:
            if len(group) > 1:
                hit |= self._slots_with_all(group, n)
        return hit

    def _every_pattern(self, patterns: list[str], vocab_predicate, n: int) -> np.ndarray:
        """Slots where, for every pattern, some term satisfies `vocab_predicate(pattern)` (no patterns: none)."""
        if not patterns:
            return np.zeros(n, bool)
        hit = np.ones(n, bool)
        for pattern in dict.fromkeys(patterns):
            hit &= self._slots_with_any(self._vocab_ids(vocab_predicate(pattern)), n)
        return hit

    def _value_terms(self, value: Any) -> list:
        return self._terms_of(value)

    def _vocab_ids(self, predicate) -> list[int]:
        vocab = self._vocabulary()
        if len(vocab) == 0:
            return []
        return np.flatnonzero(predicate(vocab)).tolist()

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
                bounds = tokenize(self.tokenization if self.kind == "text" else None, str(value))
                return self._every_pattern(bounds, lambda b: lambda vocab: cmp(vocab, b).astype(bool), n)
            bound = to_micros(value) if self.kind == "date" else value
            return self._slots_with(cmp(self.terms.view(), bound), n)
        if op == "Like":
            if not self.textual:
                raise InvalidInput(f"Like filter is only supported on text properties, not '{leaf.property}'")
            patterns = tokenize_pattern(self.tokenization if self.kind == "text" else None, str(value))
            return self._every_pattern(
                patterns, lambda p: np.vectorize(lambda term, rx=like_regex(p): rx.fullmatch(term) is not None,
                                                 otypes=[bool]), n)
        raise InvalidInput(f"operator {op} is not supported for property '{leaf.property}'")
