"""Backups as Weaviate reports them: the states of an asynchronous backup or restore, and the files a consistent
snapshot of one collection consists of (shared by the engine that makes it and the use case that ships it)."""
from __future__ import annotations

import hashlib
from collections import deque
from concurrent.futures import Executor, Future
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
    """One copied file: its path relative to the staging folder (POSIX separators), size and BlockChecksum (hex),
    computed while it was copied."""
    path: str
    size: int
    checksum: str


@dataclass(frozen=True)
class CollectionSnapshot:
    """A collection copied at one point in time per shard into a staging folder; `doc` is the class document
    the copy was taken with."""
    name: str
    doc: dict[str, Any]
    files: tuple[SnapshotFile, ...]


CHECKSUM_BLOCK = 8 << 20     # bytes per hashed block


def _sha256(block: bytes) -> bytes:
    return hashlib.sha256(block).digest()


class BlockChecksum:
    """A file's checksum as backups record it: SHA-256 of each 8 MiB block, then SHA-256 of those digests in order
    ("sha256-8MiB-blocks"). One changed byte changes it, as a plain SHA-256 would, but blocks are hashed by a
    pool of threads at once (hashlib releases the GIL), so checking keeps up with copying on more than one core.
    At most two blocks per worker wait in memory."""

    def __init__(self, pool: Executor, workers: int) -> None:
        self._pool = pool
        self._limit = 2 * max(1, workers)
        self._pending: deque[Future[bytes]] = deque()
        self._digests: list[bytes] = []
        self._buffer = bytearray()
        self.size = 0

    def update(self, data: bytes) -> None:
        self.size += len(data)
        if not self._buffer and len(data) == CHECKSUM_BLOCK:     # the usual case: whole blocks, no copying
            self._submit(data)
            return
        self._buffer += data
        while len(self._buffer) >= CHECKSUM_BLOCK:
            self._submit(bytes(self._buffer[:CHECKSUM_BLOCK]))
            del self._buffer[:CHECKSUM_BLOCK]

    def _submit(self, block: bytes) -> None:
        if len(self._pending) >= self._limit:
            self._digests.append(self._pending.popleft().result())
        self._pending.append(self._pool.submit(_sha256, block))

    def hexdigest(self) -> str:
        if self._buffer or not self.size:
            self._submit(bytes(self._buffer))
            self._buffer.clear()
        while self._pending:
            self._digests.append(self._pending.popleft().result())
        return hashlib.sha256(b"".join(self._digests)).hexdigest()
