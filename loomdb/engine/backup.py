"""Backup support: a consistent copy of one collection's files while writes go on, and the layout a restore puts
back into place.

Each SQLite file (a shard's objects.sqlite, a multi-tenant collection's tenants.sqlite) is copied as files while a
read transaction is held on it: in WAL mode the main file then only changes by checkpoints copying WAL frames the
reader's snapshot already includes, and the WAL cannot restart, so the main file copy plus the WAL copy replay (on
first open of the copy) to a committed state at least as new as that snapshot: never a torn mix, and the
shard's writer goes on meanwhile. Each copy is checksummed as it is made (Xxh3Checksum). The kernel copies
(copy_file_range), where SQLite's online backup API copies page by page (2-3x slower here). Index snapshots are
derived data (ARCHITECTURE.md "Storage layout") and are not copied: a restored shard rebuilds its indexes from the
store. The tenant registry is copied before the tenant folders, so every tenant it lists is there (a tenant created in
between has a folder and no row: it is ignored, as one created after the backup)."""
from __future__ import annotations

import os
import sqlite3
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import BinaryIO

from ..entities.backup import SnapshotFile, Xxh3Checksum

SQLITE_SUFFIX = ".sqlite"
WAL_SUFFIX = "-wal"
COLLECTION_PART = "collection"      # the collection folder inside a staging folder
OFFLOAD_PART = "offload"            # its offloaded (FROZEN) tenants
_DERIVED_OR_TRANSIENT = ("-wal", "-shm", ".tmp", ".faiss", ".map", ".json.tmp")
_SKIPPED_FOLDERS = (".deleted-tenants",)
COPY_BLOCK = 32 << 20       # bytes per kernel copy; the previous block is hashed meanwhile


def copy_hashed(src: Path, dst: Path, hasher: Executor) -> tuple[int, str]:
    """Copy `src` to `dst` and checksum what was written: (bytes copied, Xxh3Checksum hex). The kernel copies block
    by block (copy_file_range, no pass through Python; where it cannot copy between the two files, blocks pass
    through Python) and never waits for the hash: each copied block is queued to `hasher` (ONE thread, so blocks
    are hashed in order), which maps it from the page cache of `dst` and trails the copy; only the end waits for
    it. What is hashed is the copy itself, not the source a checkpoint may rewrite meanwhile."""
    checksum = Xxh3Checksum()
    queued: list[Future[None]] = []
    offset = 0
    with open(src, "rb", buffering=0) as source, open(dst, "w+b", buffering=0) as target:
        try:
            while block := _copy_block(source, target):
                queued.append(hasher.submit(checksum.update_from_file, target.fileno(), offset, block))
                offset += block
        finally:
            wait(queued)            # the file stays open until the last block is hashed
        for done in queued:
            done.result()
    return offset, checksum.hexdigest()


def _copy_block(source: BinaryIO, target: BinaryIO) -> int:
    """Copy the next block from `source` to `target` at their current offsets; bytes copied (0 at the end)."""
    try:
        return os.copy_file_range(source.fileno(), target.fileno(), COPY_BLOCK)
    except (AttributeError, OSError):        # not Linux, or a pair of file systems the kernel cannot copy between
        data = source.read(COPY_BLOCK)
        view = memoryview(data)
        while view:
            view = view[target.write(view):]
        return len(data)


def copy_sqlite(src: Path, dst: Path, hasher: Executor) -> list[tuple[Path, int, str]]:
    """A transactionally consistent copy of the SQLite database `src` (WAL mode, open elsewhere or not) at `dst`:
    the main file and, when there is one, its WAL (SQLite replays it on the copy's first open). Returns (copied
    file, size, checksum) of each."""
    wal = src.with_name(src.name + WAL_SUFFIX)
    reader = sqlite3.connect(src, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM sqlite_master").fetchone()   # the read snapshot is pinned from here
        copied = [(dst, *copy_hashed(src, dst, hasher))]
        if wal.exists():
            wal_copy = dst.with_name(dst.name + WAL_SUFFIX)
            copied.append((wal_copy, *copy_hashed(wal, wal_copy, hasher)))
        reader.execute("COMMIT")
    finally:
        reader.close()
    return copied


def _files_in_order(root: Path) -> list[Path]:
    """The files of a collection folder worth copying, the tenant registry and the class document first."""
    found = [p for p in root.rglob("*") if p.is_file() and not p.name.endswith(_DERIVED_OR_TRANSIENT)
             and not any(part in _SKIPPED_FOLDERS for part in p.relative_to(root).parts)
             and not (p.suffix == ".json" and p.name.startswith("vector-"))]
    return sorted(found, key=lambda p: (p.parent != root, p.relative_to(root).as_posix()))


def snapshot_folder(root: Path, dest: Path, prefix: str, hasher: Executor) -> list[SnapshotFile]:
    """Copy `root` into `dest` (SQLite files consistently, the others as they are); the copies, named
    `prefix`/<path relative to dest>."""
    copied: list[SnapshotFile] = []
    for path in _files_in_order(root) if root.exists() else []:
        target = dest / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        files = (copy_sqlite(path, target, hasher) if path.suffix == SQLITE_SUFFIX
                 else [(target, *copy_hashed(path, target, hasher))])
        copied += [SnapshotFile(f"{prefix}/{file.relative_to(dest).as_posix()}", size, sha)
                   for file, size, sha in files]
    return copied


def snapshot_collection(folder: Path, offload: Path, dest: Path, workers: int) -> list[SnapshotFile]:
    """The collection folder and its offloaded tenants copied into dest/collection and dest/offload. One thread
    hashes behind the kernel's copy whatever `workers` (CPUPercentage) allows: XXH3 on one core outruns the copy,
    and the blocks of a file must be hashed in order."""
    with ThreadPoolExecutor(1, thread_name_prefix="loomdb-checksum") as hasher:
        return (snapshot_folder(folder, dest / COLLECTION_PART, COLLECTION_PART, hasher)
                + snapshot_folder(offload, dest / OFFLOAD_PART, OFFLOAD_PART, hasher))
