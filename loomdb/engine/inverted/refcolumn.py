"""The filter column of a reference property: which objects each slot points to, as flat numpy arrays.

One entry per stored beacon: (owner slot, target uuid as 16 sortable bytes, target collection id), plus the
number of beacons per slot. `by_ref` filters become one `np.isin` of the target array against the uuids the inner
filter allowed in the target collection; `by_ref_count` compares the per-slot counts. Never object by object.
"""
from __future__ import annotations

import uuid as uuid_mod
from typing import Any

import numpy as np

from ...entities.beacons import split_canonical
from ..arrays import GrowableArray


class RefColumn:
    """Append-only, like every other filter column; dead slots are dropped by `compact`."""

    def __init__(self) -> None:
        self.owners = GrowableArray(np.int64)
        self.targets = GrowableArray("S16")
        self.classes = GrowableArray(np.int32)
        self.counts = GrowableArray(np.int32)       # beacons per slot (dangling ones included, as stored)
        self._class_ids: dict[str, int] = {}

    def class_id(self, name: str) -> int | None:
        return self._class_ids.get(name.lower())

    def add(self, first_slot: int, values: list[Any]) -> None:
        """Reference lists of slots first_slot, first_slot+1, ... (None = no references)."""
        gap = first_slot - len(self.counts)
        if gap > 0:
            self.counts.extend(np.zeros(gap, np.int32))
        owners: list[int] = []
        targets: list[bytes] = []
        classes: list[int] = []
        counts: list[int] = []
        for offset, value in enumerate(values):
            refs = value if isinstance(value, list) else []
            counts.append(len(refs))
            for ref in refs:
                cls, uid = split_canonical(ref.get("beacon", "") if isinstance(ref, dict) else "")
                if uid is None:
                    continue
                owners.append(first_slot + offset)
                targets.append(uuid_mod.UUID(uid).bytes)
                classes.append(self._class_ids.setdefault((cls or "").lower(), len(self._class_ids)))
        self.counts.extend(counts)
        if owners:
            self.owners.extend(owners)
            self.targets.extend(targets)
            self.classes.extend(classes)

    def compact(self, keep: np.ndarray, remap: np.ndarray) -> None:
        self.counts.keep(keep)
        owners = self.owners.view()
        live = keep[owners]
        new_owners = remap[owners[live]]
        self.targets.keep(live)
        self.classes.keep(live)
        self.owners = GrowableArray(np.int64, capacity=max(len(new_owners), 1024))
        self.owners.extend(new_owners)

    def count_per_slot(self, n: int) -> np.ndarray:
        counts = self.counts.view()
        if len(counts) >= n:
            return counts[:n]
        return np.concatenate([counts, np.zeros(n - len(counts), np.int32)])

    def pointing_to(self, keys: np.ndarray, class_ids: list[int] | None, n: int) -> np.ndarray:
        """Mask of slots (< n) with at least one beacon whose target uuid is in `keys` (S16) and, when
        `class_ids` is given, whose target collection is one of them."""
        out = np.zeros(n, bool)
        if not len(keys) or not len(self.owners):
            return out
        hit = np.isin(self.targets.view(), keys)
        if class_ids is not None:
            hit &= np.isin(self.classes.view(), np.asarray(class_ids, np.int32))
        owners = self.owners.view()[hit]
        out[owners[owners < n]] = True
        return out
