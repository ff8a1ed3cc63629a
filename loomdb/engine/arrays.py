"""Append-only numpy arrays with amortised O(1) growth: the in-memory columns of a shard are built from these."""
from __future__ import annotations

import numpy as np


class GrowableArray:
    """A numpy array that grows by doubling. `view()` is the filled prefix (no copy)."""

    __slots__ = ("_data", "_size")

    def __init__(self, dtype: np.dtype | type, width: int | None = None, capacity: int = 1024) -> None:
        shape = (capacity,) if width is None else (capacity, width)
        self._data = np.empty(shape, dtype=dtype)     # never read past _size: no zeroed (resident) capacity
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def _reserve(self, extra: int) -> None:
        need = self._size + extra
        if need <= len(self._data):
            return
        cap = max(need, 2 * len(self._data))
        grown = np.empty((cap,) + self._data.shape[1:], dtype=self._data.dtype)
        grown[: self._size] = self._data[: self._size]
        self._data = grown

    def append(self, value) -> None:
        self._reserve(1)
        self._data[self._size] = value
        self._size += 1

    def extend(self, values) -> None:
        values = np.asarray(values, dtype=self._data.dtype)
        self._reserve(len(values))
        self._data[self._size: self._size + len(values)] = values
        self._size += len(values)

    def keep(self, mask: np.ndarray) -> None:
        """Drop the entries where `mask` (over the filled prefix) is False, keeping order."""
        kept = self.view()[mask[: self._size]]
        self._data = np.empty((max(len(kept), 1024),) + self._data.shape[1:], dtype=self._data.dtype)
        self._data[: len(kept)] = kept
        self._size = len(kept)

    def view(self) -> np.ndarray:
        return self._data[: self._size]

    def __setitem__(self, index, value) -> None:
        self.view()[index] = value

    def __getitem__(self, index):
        return self.view()[index]


def compact_pairs(items: GrowableArray, owners: GrowableArray, keep: np.ndarray, remap: np.ndarray
                  ) -> GrowableArray:
    """Compaction of parallel (item, owner slot) arrays: drops the pairs of dead slots from `items` in place and
    returns the new owners array (`keep` masks live slots, `remap` maps old slot -> new slot)."""
    current = owners.view()
    live = keep[current]
    new_owners = remap[current[live]]
    items.keep(live)
    compacted = GrowableArray(np.int64, capacity=max(len(new_owners), 1024))
    compacted.extend(new_owners)
    return compacted
