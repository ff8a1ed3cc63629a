"""The disk/memory guard over a real database with a usage probe the test sets: READONLY with Weaviate's reason
past a threshold, READY again under it, hand-set statuses left alone."""
from __future__ import annotations

import logging
import uuid

import pytest

from loomdb.engine.database import Database
from loomdb.entities.objects import IncomingObject
from loomdb.entities.resource_limits import ResourceLimits
from loomdb.usecases.resource_guard import ResourceGuard
from loomdb.usecases.schema import SchemaService


class Usage:
    def __init__(self) -> None:
        self.disk: float | None = 40.0
        self.memory: float | None = 10.0

    def disk_percent(self) -> float | None:
        return self.disk

    def memory_percent(self) -> float | None:
        return self.memory


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path)
    text = [{"name": "a", "dataType": ["text"]}]
    database.create_collection({"class": "Docs", "properties": text})
    database.create_collection({"class": "Split", "properties": text, "shardingConfig": {"desiredCount": 2}})
    yield database
    database.close()


def _write(db: Database, name: str = "Docs") -> list[str | None]:
    return db.collection(name).put_many([IncomingObject(str(uuid.uuid4()), {"a": "b"})])


def test_disk_past_readonly_turns_every_shard_readonly_with_weaviates_reason(db, caplog):
    usage = Usage()
    guard = ResourceGuard(ResourceLimits(disk_readonly=90), usage, db.open_shards)
    guard.check()
    assert _write(db) == [None]
    usage.disk = 93.5
    with caplog.at_level(logging.WARNING, "loomdb.resources"):
        guard.check()
    assert "Set READONLY, disk usage currently at 93.50%, threshold set to 90.00%" in caplog.text
    assert {status for _, status in db.collection("Split").shards.statuses()} == {"READONLY"}
    assert _write(db) == ["store is read-only due to: resource pressure"]
    assert db.collection("Docs").shards.object_count() == 1      # reads go on
    usage.disk = 50.0
    guard.check()                                  # under the threshold again: back to READY
    assert _write(db, "Split") == [None] and not guard.read_only


def test_memory_threshold_and_hand_set_statuses(db):
    usage = Usage()
    schema = SchemaService(db)
    guard = ResourceGuard(ResourceLimits(memory_readonly=80), usage, db.open_shards)
    shard_name = schema.shards(None, "Docs")[0][0]
    schema.update_shard(None, "Docs", shard_name, "READONLY")          # by hand, before the pressure
    usage.memory = 85.0
    guard.check()
    assert _write(db) == ["store is read-only"]                   # keeps its own (hand-set) reason
    usage.memory = 20.0
    guard.check()
    assert schema.shards(None, "Docs") == [(shard_name, "READONLY")]   # the guard gives back only what it took
    assert schema.update_shard(None, "Docs", shard_name, "READY") == "READY"
    assert _write(db) == [None]


def test_update_shards_ready_brings_a_guarded_shard_back(db):
    usage = Usage()
    schema = SchemaService(db)
    guard = ResourceGuard(ResourceLimits(disk_readonly=90), usage, db.open_shards)
    usage.disk = 95.0
    guard.check()
    assert _write(db) == ["store is read-only due to: resource pressure"]
    usage.disk = 60.0            # the operator freed space; they need not wait for the next check
    assert schema.update_shard(None, "Docs", schema.shards(None, "Docs")[0][0], "READY") == "READY"
    assert _write(db) == [None]


def test_zero_turns_the_guard_off_and_unknown_usage_is_ignored(db):
    usage = Usage()
    usage.disk, usage.memory = 99.0, None
    guard = ResourceGuard(ResourceLimits(0, 0, 0, 0), usage, db.open_shards)
    assert not guard.enabled
    guard.check()
    assert _write(db) == [None]
