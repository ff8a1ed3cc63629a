"""Backup support: a consistent copy of one collection's files while writes go on, and the layout a restore puts
back into place.

Each SQLite file (a shard's objects.sqlite, a multi-tenant collection's tenants.sqlite) is copied as files while a
read transaction is held on it: in WAL mode the main file then only changes by checkpoints copying WAL frames the
reader's snapshot already includes, and the WAL cannot restart, so the main file copy plus the WAL copy replay (on
first open of the copy) to a committed state at least as new as that snapshot: never a torn mix, and the
shard's writer goes on meanwhile. Files are copied in one pass that also computes their SHA-256. This runs near
file-copy speed, where SQLite's online backup API copies page by page (2-3x slower here). Index snapshots are
derived data
(ARCHITECTURE.md "Storage layout") and are not copied: a restored shard rebuilds its indexes from the store.
The tenant registry is copied before the tenant folders, so every tenant it lists is there (a tenant created in
between has a folder and no row: it is ignored, as one created after the backup)."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from ..entities.backup import SnapshotFile

SQLITE_SUFFIX = ".sqlite"
WAL_SUFFIX = "-wal"
_BLOCK = 1 << 20
COLLECTION_PART = "collection"      # the collection folder inside a staging folder
OFFLOAD_PART = "offload"            # its offloaded (FROZEN) tenants
_DERIVED_OR_TRANSIENT = ("-wal", "-shm", ".tmp", ".faiss", ".map", ".json.tmp")
_SKIPPED_FOLDERS = (".deleted-tenants",)


def copy_hashed(src: Path, dst: Path) -> tuple[int, str]:
    """Copy `src` to `dst` in one pass that also hashes it: (bytes copied, SHA-256 hex)."""
    digest = hashlib.sha256()
    buffer = bytearray(_BLOCK)
    view = memoryview(buffer)
    size = 0
    with open(src, "rb", buffering=0) as source, open(dst, "wb", buffering=0) as target:
        while n := source.readinto(buffer):
            digest.update(view[:n])
            written = 0
            while written < n:          # an unbuffered write may take less than asked
                written += target.write(view[written:n])
            size += n
    return size, digest.hexdigest()


def copy_sqlite(src: Path, dst: Path) -> list[tuple[Path, int, str]]:
    """A transactionally consistent copy of the SQLite database `src` (WAL mode, open elsewhere or not) at `dst`:
    the main file and, when there is one, its WAL (SQLite replays it on the copy's first open). Returns (copied
    file, size, SHA-256) of each."""
    wal = src.with_name(src.name + WAL_SUFFIX)
    reader = sqlite3.connect(src, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM sqlite_master").fetchone()   # the read snapshot is pinned from here
        copied = [(dst, *copy_hashed(src, dst))]
        if wal.exists():
            wal_copy = dst.with_name(dst.name + WAL_SUFFIX)
            copied.append((wal_copy, *copy_hashed(wal, wal_copy)))
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


def snapshot_folder(root: Path, dest: Path, prefix: str) -> list[SnapshotFile]:
    """Copy `root` into `dest` (SQLite files consistently, the others as they are); the copies, named
    `prefix`/<path relative to dest>."""
    copied: list[SnapshotFile] = []
    for path in _files_in_order(root) if root.exists() else []:
        target = dest / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        files = copy_sqlite(path, target) if path.suffix == SQLITE_SUFFIX else [(target, *copy_hashed(path, target))]
        copied += [SnapshotFile(f"{prefix}/{file.relative_to(dest).as_posix()}", size, sha)
                   for file, size, sha in files]
    return copied


def snapshot_collection(folder: Path, offload: Path, dest: Path) -> list[SnapshotFile]:
    """The collection folder and its offloaded tenants copied into dest/collection and dest/offload."""
    return (snapshot_folder(folder, dest / COLLECTION_PART, COLLECTION_PART)
            + snapshot_folder(offload, dest / OFFLOAD_PART, OFFLOAD_PART))
