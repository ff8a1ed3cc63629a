"""Backups as Weaviate reports them: the states of an asynchronous backup or restore, and the files a consistent
snapshot of one collection consists of (shared by the engine that makes it and the use case that ships it)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


class BackupStatus(str, Enum):
    """Weaviate's entities/backup Status values, in the order a job passes them."""
    STARTED = "STARTED"
    TRANSFERRING = "TRANSFERRING"
    TRANSFERRED = "TRANSFERRED"
    FINALIZING = "FINALIZING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    CANCELLING = "CANCELLING"
    CANCELED = "CANCELED"

    @property
    def finished(self) -> bool:
        return self in (BackupStatus.SUCCESS, BackupStatus.FAILED, BackupStatus.CANCELED)


@dataclass(frozen=True)
class SnapshotFile:
    """One copied file: its path relative to the staging folder (POSIX separators), size and SHA-256 (hex),
    computed while it was copied."""
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class CollectionSnapshot:
    """A collection copied at one point in time per shard into a staging folder; `doc` is the class document
    the copy was taken with."""
    name: str
    doc: dict[str, Any]
    files: tuple[SnapshotFile, ...]
