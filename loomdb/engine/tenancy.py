"""The shards a collection holds and which one a request goes to: its one shard, N hash shards, or one shard per
tenant.

`SingleShard`, `HashShards` and `TenantShards` answer the same routing questions (`searched`: the shards a read
covers; `owner` / `partition`: which shard owns an object id; the open shards, per-shard figures and READY/READONLY
statuses, closing). `TenantShards` is also the tenant registry in memory (a mapping
name -> TenantEntry, persisted in tenants.sqlite) and the state machine HOT / COLD / FROZEN: closing a tenant's
shard, moving its folder to and from the offload directory, opening it lazily on first use.
"""
from __future__ import annotations

import os
import shutil
import threading
import uuid as uuid_mod
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from ..entities.errors import InvalidInput
from ..entities.objects import parse_uuid, uuid_to_bytes
from ..entities.shard_stats import READY, ShardStats
from ..entities.tenants import FREEZING, FROZEN, HOT, UNFREEZING, validate_names
from .schema.model import MultiTenancySpec
from .shard import Shard
from .sharding import ShardingState
from .tenants import TenantRegistry, folder_name

TENANTS_DIR = "tenants"              # <collection>/tenants/<folder_name(tenant)>/objects.sqlite
TENANT_REGISTRY = "tenants.sqlite"   # <collection>/tenants.sqlite
TENANT_TOMBSTONES = ".deleted-tenants"

SHARDS_DIR = "shards"                # <collection>/shards/<shard name>/objects.sqlite (desiredCount > 1)
SHARDING_STATE = "sharding.json"     # <collection>/sharding.json: the virtual ring and shard names

OpenShard = Callable[[Path], Shard]      # opens a shard folder with the collection's current schema
Partition = list[tuple[Shard, list[int]]]    # (owning shard, positions of the ids it owns)


def _no_tenant_expected(class_name: str, tenant: str) -> None:
    if tenant:
        raise InvalidInput(f"class {class_name} has multi-tenancy disabled, but request was with tenant")


class SingleShard:
    """The one shard of a collection without multi-tenancy."""

    def __init__(self, shard: Shard, shard_name: str, class_name: str) -> None:
        self.shard = shard
        self.shard_name = shard_name
        shard.name = shard_name
        self._class_name = class_name

    def shard_for(self, tenant: str = "", create: bool = False) -> Shard:
        _no_tenant_expected(self._class_name, tenant)
        return self.shard

    def searched(self, tenant: str = "") -> list[Shard]:
        return [self.shard_for(tenant)]

    def owner(self, tenant: str, uuid: str, create: bool = False) -> Shard:
        return self.shard_for(tenant)

    def partition(self, tenant: str, uuids: list[str], create: bool = False) -> Partition:
        return [(self.shard_for(tenant), list(range(len(uuids))))]

    def open_shards(self) -> list[Shard]:
        return [self.shard]

    def stats(self, tenant: str | None = None) -> list[ShardStats]:
        return [self.shard.stats()]

    def statuses(self) -> list[tuple[str, str]]:
        return [(self.shard_name, self.shard.status)]

    def set_status(self, shard_name: str, status: str) -> bool:
        """Set READY / READONLY; False when there is no shard of that name."""
        if shard_name != self.shard_name:
            return False
        self.shard.set_status(status)
        return True

    def object_count(self) -> int:
        return self.shard.object_count()

    def close(self) -> None:
        self.shard.close()


class HashShards:
    """desiredCount > 1: N shards of one collection, objects routed by Weaviate's murmur3 ring (sharding.py).
    Shards are kept in name order; a read covers all of them."""

    def __init__(self, path: Path, class_name: str, desired: int, virtual_per_physical: int, open_shard: OpenShard,
                 save_json: Callable[[Path, dict], None]) -> None:
        self._class_name = class_name
        self.state = ShardingState.load_or_create(path / SHARDING_STATE, desired, virtual_per_physical, save_json)
        self.names = self.state.physical
        self.shards = [open_shard(path / SHARDS_DIR / name) for name in self.names]

    def searched(self, tenant: str = "") -> list[Shard]:
        _no_tenant_expected(self._class_name, tenant)
        return list(self.shards)

    def owner(self, tenant: str, uuid: str, create: bool = False) -> Shard:
        _no_tenant_expected(self._class_name, tenant)
        return self.shards[int(self.state.owners([uuid_to_bytes(parse_uuid(uuid))])[0])]

    def partition(self, tenant: str, uuids: list[str], create: bool = False) -> Partition:
        """Positions of `uuids` (valid uuids) by owning shard."""
        _no_tenant_expected(self._class_name, tenant)
        owners = self.state.owners([uuid_to_bytes(u) for u in uuids]).tolist()
        members: dict[int, list[int]] = {}
        for position, owner in enumerate(owners):
            members.setdefault(owner, []).append(position)
        return [(self.shards[owner], positions) for owner, positions in sorted(members.items())]

    def open_shards(self) -> list[Shard]:
        return list(self.shards)

    def stats(self, tenant: str | None = None) -> list[ShardStats]:
        return [shard.stats() for shard in self.shards]

    def statuses(self) -> list[tuple[str, str]]:
        return [(name, shard.status) for name, shard in zip(self.names, self.shards)]

    def set_status(self, shard_name: str, status: str) -> bool:
        """Set READY / READONLY on one shard; False when there is no shard of that name."""
        if shard_name not in self.names:
            return False
        self.shards[self.names.index(shard_name)].set_status(status)
        return True

    def object_count(self) -> int:
        return sum(shard.object_count() for shard in self.shards)

    def close(self) -> None:
        for shard in self.shards:
            shard.close()


