"""Which physical shard owns an object: Weaviate's hash sharding (usecases/sharding/state.go).

A collection with `desiredCount` N has N physical shards and N x virtualPerPhysical virtual shards. Every virtual
shard has a random 12-character name and a token `upper` = murmur3 (64-bit, the first half of MurmurHash3 x64 128,
seed 0) of that name; virtual shards sorted by `upper` split the 64-bit ring. An object's token is murmur3 of its
uuid's 16 bytes; it belongs to the first virtual shard whose `upper` is >= the token (past the last one: the
first), and through it to the physical shard that virtual shard was dealt to (a shuffle, dealt round-robin).
The names and the deal are random, so the state is created once and persisted (sharding.json); restarts reuse it.
Given the same state, an object lands where Weaviate would put it.
"""
from __future__ import annotations

import json
import random
import secrets
import string
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import mmh3
import numpy as np

SHARD_NAME_LENGTH = 12
_NAME_CHARS = string.ascii_lowercase + string.ascii_uppercase + string.digits

T = TypeVar("T")
R = TypeVar("R")


def murmur3_token(data: bytes) -> int:
    """Go's spaolacci/murmur3 New64().Sum64(): the first 64 bits of MurmurHash3 x64 128 with seed 0."""
    return mmh3.hash64(data, seed=0, x64arch=True, signed=False)[0]


def random_shard_name() -> str:
    return "".join(secrets.choice(_NAME_CHARS) for _ in range(SHARD_NAME_LENGTH))


@dataclass(frozen=True)
class ShardingState:
    """Physical shard names (sorted) and the virtual ring: `uppers` ascending, `owner[i]` = index into `physical`
    of the shard virtual shard i was dealt to."""

    physical: tuple[str, ...]
    virtual_names: tuple[str, ...]
    uppers: np.ndarray          # uint64, ascending
    owner: np.ndarray           # int64 per virtual shard

    @classmethod
    def create(cls, desired: int, virtual_per_physical: int) -> ShardingState:
        """A fresh random state, as Weaviate's InitState: random names, a shuffled round-robin deal."""
        physical: list[str] = []
        while len(physical) < desired:
            name = random_shard_name()
            if name not in physical:
                physical.append(name)
        names = [random_shard_name() for _ in range(desired * max(virtual_per_physical, 1))]
        ring = sorted((murmur3_token(n.encode()), n) for n in names)
        dealt = list(range(len(ring)))
        random.shuffle(dealt)
        owner = np.empty(len(ring), np.int64)
        for turn, virtual in enumerate(dealt):
            owner[virtual] = turn % desired
        order = sorted(range(desired), key=physical.__getitem__)       # physical shards kept sorted by name
        rank = np.empty(desired, np.int64)
        rank[order] = np.arange(desired)
        return cls(tuple(sorted(physical)), tuple(n for _, n in ring),
                   np.array([u for u, _ in ring], np.uint64), rank[owner])

    def owners(self, uuid_keys: Sequence[bytes]) -> np.ndarray:
        """Index into `physical` of the shard owning each uuid (16 raw bytes each)."""
        tokens = np.fromiter((murmur3_token(k) for k in uuid_keys), np.uint64, len(uuid_keys))
        ring = np.searchsorted(self.uppers, tokens, side="left")
        ring[ring == len(self.uppers)] = 0
        return self.owner[ring]

    # ---- persistence (Weaviate's state JSON shape, as far as one node needs it) ---------------------------------
    def to_json(self) -> dict:
        owns: dict[str, list[str]] = {name: [] for name in self.physical}
        virtual = []
        for name, upper, owner in zip(self.virtual_names, self.uppers.tolist(), self.owner.tolist()):
            virtual.append({"name": name, "upper": upper, "assignedToPhysical": self.physical[owner]})
            owns[self.physical[owner]].append(name)
        return {"physical": {name: {"name": name, "ownsVirtual": owned} for name, owned in owns.items()},
                "virtual": virtual}

    @classmethod
    def from_json(cls, doc: dict) -> ShardingState:
        physical = tuple(sorted(doc["physical"]))
        index = {name: i for i, name in enumerate(physical)}
        virtual = doc["virtual"]
        return cls(physical, tuple(v["name"] for v in virtual), np.array([v["upper"] for v in virtual], np.uint64),
                   np.array([index[v["assignedToPhysical"]] for v in virtual], np.int64))

    @classmethod
    def load_or_create(cls, path: Path, desired: int, virtual_per_physical: int,
                       save: Callable[[Path, dict], None]) -> ShardingState:
        """The persisted state, or a new one saved (with `save`, atomically) before any shard is opened."""
        if path.exists():
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        state = cls.create(desired, virtual_per_physical)
        save(path, state.to_json())
        return state


# ---- searching shards side by side ------------------------------------------------------------------------------
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="loomdb-shard")


def fan_out(work: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """`work` over each item, in parallel threads when there are several (faiss, numpy and SQLite release the
    GIL): the first item on the calling thread, the others in the pool. Results in item order; the first
    exception is re-raised once every item has finished (no work is left running on a shard the caller
    considers done)."""
    todo = list(items)
    if len(todo) <= 1:
        return [work(item) for item in todo]
    others = [_POOL.submit(work, item) for item in todo[1:]]
    try:
        first = work(todo[0])
    finally:
        wait(others)
    return [first] + [future.result() for future in others]
