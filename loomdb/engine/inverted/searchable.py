"""BM25 postings of one searchable text property.

Postings are (term, slot, frequency) triples kept in append order, plus a term-sorted CSR copy ("main") that is
rebuilt lazily when the unsorted tail grows past a fraction of it; a lookup reads the term's CSR range and scans
the small tail. Per-slot token counts (stopwords included, as Weaviate counts them) give the property lengths.
Lookups run concurrently under the shard's read lock, so the CSR copy is published as one tuple.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..arrays import GrowableArray
from .tokenizer import intern_all, tokenize

_TAIL_MIN = 20_000      # rebuild the sorted postings once the tail exceeds this many postings ...
_TAIL_SHARE = 0.2       # ... and this share of the sorted part


class _Csr(NamedTuple):
    """The first `covered` postings sorted by term: term t's are [indptr[t], indptr[t + 1])."""

    indptr: np.ndarray
    slots: np.ndarray
    freqs: np.ndarray
    covered: int


_EMPTY_CSR = _Csr(np.zeros(1, np.int64), np.empty(0, np.int64), np.empty(0, np.float32), 0)


class SearchableIndex:
    def __init__(self, tokenization: str | None) -> None:
        self.tokenization = tokenization or "word"
        self.vocab: dict[str, int] = {}
        self._terms = GrowableArray(np.int32)
        self._slots = GrowableArray(np.int64)
        self._freqs = GrowableArray(np.float32)
        self.lengths = GrowableArray(np.float32)     # tokens in the property, per slot
        self.present = GrowableArray(bool)           # slot has a value for the property
        self._main = _EMPTY_CSR

    # ---- writes -------------------------------------------------------------------------------------------
    def add(self, first_slot: int, values: list[Any]) -> None:
        """Index the values of slots first_slot, first_slot+1, ... (str, list of str, or None)."""
        gap = first_slot - len(self.present)
        if gap > 0:
            self.present.extend(np.zeros(gap, bool))
            self.lengths.extend(np.zeros(gap, np.float32))
        tokens: list[str] = []
        lengths: list[int] = []
        for value in values:
            before = len(tokens)
            for item in (value if isinstance(value, list) else ([] if value is None else [value])):
                tokens.extend(tokenize(self.tokenization, str(item)))
            lengths.append(len(tokens) - before)
        ids = intern_all(self.vocab, tokens)
        self.present.extend([v is not None for v in values])
        self.lengths.extend(lengths)
        if ids:
            # one posting per (slot, term) with its frequency, in slot order: count (slot, term) keys at once
            owners = np.repeat(np.arange(first_slot, first_slot + len(values), dtype=np.int64), lengths)
            keys, freqs = np.unique((owners << 32) | np.asarray(ids, dtype=np.int64), return_counts=True)
            self._terms.extend((keys & 0xFFFFFFFF).astype(np.int32))
            self._slots.extend(keys >> 32)
            self._freqs.extend(freqs.astype(np.float32))

    def compact(self, keep: np.ndarray, remap: np.ndarray) -> None:
        """Forget dead slots (`keep` masks live ones; `remap` old slot -> new slot)."""
        live = keep[self._slots.view()]
        new_slots = remap[self._slots.view()[live]]
        self._terms.keep(live)
        self._freqs.keep(live)
        self._slots = GrowableArray(np.int64, capacity=max(len(new_slots), 1024))
        self._slots.extend(new_slots)
        self.lengths.keep(keep)
        self.present.keep(keep)
        self._main = _EMPTY_CSR

    # ---- reads --------------------------------------------------------------------------------------------
    def _sorted(self) -> _Csr:
        main = self._main
        total = len(self._terms)
        if total - main.covered <= max(_TAIL_MIN, _TAIL_SHARE * main.covered):
            return main
        terms = self._terms.view()
        # by term, then position (slots stay ascending within a term): one np.sort of packed keys, several
        # times faster than an argsort
        order = np.sort((terms.astype(np.int64) << 32) | np.arange(total, dtype=np.int64)) & 0xFFFFFFFF
        counts = np.bincount(terms, minlength=len(self.vocab))
        main = _Csr(np.concatenate([[0], np.cumsum(counts)]), self._slots.view()[order], self._freqs.view()[order],
                    total)
        self._main = main
        return main

    def postings(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """(slots, term frequencies) of `token`; dead slots included (callers mask them)."""
        tid = self.vocab.get(token)
        if tid is None:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        main = self._sorted()
        if tid + 1 < len(main.indptr):
            lo, hi = main.indptr[tid], main.indptr[tid + 1]
            slots, freqs = main.slots[lo:hi], main.freqs[lo:hi]
        else:
            slots, freqs = np.empty(0, np.int64), np.empty(0, np.float32)
        tail = self._terms.view()[main.covered:] == tid
        if tail.any():
            slots = np.concatenate([slots, self._slots.view()[main.covered:][tail]])
            freqs = np.concatenate([freqs, self._freqs.view()[main.covered:][tail]])
        return slots, freqs

    def mean_length(self, alive: np.ndarray) -> float:
        """Mean token count over live slots that have the property (Weaviate's property length tracker)."""
        n = len(self.present)
        has = self.present.view() & alive[:n]
        count = int(has.sum())
        return float(self.lengths.view()[has].sum() / count) if count else 0.0
