"""uuid -> slot lookup for a shard in ~24 bytes per object.

A Python dict of 16-byte keys costs ~130 bytes per object (132 MiB at 1M objects, more than the HNSW graph's
links), so live keys are kept in a sorted numpy run (S16 keys, int64 slots) searched with `searchsorted`, plus a
small dict of keys added since the last merge. A removal inside the run leaves a tombstone (slot -1); merges and
slot renumbering drop them. numpy compares S16 values over their full 16 bytes, so uuids ending in zero bytes
are safe as long as keys enter through `np.frombuffer` (never through Python bytes -> S16 scalar conversion).

Writers are serialised by the shard; lookups may run concurrently without a lock, so the run is replaced as one
(keys, slots) tuple and a merge publishes the new run before it empties the recent dict (a reader that checks the
dict first and the run second always finds a live key)."""
from __future__ import annotations

import numpy as np

_MERGE_MIN = 8192          # merge the recent dict into the run once it holds this many keys ...
_MERGE_SHARE = 32          # ... and at least 1/_MERGE_SHARE of the run (the dict costs ~150 B per key)


def _as_keys(keys: list[bytes]) -> np.ndarray:
    return np.frombuffer(b"".join(keys), dtype="S16") if keys else np.empty(0, "S16")


class UuidIndex:
    def __init__(self) -> None:
        # sorted keys and their slots (-1 = removed: a tombstone until the next merge)
        self._run: tuple[np.ndarray, np.ndarray] = (np.empty(0, "S16"), np.empty(0, np.int64))
        self._recent: dict[bytes, int] = {}
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def get(self, key: bytes) -> int | None:
        slot = self._recent.get(key)
        if slot is not None:
            return slot
        keys, slots = self._run
        pos = self._find(keys, slots, _as_keys([key]))[0]
        return None if pos < 0 else int(slots[pos])

    def get_many(self, keys: list[bytes]) -> list[int | None]:
        """Slots of many keys at once (one vectorised search of the run)."""
        recent = self._recent
        run_keys, run_slots = self._run
        pos = self._find(run_keys, run_slots, _as_keys(keys))
        run = run_slots[np.maximum(pos, 0)].tolist() if len(run_slots) else [0] * len(keys)
        return [recent.get(k, None if p < 0 else s) for k, p, s in zip(keys, pos.tolist(), run)]

    @staticmethod
    def _find(keys: np.ndarray, slots: np.ndarray, wanted: np.ndarray) -> np.ndarray:
        """Run position of each wanted key that is present and live, else -1."""
        if not len(keys):
            return np.full(len(wanted), -1, np.int64)
        pos = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        hit = (keys[pos] == wanted) & (slots[pos] >= 0)
        return np.where(hit, pos, -1)

    def add_many(self, keys: list[bytes], slots: range | list[int]) -> None:
        """Register new live keys (none of them may be live already: the shard removes an overwritten key
        first)."""
        self._recent.update(zip(keys, slots))
        self._count += len(keys)
        if len(self._recent) >= max(_MERGE_MIN, len(self._run[0]) // _MERGE_SHARE):
            self._merge()

    def remove(self, key: bytes) -> None:
        if self._recent.pop(key, None) is not None:
            self._count -= 1
            return
        keys, slots = self._run
        pos = self._find(keys, slots, _as_keys([key]))[0]
        if pos >= 0:
            slots[pos] = -1
            self._count -= 1

    def _merge(self) -> None:
        keys, slots = self._run
        live = slots >= 0
        keys, slots = keys[live], slots[live]
        if self._recent:
            new_keys = _as_keys(list(self._recent))
            new_slots = np.fromiter(self._recent.values(), np.int64, len(self._recent))
            order = np.argsort(new_keys, kind="stable")
            new_keys, new_slots = new_keys[order], new_slots[order]
            at = np.searchsorted(keys, new_keys)
            keys, slots = np.insert(keys, at, new_keys), np.insert(slots, at, new_slots)
        self._run = (keys, slots)
        self._recent = {}

    def renumber(self, remap: np.ndarray) -> None:
        """Shard compaction moved slots (`remap[old] = new`, -1 = dropped): follow, dropping tombstones."""
        keys, slots = self._run
        live = slots >= 0
        self._run = (keys[live], remap[slots[live]])
        self._recent = {k: int(remap[s]) for k, s in self._recent.items()}
