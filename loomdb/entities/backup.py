"""Backups as Weaviate reports them: the states of an asynchronous backup or restore, and the files a consistent
snapshot of one collection consists of (shared by the engine that makes it and the use case that ships it)."""
from __future__ import annotations

import hashlib
import mmap
import os
from collections import deque
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import xxhash


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


CHECKSUM_BLOCK = 8 << 20     # bytes per hashed block of CHECKSUM_SHA256_BLOCKS
CHECKSUM_XXH3 = "xxh3-128"                      # what new backups record (the descriptor's "checksum")
CHECKSUM_SHA256_BLOCKS = "sha256-8MiB-blocks"   # what older backups recorded: still verified on restore
CHECKSUM_KINDS = (CHECKSUM_XXH3, CHECKSUM_SHA256_BLOCKS)
_MAP_WINDOW = 256 << 20      # bytes of a file mapped at once while hashing it


class Xxh3Checksum:
    """A file's checksum as backups record it (CHECKSUM_XXH3): XXH3-128 of its bytes in order, fed from memory
    maps of the file, so the page cache is hashed in place (no copy into Python). XXH3 runs at memory speed (4.7
    GB/s on one loaded core here, SHA-256 255 MB/s) and releases the GIL, so hashing one block overlaps with
    copying the next. It detects corrupted, truncated or swapped files; it is no signature: whoever can write the
    backup store could also rewrite its descriptor, with any hash."""

    def __init__(self) -> None:
        self._state = xxhash.xxh3_128()
        self.size = 0

    def update_from_file(self, fd: int, offset: int, length: int) -> None:
        """Hash `length` bytes of the open file `fd` from `offset` (the next bytes in order)."""
        end = offset + length
        while offset < end:
            start = offset - offset % mmap.ALLOCATIONGRANULARITY
            size = min(end, start + _MAP_WINDOW) - start
            with mmap.mmap(fd, size, offset=start, access=mmap.ACCESS_READ) as mapped, \
                    memoryview(mapped) as view, view[offset - start:] as region:
                self._state.update(region)
            self.size += start + size - offset
            offset = start + size

    def hexdigest(self) -> str:
        return self._state.hexdigest()


class BlockChecksum:
    """A file's checksum as backups made before XXH3 recorded it (CHECKSUM_SHA256_BLOCKS): SHA-256 of each 8 MiB
    block, then SHA-256 of those digests in order. Kept to verify those backups on restore; blocks are hashed by
    a pool of threads at once (hashlib releases the GIL). At most two blocks per worker wait in memory."""

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


def file_checksum(path: Path, kind: str, pool: Executor, workers: int) -> tuple[int, str]:
    """(size, checksum hex) of a stored file with the scheme `kind` (one of CHECKSUM_KINDS) its backup used."""
    if kind == CHECKSUM_XXH3:
        checksum = Xxh3Checksum()
        with open(path, "rb", buffering=0) as src:
            checksum.update_from_file(src.fileno(), 0, os.fstat(src.fileno()).st_size)
        return checksum.size, checksum.hexdigest()
    blocks = BlockChecksum(pool, workers)
    with open(path, "rb", buffering=0) as src:
        while block := src.read(CHECKSUM_BLOCK):
            blocks.update(block)
    return blocks.size, blocks.hexdigest()


def _sha256(block: bytes) -> bytes:
    return hashlib.sha256(block).digest()
