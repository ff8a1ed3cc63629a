"""client.backup.* against a loomdb with backup-filesystem (BACKUP_FILESYSTEM_PATH): create, status, list, restore,
cancel, Weaviate's errors; multi-tenant collections keep their tenants' states, aliases come back; a backup taken
while an import runs restores to a state that existed; a corrupted or partial backup is refused with nothing
restored; a restore into a fresh data directory answers the same queries with the same results."""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import orjson
import pytest
import weaviate
import xxhash
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.query import Filter, MetadataQuery
from weaviate.classes.tenants import Tenant, TenantActivityStatus
from weaviate.exceptions import BackupFailedError, UnexpectedStatusCodeError

import loomdb

pytestmark = pytest.mark.loomdb_only("starts loomdb servers of its own with a backup directory")
BACKEND = "filesystem"


class Node:
    """A loomdb with backup-filesystem on `backups`, and a client of it."""

    def __init__(self, data: Path, backups: Path) -> None:
        self.backups = backups
        self.server = loomdb.start_embedded(data, module_env={"BACKUP_FILESYSTEM_PATH": str(backups)})
        self.client = weaviate.connect_to_local(port=self.server.rest_port, grpc_port=self.server.grpc_port,
                                                skip_init_checks=True)
        self.rest = httpx.Client(base_url=f"http://127.0.0.1:{self.server.rest_port}", timeout=30)

    def close(self) -> None:
        self.rest.close()
        self.client.close()
        self.server.stop()


