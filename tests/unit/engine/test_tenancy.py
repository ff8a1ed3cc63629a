"""The tenant-shards object: registry in memory, HOT / COLD / FROZEN with folder moves, routing, counts."""
from __future__ import annotations

import threading

import pytest

from loomdb.engine.schema.model import MultiTenancySpec
from loomdb.engine.shard import Shard
from loomdb.engine.tenancy import SingleShard, TenantShards
from loomdb.entities.errors import InvalidInput
from loomdb.entities.objects import ObjectWrite
from loomdb.entities.tenants import COLD, FROZEN, HOT

UID = "00000000-0000-0000-0000-000000000001"


def _tenancy(tmp_path, **options) -> TenantShards:
    root = tmp_path / "collections" / "c"
    root.mkdir(parents=True, exist_ok=True)
    return TenantShards(root, tmp_path / "offload" / "c", "C", MultiTenancySpec(True, **options),
                        lambda path: Shard(path, {}, {}), threading.RLock())


def test_states_move_folders_and_survive_reopen(tmp_path):
    tenants = _tenancy(tmp_path)
    tenants.add({"Alice": HOT, "bob": COLD})
    tenants.add({"Alice": COLD})                          # an existing tenant is left as it is
    assert tenants.states() == [("Alice", HOT), ("bob", COLD)]
    shard = tenants.shard_for("Alice")
    assert shard.put([ObjectWrite(UID, {})], 1) == [None]
    assert [(s.name, s.object_count, s.compressed) for s in tenants.stats()] == [("Alice", 1, False)]  # HOT only

    assert tenants.set_states({"Alice": FROZEN, "ghost": HOT}) == ["ghost"]
    assert tenants["Alice"].shard is None and tenants.state("Alice") == FROZEN
    assert (tmp_path / "offload" / "c" / "alice@1" / "objects.sqlite").exists()
    assert not (tmp_path / "collections" / "c" / "tenants" / "alice@1").exists()
    tenants.close()

    reopened = _tenancy(tmp_path)
    assert dict(reopened.states()) == {"Alice": FROZEN, "bob": COLD} and len(reopened) == 2
    reopened.set_states({"Alice": HOT})
    assert reopened.shard_for("Alice").object_count() == 1     # moved back and opened on first use
    reopened.delete(["Alice", "nobody"])
    assert "Alice" not in reopened and reopened.open_shards() == []
    reopened.close()


def test_routing_refusals_and_auto_tenants(tmp_path):
    tenants = _tenancy(tmp_path)
    with pytest.raises(InvalidInput, match="multi-tenancy enabled, but request was without tenant"):
        tenants.shard_for("")
    with pytest.raises(InvalidInput, match='tenant not found: "t1"'):
        tenants.shard_for("t1", create=True)
    tenants.add({"t1": COLD})
    with pytest.raises(InvalidInput, match="tenant not active: 't1'"):
        tenants.shard_for("t1")
    tenants.options = MultiTenancySpec(True, auto_tenant_creation=True, auto_tenant_activation=True)
    assert tenants.shard_for("t1") is tenants["t1"].shard and tenants.state("t1") == HOT
    tenants.shard_for("t2", create=True)                        # created by a write
    with pytest.raises(InvalidInput, match="tenant name at index 0"):
        tenants.shard_for("not ok", create=True)                # a name must be storable, as on create
    assert tenants.set_status("t2", "READONLY") and not tenants.set_status("ghost", "READONLY")
    assert dict(tenants.statuses()) == {"t1": "READY", "t2": "READONLY"}
    tenants.close()


def test_single_shard_refuses_tenants(tmp_path):
    single = SingleShard(Shard(tmp_path / "shard", {}, {}), "abc", "C")
    with pytest.raises(InvalidInput, match="class C has multi-tenancy disabled, but request was with tenant"):
        single.shard_for("t1")
    assert [(s.name, s.object_count, s.compressed) for s in single.stats()] == [("abc", 0, False)]
    assert single.statuses() == [("abc", "READY")]
    assert not single.set_status("other", "READONLY")
    single.close()