class TenantEntry:
    """One tenant in memory: its state, its shard while open, its object count when the shard last closed."""

    __slots__ = ("status", "shard", "objects")

    def __init__(self, status: str, objects: int = 0) -> None:
        self.status = status
        self.shard: Shard | None = None
        self.objects = objects


class TenantShards(Mapping[str, TenantEntry]):
    """One shard per tenant, opened lazily on first use and closed when the tenant is deactivated. Server start
    reads the registry only: no shard is opened and no tenant folder touched."""

    def __init__(self, path: Path, offload_root: Path, class_name: str, options: MultiTenancySpec,
                 open_shard: OpenShard, collection_lock: threading.RLock) -> None:
        self._path = path
        self._offload_root = offload_root       # <data>/offload/<collection folder>
        self._class_name = class_name
        self.options = options                  # the collection replaces it when its class document changes
        self._open_shard = open_shard
        self._collection_lock = collection_lock     # held by read-modify-write object operations
        self._lock = threading.RLock()              # the tenants dict and state changes (taken after the above)
        self._tenants: dict[str, TenantEntry] = {}
        shutil.rmtree(path / TENANT_TOMBSTONES, ignore_errors=True)
        self._registry = TenantRegistry(path / TENANT_REGISTRY)
        for name, status, objects in self._registry.load():
            # a crash mid-move leaves a transitional state: the move is redone on the next activation
            self._tenants[name] = TenantEntry(FROZEN if status in (FREEZING, UNFREEZING) else status, objects)

    # ---- the registry as a mapping ---------------------------------------------------------------------------
    def __getitem__(self, name: str) -> TenantEntry:
        return self._tenants[name]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._tenants))

    def __len__(self) -> int:
        return len(self._tenants)

    def _local_path(self, tenant: str) -> Path:
        return self._path / TENANTS_DIR / folder_name(tenant)

    def _offload_path(self, tenant: str) -> Path:
        return self._offload_root / folder_name(tenant)

    # ---- routing -----------------------------------------------------------------------------------------
    def shard_for(self, tenant: str = "", create: bool = False) -> Shard:
        """The tenant's shard, opened on first use. `create`: a write that may create a missing tenant
        (autoTenantCreation: batch and single inserts, as Weaviate >= 1.25.2). An inactive tenant is activated
        when autoTenantActivation is on, refused otherwise."""
        if not tenant:
            raise InvalidInput(f"class {self._class_name} has multi-tenancy enabled, but request was without tenant")
        found = self._tenants.get(tenant)
        if found is not None and found.shard is not None and found.status == HOT:
            return found.shard          # the common case, without the lock
        with self._lock:
            found = self._tenants.get(tenant)
            if found is None:
                if not (create and self.options.auto_tenant_creation):
                    raise InvalidInput(f'tenant not found: "{tenant}"')
                validate_names([tenant])
                self.add({tenant: HOT})
                found = self._tenants[tenant]
            if found.status != HOT:
                if not self.options.auto_tenant_activation:
                    raise InvalidInput(f"tenant not active: '{tenant}'")
                self._registry.upsert([self._set_status(tenant, found, HOT)])
            if found.shard is None:
                local = self._local_path(tenant)
                if not local.exists() and self._offload_path(tenant).exists():
                    _move(self._offload_path(tenant), local)   # crashed after offloading, before the registry
                found.shard = self._open_shard(local)
                found.shard.name = tenant       # a tenant's shard is named after it
            return found.shard

    def searched(self, tenant: str = "") -> list[Shard]:
        return [self.shard_for(tenant)]

    def owner(self, tenant: str, uuid: str, create: bool = False) -> Shard:
        return self.shard_for(tenant, create)

    def partition(self, tenant: str, uuids: list[str], create: bool = False) -> Partition:
        return [(self.shard_for(tenant, create), list(range(len(uuids))))]

    def open_shards(self) -> list[Shard]:
        """The shards in memory now (inactive tenants have none)."""
        return [t.shard for t in list(self._tenants.values()) if t.shard is not None]

    def stats(self, tenant: str | None = None) -> list[ShardStats]:
        """One per ACTIVE tenant (Weaviate lists only HOT tenants' shards); a tenant whose shard is not open
        reports its count from when it closed, as not loaded."""
        items = list(self._tenants.items())
        if tenant:
            items = [(n, t) for n, t in items if n == tenant]
        return [t.shard.stats() if t.shard is not None else ShardStats(n, READY, t.objects, False, loaded=False)
                for n, t in items if t.status == HOT]

    def statuses(self) -> list[tuple[str, str]]:
        """(tenant, READY|READONLY) of the HOT tenants (a tenant not opened yet is READY)."""
        return [(name, t.shard.status if t.shard is not None else READY)
                for name, t in list(self._tenants.items()) if t.status == HOT]

    def set_status(self, shard_name: str, status: str) -> bool:
        """Set READY / READONLY on an open tenant shard; False when there is none of that name."""
        tenant = self._tenants.get(shard_name)
        if tenant is None or tenant.shard is None:
            return False
        tenant.shard.set_status(status)
        return True

    def object_count(self) -> int:
        return sum(shard.object_count for shard in self.stats())

    # ---- tenant lifecycle ---------------------------------------------------------------------------------
    def states(self, names: list[str] | None = None) -> list[tuple[str, str]]:
        """(name, state) of every tenant, or of those of `names` that exist."""
        items = list(self._tenants.items())
        if names is not None:
            wanted = set(names)
            items = [(n, t) for n, t in items if n in wanted]
        return [(n, t.status) for n, t in items]

    def state(self, name: str) -> str | None:
        found = self._tenants.get(name)
        return None if found is None else found.status

    def add(self, wanted: dict[str, str]) -> None:
        """Create the tenants of `wanted` (name -> state) that do not exist; existing ones are left as they are.
        Names must be valid tenant names (they become folder names)."""
        with self._lock:
            new = [(n, s) for n, s in wanted.items() if n not in self._tenants]
            for name, _ in new:         # leftovers of a tenant deleted before a crash must not resurface
                for stale in (self._local_path(name), self._offload_path(name)):
                    if stale.exists():
                        shutil.rmtree(stale, ignore_errors=True)
            self._registry.upsert([(n, s, 0) for n, s in new])
            for name, status in new:
                self._tenants[name] = TenantEntry(status)

    def set_states(self, wanted: dict[str, str]) -> list[str]:
        """Move tenants to states (HOT / COLD / FROZEN) in one registry transaction; returns the names of
        `wanted` that do not exist (the others are changed all the same)."""
        missing: list[str] = []
        with self._collection_lock, self._lock:
            changed = []
            try:
                for name, status in wanted.items():
                    found = self._tenants.get(name)
                    if found is None:
                        missing.append(name)
                    elif found.status != status:
                        changed.append(self._set_status(name, found, status))
            finally:
                self._registry.upsert(changed)    # what did change, even when a move failed midway
        return missing

    def _set_status(self, name: str, tenant: TenantEntry, status: str) -> tuple[str, str, int]:
        """Move a tenant to a state: close its shard (COLD, FROZEN), move its folder to / from the offload
        directory (one rename each way: same file system, atomic). Returns the registry row the caller persists."""
        if tenant.shard is not None and status != HOT:
            tenant.objects = tenant.shard.object_count()
            tenant.shard.close()
            tenant.shard = None
        local, offloaded = self._local_path(name), self._offload_path(name)
        if status == FROZEN:
            tenant.status = FREEZING
            _move(local, offloaded)
        elif tenant.status == FROZEN:
            tenant.status = UNFREEZING
            _move(offloaded, local)
        tenant.status = status
        return name, status, tenant.objects

    def delete(self, names: list[str]) -> None:
        """Drop tenants and their data; unknown names are ignored."""
        with self._collection_lock, self._lock:
            gone = [n for n in dict.fromkeys(names) if n in self._tenants]
            self._registry.delete(gone)
            for name in gone:
                tenant = self._tenants.pop(name)
                if tenant.shard is not None:
                    tenant.shard.close()
                for folder in (self._local_path(name), self._offload_path(name)):
                    if folder.exists():     # out of the way first, so a re-created tenant starts empty
                        tomb = self._path / TENANT_TOMBSTONES / uuid_mod.uuid4().hex
                        tomb.parent.mkdir(exist_ok=True)
                        os.replace(folder, tomb)
                        shutil.rmtree(tomb, ignore_errors=True)

    def close(self) -> None:
        """Close every open shard; tenants' object counts are kept for /v1/nodes while their shards are closed."""
        with self._lock:
            counts = []
            for name, tenant in self._tenants.items():
                if tenant.shard is not None:
                    tenant.objects = tenant.shard.object_count()
                    tenant.shard.close()
                    tenant.shard = None
                    counts.append((name, tenant.status, tenant.objects))
            self._registry.upsert(counts)
            self._registry.close()


def _move(src: Path, dst: Path) -> None:
    if not src.exists():
        return      # a tenant never written to has no folder (or the move already happened before a crash)
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.exists():
        shutil.rmtree(dst)
    os.replace(src, dst)
