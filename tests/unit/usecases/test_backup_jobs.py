"""The backup use case's job life cycle over a real engine and a backend that can be held mid-transfer: cancel
while running (CANCELED, the partial files gone, the id usable again), one backup at a time with Weaviate's
message, a restore cancelled before it puts anything in place."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from loomdb.engine.database import Database
from loomdb.entities.errors import InvalidInput
from loomdb.modules.backup_filesystem import FilesystemBackend
from loomdb.usecases.backup import BackupService


class HeldBackend(FilesystemBackend):
    """backup-filesystem whose file transfers wait until `release` is set."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.release = threading.Event()
        self.waiting = threading.Event()

    def put_file(self, backup_id: str, key: str, source: Path, chunk_size: int) -> None:
        self.waiting.set()
        self.release.wait(10)
        super().put_file(backup_id, key, source, chunk_size)

    def get_file(self, backup_id: str, key: str, dest: Path, chunk_size: int) -> None:
        self.waiting.set()
        self.release.wait(10)
        super().get_file(backup_id, key, dest, chunk_size)


@pytest.fixture
def setup(tmp_path):
    db = Database(tmp_path / "data")
    db.create_collection({"class": "Held", "vectorizer": "none"})
    backend = HeldBackend(tmp_path / "backups")
    service = BackupService(db, lambda name: backend if name == "backup-filesystem" else None, "1.36.9")
    yield db, backend, service
    backend.release.set()
    service.close()
    db.close()


def _wait_finished(read, backup_id: str) -> str:
    for _ in range(500):
        status = read(None, "filesystem", backup_id)["status"]
        if status in ("SUCCESS", "FAILED", "CANCELED"):
            return status
        time.sleep(0.01)
    raise AssertionError("the job did not finish")


def test_cancel_a_running_backup(setup, tmp_path):
    db, backend, service = setup
    assert service.create(None, "filesystem", "held-1", [], [], None)["status"] == "STARTED"
    assert backend.waiting.wait(5)
    assert service.create_status(None, "filesystem", "held-1")["status"] == "TRANSFERRING"
    with pytest.raises(InvalidInput, match="^backup held-1 already in progress$"):
        service.create(None, "filesystem", "held-2", [], [], None)
    service.cancel(None, "filesystem", "held-1")
    backend.release.set()
    assert _wait_finished(service.create_status, "held-1") == "CANCELED"
    assert service.create_status(None, "filesystem", "held-1")["error"] == "operation cancelled by user"
    assert [p.name for p in (tmp_path / "backups" / "held-1").iterdir()] == ["backup_config.json"]
    service.create(None, "filesystem", "held-1", [], [], None)        # a cancelled id may be used again
    assert _wait_finished(service.create_status, "held-1") == "SUCCESS"


def test_cancel_a_running_restore_restores_nothing(setup):
    db, backend, service = setup
    backend.release.set()
    service.create(None, "filesystem", "held-3", [], [], None)
    assert _wait_finished(service.create_status, "held-3") == "SUCCESS"
    db.delete_collection("Held")
    backend.release.clear()
    backend.waiting.clear()
    service.restore(None, "filesystem", "held-3", [], [], None)
    assert backend.waiting.wait(5)
    assert service.cancel_restore(None, "filesystem", "held-3") is True
    backend.release.set()
    assert _wait_finished(service.restore_status, "held-3") == "CANCELED"
    assert db.find_collection("Held") is None
    assert service.cancel_restore(None, "filesystem", "held-3") is False