@pytest.fixture(scope="module")
def backups(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("backups")


@pytest.fixture(scope="module")
def node(tmp_path_factory, backups) -> Iterator[Node]:
    started = Node(tmp_path_factory.mktemp("data"), backups)
    yield started
    started.close()


def _articles(client: weaviate.WeaviateClient, name: str, count: int = 50):
    col = client.collections.create(name, vector_config=Configure.Vectors.self_provided(), properties=[
        Property(name="title", data_type=DataType.TEXT), Property(name="rank", data_type=DataType.INT)])
    rng = np.random.default_rng(7)
    col.data.insert_many([weaviate.classes.data.DataObject(
        properties={"title": f"article {i} about {'cats' if i % 3 else 'dogs'}", "rank": i},
        vector=rng.random(8, dtype=np.float32).tolist()) for i in range(count)])
    return col


def _answers(col) -> list:
    """What a few queries return: ids with distances / scores, in order."""
    near = col.query.near_vector([0.5] * 8, limit=7, return_metadata=MetadataQuery(distance=True))
    bm25 = col.query.bm25("dogs", limit=5, return_metadata=MetadataQuery(score=True))
    ranked = col.query.fetch_objects(filters=Filter.by_property("rank").greater_than(40), limit=20)
    return [[(str(o.uuid), round(o.metadata.distance, 6)) for o in near.objects],
            [(str(o.uuid), round(o.metadata.score, 6)) for o in bm25.objects],
            sorted(str(o.uuid) for o in ranked.objects)]


def test_backup_modules_are_listed_in_meta(node):
    assert node.client.get_meta()["modules"]["backup-filesystem"] == {"backupsPath": str(node.backups)}


def test_create_status_list_and_restore(node):
    c = node.client
    col = _articles(c, "BackupRound")
    before = _answers(col)
    created = c.backup.create("round-1", BACKEND, include_collections=["BackupRound"], wait_for_completion=True)
    assert created.status.value == "SUCCESS" and created.collections == ["BackupRound"]
    assert c.backup.get_create_status("round-1", BACKEND).status.value == "SUCCESS"
    listed = {b.backup_id: b for b in c.backup.list_backups(BACKEND)}
    assert listed["round-1"].collections == ["BackupRound"] and listed["round-1"].status.value == "SUCCESS"
    assert listed["round-1"].started_at is not None and listed["round-1"].completed_at is not None
    c.collections.delete("BackupRound")
    restored = c.backup.restore("round-1", BACKEND, wait_for_completion=True)
    assert restored.status.value == "SUCCESS"
    assert c.backup.get_restore_status("round-1", BACKEND).status.value == "SUCCESS"
    assert _answers(c.collections.get("BackupRound")) == before
    c.collections.delete("BackupRound")


def test_the_states_a_backup_passes_are_weaviates(node):
    c = node.client
    _articles(c, "BackupStates")
    reply = node.rest.post("/v1/backups/filesystem", json={"id": "states-1", "include": ["BackupStates"]})
    assert reply.status_code == 200
    body = reply.json()
    assert body["status"] == "STARTED" and body["classes"] == ["BackupStates"] and body["path"].endswith("states-1")
    seen = set()
    while (status := node.rest.get("/v1/backups/filesystem/states-1").json()["status"]) != "SUCCESS":
        seen.add(status)
    assert seen <= {"STARTED", "TRANSFERRING", "TRANSFERRED", "FINALIZING"}
    c.collections.delete("BackupStates")


def test_multi_tenant_collection_keeps_tenant_states_and_aliases_come_back(node):
    c = node.client
    col = c.collections.create("BackupTenants", vector_config=Configure.Vectors.self_provided(),
                               multi_tenancy_config=Configure.multi_tenancy(enabled=True))
    col.tenants.create([Tenant(name="hot"), Tenant(name="cold"), Tenant(name="Frozen")])
    counts = {"hot": 5, "cold": 3, "Frozen": 2}
    for tenant, count in counts.items():
        col.with_tenant(tenant).data.insert_many([{"name": f"{tenant}-{i}"} for i in range(count)])
    col.tenants.update([Tenant(name="cold", activity_status=TenantActivityStatus.INACTIVE),
                        Tenant(name="Frozen", activity_status=TenantActivityStatus.OFFLOADED)])
    c.alias.create(alias_name="BackupTenantsAlias", target_collection="BackupTenants")
    assert c.backup.create("tenants-1", BACKEND, include_collections="BackupTenants",
                           wait_for_completion=True).status.value == "SUCCESS"
    c.collections.delete("BackupTenants")
    assert c.alias.get(alias_name="BackupTenantsAlias") is None
    assert c.backup.restore("tenants-1", BACKEND, wait_for_completion=True).status.value == "SUCCESS"
    col = c.collections.get("BackupTenants")
    states = {name: t.activity_status for name, t in col.tenants.get().items()}
    assert states == {"hot": TenantActivityStatus.ACTIVE, "cold": TenantActivityStatus.INACTIVE,
                      "Frozen": TenantActivityStatus.OFFLOADED}
    assert len(col.with_tenant("hot")) == 5
    col.tenants.update([Tenant(name="cold", activity_status=TenantActivityStatus.ACTIVE),
                        Tenant(name="Frozen", activity_status=TenantActivityStatus.ACTIVE)])
    assert {t: len(col.with_tenant(t)) for t in counts} == counts
    assert c.alias.get(alias_name="BackupTenantsAlias").collection == "BackupTenants"
    assert len(c.collections.get("BackupTenantsAlias").with_tenant("hot")) == 5
    c.collections.delete("BackupTenants")


def test_weaviates_errors(node):
    c, rest = node.client, node.rest
    _articles(c, "BackupErrors", 3)
    with pytest.raises(UnexpectedStatusCodeError) as info:       # a backend whose module is not enabled
        c.backup.create("e-1", "gcs")
    assert info.value.status_code == 422
    assert "backup: gcs not found, did you enable the right module?" in str(info.value)
    reply = rest.get("/v1/backups/gcs/e-1")
    assert (reply.status_code, reply.json()["error"][0]["message"]) == (
        422, 'no backup provider "gcs": backup: gcs not found, did you enable the right module?')
    reply = rest.post("/v1/backups/filesystem", json={"id": "Bad ID!"})
    assert (reply.status_code, reply.json()["error"][0]["message"]) == (
        422, "invalid backup id: allowed characters are lowercase, 0-9, _, -")
    reply = rest.post("/v1/backups/filesystem", json={"id": "e-2", "include": ["A"], "exclude": ["B"]})
    assert reply.json()["error"][0]["message"] == (
        "malformed request: 'include' and 'exclude' cannot both contain values")
    reply = rest.post("/v1/backups/filesystem", json={"id": "e-2", "include": ["NoSuchClass"]})
    assert (reply.status_code, reply.json()["error"][0]["message"]) == (422, "class NoSuchClass doesn't exist")
    for config, code, message in (
            ({"CPUPercentage": 81}, 607, "config.CPUPercentage in body should be less than or equal to 80"),
            ({"CPUPercentage": -1}, 608, "config.CPUPercentage in body should be greater than or equal to 1"),
            ({"ChunkSize": 1}, 608, "config.ChunkSize in body should be greater than or equal to 2"),
            ({"ChunkSize": 513}, 607, "config.ChunkSize in body should be less than or equal to 512"),
            ({"CompressionLevel": "Fast"}, 605, "config.CompressionLevel in body should be one of [DefaultCompression "
             "BestSpeed BestCompression ZstdDefaultCompression ZstdBestSpeed ZstdBestCompression NoCompression]")):
        reply = rest.post("/v1/backups/filesystem", json={"id": "e-3", "config": config})
        assert (reply.status_code, reply.json()) == (422, {"code": code, "message": message})
    for body, what in (({"id": "e-5", "config": {"Path": "/elsewhere"}}, "backup locations given per request"),
                       ({"id": "e-5", "incremental_base_backup_id": "e-0"}, "incremental backups")):
        reply = rest.post("/v1/backups/filesystem", json=body)
        assert reply.status_code == 501 and reply.json()["error"][0]["message"].startswith(what)
    c.backup.create("e-4", BACKEND, include_collections="BackupErrors", wait_for_completion=True)
    reply = rest.post("/v1/backups/filesystem", json={"id": "e-4", "include": ["BackupErrors"]})
    assert reply.status_code == 422
    assert reply.json()["error"][0]["message"] == f'backup "e-4" already exists at "{node.backups / "e-4"}"'
    with pytest.raises(BackupFailedError, match=r'could not restore classes: \["BackupErrors": class name '
                                                r'BackupErrors already exists\]'):
        c.backup.restore("e-4", BACKEND, wait_for_completion=True)
    reply = rest.post("/v1/backups/filesystem/no-such-backup/restore", json={})
    assert reply.status_code == 404
    assert 'backup id "no-such-backup" does not exist' in reply.json()["error"][0]["message"]
    assert rest.get("/v1/backups/filesystem/no-such-backup").status_code == 404
    reply = rest.post("/v1/backups/filesystem/e-4/restore", json={"include": ["Other"]})
    assert reply.json()["error"][0]["message"] == (
        "class Other doesn't exist in the backup, but does have [BackupErrors]: ")
    with pytest.raises(UnexpectedStatusCodeError) as info:
        c.backup.cancel("e-4", BACKEND)
    assert "backup already succeeded" in str(info.value)
    c.collections.delete("BackupErrors")


def test_a_corrupted_or_partial_backup_is_refused_with_nothing_restored(node, backups):
    c = node.client
    _articles(c, "BackupDamaged", 200)
    c.backup.create("damaged-1", BACKEND, include_collections="BackupDamaged", wait_for_completion=True)
    c.backup.create("partial-1", BACKEND, include_collections="BackupDamaged", wait_for_completion=True)
    c.collections.delete("BackupDamaged")
    store = next((backups / "damaged-1").rglob("objects.sqlite"))
    data = bytearray(store.read_bytes())
    data[len(data) // 2] ^= 0xFF
    store.write_bytes(bytes(data))
    with pytest.raises(BackupFailedError, match="backup damaged-1 is corrupted: file BackupDamaged/.*objects.sqlite"):
        c.backup.restore("damaged-1", BACKEND, wait_for_completion=True)
    assert not c.collections.exists("BackupDamaged")
    next((backups / "partial-1").rglob("objects.sqlite")).unlink()
    with pytest.raises(BackupFailedError, match="backup partial-1 is incomplete: file BackupDamaged/.* is missing"):
        c.backup.restore("partial-1", BACKEND, wait_for_completion=True)
    assert not c.collections.exists("BackupDamaged")
    assert not [p for p in (node.server.settings.data_path / "collections").iterdir() if p.name.startswith(".")]


def test_a_backup_taken_during_an_import_restores_a_state_that_existed(node, tmp_path, backups):
    """Batches of 50 objects, each one transaction, are written while the backup runs: the restored collection
    holds batches 0..k-1 whole for some k, never part of a batch (no torn shard)."""
    c = node.client
    col = c.collections.create("BackupBusy", vector_config=Configure.Vectors.self_provided(),
                               properties=[Property(name="batch", data_type=DataType.INT)])
    rng = np.random.default_rng(1)
    written = threading.Event()
    stop = threading.Event()
    batches = []

    def write() -> None:
        k = 0
        while not stop.is_set():
            col.data.insert_many([weaviate.classes.data.DataObject(
                properties={"batch": k}, vector=rng.random(16, dtype=np.float32).tolist()) for _ in range(50)])
            batches.append(k)
            k += 1
            if k == 20:
                written.set()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        written.wait(60)
        assert c.backup.create("busy-1", BACKEND, include_collections="BackupBusy",
                               wait_for_completion=True).status.value == "SUCCESS"
    finally:
        stop.set()
        writer.join()
    other = Node(tmp_path / "fresh", backups)
    try:
        assert other.client.backup.restore("busy-1", BACKEND, wait_for_completion=True).status.value == "SUCCESS"
        restored = other.client.collections.get("BackupBusy")
        counts: dict[int, int] = {}
        for obj in restored.iterator():
            counts[obj.properties["batch"]] = counts.get(obj.properties["batch"], 0) + 1
        assert counts and set(counts.values()) == {50}
        assert sorted(counts) == list(range(len(counts)))
        assert 20 <= len(counts) < len(batches)     # the import went on after the snapshot
    finally:
        other.close()
    c.collections.delete("BackupBusy")


def test_restore_into_a_fresh_data_directory_answers_the_same_queries(node, tmp_path, backups):
    c = node.client
    col = _articles(c, "BackupFresh", 300)
    before = _answers(col)
    c.backup.create("fresh-1", BACKEND, include_collections="BackupFresh", wait_for_completion=True)
    other = Node(tmp_path / "fresh", backups)
    try:
        assert other.client.backup.restore("fresh-1", BACKEND, wait_for_completion=True).status.value == "SUCCESS"
        restored = other.client.collections.get("BackupFresh")
        assert len(restored) == 300
        assert _answers(restored) == before
        assert restored.config.get().to_dict() == col.config.get().to_dict()
    finally:
        other.close()
    c.collections.delete("BackupFresh")


def _sha256_blocks(data: bytes) -> str:
    """The checksum loomdb's first backups recorded: SHA-256 over the SHA-256 of each 8 MiB block."""
    block = 8 << 20
    return hashlib.sha256(b"".join(hashlib.sha256(data[i:i + block]).digest()
                                   for i in range(0, max(len(data), 1), block))).hexdigest()


def test_backups_record_xxh3_and_older_sha256_backups_still_restore_and_verify(node, backups):
    """New backups name their checksum kind (xxh3-128) and record XXH3-128 of each stored file; a backup whose
    descriptor says sha256-8MiB-blocks (what earlier loomdb wrote) restores, and is still verified byte for byte."""
    c = node.client
    col = _articles(c, "BackupHashes", 120)
    before = _answers(col)
    c.backup.create("hashes-1", BACKEND, include_collections="BackupHashes", wait_for_completion=True)
    c.collections.delete("BackupHashes")
    descriptor_path = backups / "hashes-1" / "backup_config.json"
    descriptor = orjson.loads(descriptor_path.read_bytes())
    assert descriptor["checksum"] == "xxh3-128"
    files = descriptor["classes"][0]["files"]
    for file in files:
        data = (backups / "hashes-1" / "BackupHashes" / file["key"]).read_bytes()
        assert (file["size"], file["checksum"]) == (len(data), xxhash.xxh3_128_hexdigest(data))
        file["checksum"] = _sha256_blocks(data)
    descriptor["checksum"] = "sha256-8MiB-blocks"
    descriptor_path.write_bytes(orjson.dumps(descriptor))
    assert c.backup.restore("hashes-1", BACKEND, wait_for_completion=True).status.value == "SUCCESS"
    assert _answers(c.collections.get("BackupHashes")) == before
    c.collections.delete("BackupHashes")
    files[0]["checksum"] = _sha256_blocks(b"something else")
    descriptor_path.write_bytes(orjson.dumps(descriptor))
    with pytest.raises(BackupFailedError, match=f"backup hashes-1 is corrupted: file BackupHashes/{files[0]['key']}"):
        c.backup.restore("hashes-1", BACKEND, wait_for_completion=True)
    assert not c.collections.exists("BackupHashes")
    descriptor["checksum"] = "md5"
    descriptor_path.write_bytes(orjson.dumps(descriptor))
    reply = node.rest.post("/v1/backups/filesystem/hashes-1/restore", json={})
    assert reply.status_code == 422
    assert reply.json()["error"][0]["message"].startswith("backup hashes-1 records checksums of kind 'md5'")
