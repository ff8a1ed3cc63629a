"""BM25 postings of one searchable text property.

Postings are (term, slot, frequency) triples kept in append order, plus a term-sorted CSR copy ("main") that is
rebuilt lazily when the unsorted tail grows past a fraction of it; a lookup reads the term's CSR range and scans
the small tail. Per-slot token counts (stopwords included, as Weaviate counts them) give the property lengths.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..arrays import GrowableArray
from .tokenizer import intern_all, tokenize

_TAIL_MIN = 20_000      # rebuild the sorted postings once the tail exceeds this many postings ...
_TAIL_SHARE = 0.2       # ... and this share of the sorted part


class SearchableIndex:
    def __init__(self, tokenization: str | None) -> None:
        self.tokenization = tokenization or "word"
        self.vocab: dict[str, int] = {}
        self._terms = GrowableArray(np.int32)
        self._slots = GrowableArray(np.int64)
        self._freqs = GrowableArray(np.float32)
        self.lengths = GrowableArray(np.float32)     # tokens in the property, per slot
        self.present = GrowableArray(bool)           # slot has a value for the property
        self._sorted_upto = 0
        self._indptr = np.zeros(1, np.int64)
        self._main_slots = np.empty(0, np.int64)
        self._main_freqs = np.empty(0, np.float32)

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
        self._sorted_upto = 0
        self._indptr = np.zeros(1, np.int64)

    # ---- reads --------------------------------------------------------------------------------------------
    def _refresh(self) -> None:
        total = len(self._terms)
        tail = total - self._sorted_upto
        if tail <= max(_TAIL_MIN, _TAIL_SHARE * self._sorted_upto):
            return
        terms = self._terms.view()
        order = np.argsort(terms, kind="stable")       # stable: slots stay ascending within a term
        self._main_slots = self._slots.view()[order]
        self._main_freqs = self._freqs.view()[order]
        counts = np.bincount(terms, minlength=len(self.vocab))
        self._indptr = np.concatenate([[0], np.cumsum(counts)])
        self._sorted_upto = total

    def postings(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """(slots, term frequencies) of `token`; dead slots included (callers mask them)."""
        tid = self.vocab.get(token)
        if tid is None:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        self._refresh()
        if tid + 1 < len(self._indptr):
            lo, hi = self._indptr[tid], self._indptr[tid + 1]
            slots, freqs = self._main_slots[lo:hi], self._main_freqs[lo:hi]
        else:
            slots, freqs = np.empty(0, np.int64), np.empty(0, np.float32)
        tail = self._terms.view()[self._sorted_upto:] == tid
        if tail.any():
            start = self._sorted_upto
            slots = np.concatenate([slots, self._slots.view()[start:][tail]])
            freqs = np.concatenate([freqs, self._freqs.view()[start:][tail]])
        return slots, freqs

    def mean_length(self, alive: np.ndarray) -> float:
        """Mean token count over live slots that have the property (Weaviate's property length tracker)."""
        n = len(self.present)
        has = self.present.view() & alive[:n]
        count = int(has.sum())
        return float(self.lengths.view()[has].sum() / count) if count else 0.0
