"""Whole stored values of one property, for aggregations: what a filter column does not hold.

Weaviate's text aggregations (count, topOccurrences) and group-by count whole values, each array element its
own value, while a text filter column holds tokens (even `field` tokenization trims the value) and date/uuid
group-by reports the stored strings. A ValueColumn interns the values as stored (text, uuid and date strings,
numbers and booleans of properties without a filter column) and keeps one (value id, owner slot) pair per value,
so an aggregation is integer work on numpy arrays plus a look at the few distinct values it reports.

Built from the store on a property's first aggregation that needs it, then maintained by the write path (the
shard's `value_columns`): lazy because it holds every distinct value, and most text properties (long chunks)
are never aggregated.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..arrays import GrowableArray, compact_pairs
from .tokenizer import intern_all


class ValueColumn:
    """`ids[i]` is the id of a value of slot `owners[i]`; `values[id]` the value itself (first-seen order)."""

    def __init__(self) -> None:
        self._ids_of: dict[Any, int] = {}
        self.values: list[Any] = []
        self.ids = GrowableArray(np.int64)
        self.owners = GrowableArray(np.int64)
        self._converted: dict[str, np.ndarray] = {}

    def add(self, first_slot: int, values: list[Any]) -> None:
        """Values of slots first_slot, first_slot+1, ... (None = no value, a list = one value per element)."""
        flat: list[Any] = []
        counts: list[int] = []
        for value in values:
            items = value if isinstance(value, list) else ([] if value is None else [value])
            flat.extend(items)
            counts.append(len(items))
        if not flat:
            return
        self.ids.extend(intern_all(self._ids_of, flat, self.values))
        self.owners.extend(np.repeat(np.arange(first_slot, first_slot + len(values), dtype=np.int64), counts))

    def compact(self, keep: np.ndarray, remap: np.ndarray) -> None:
        """Forget dead slots (`keep` masks live ones; `remap` old slot -> new slot); value ids stay."""
        self.owners = compact_pairs(self.ids, self.owners, keep, remap)

    def converted(self, key: str, convert: Callable[[list[Any]], np.ndarray]) -> np.ndarray:
        """`convert(values)` as an array indexed by value id, cached under `key` and extended with new values
        only (reads run concurrently: the extended array replaces the cached one in one assignment)."""
        done = self._converted.get(key)
        if done is None or len(done) < len(self.values):
            head = done if done is not None else np.empty(0)
            tail = convert(self.values[len(head):])
            done = np.concatenate([head, tail]) if len(head) else tail
            self._converted[key] = done
        return done
