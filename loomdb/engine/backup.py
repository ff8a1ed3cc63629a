"""Backup support: a consistent copy of one collection's files while writes go on, and the layout a restore puts
back into place.

Each SQLite file (a shard's objects.sqlite, a multi-tenant collection's tenants.sqlite) is copied with SQLite's
online backup API in ONE step: the copy runs inside one read transaction, so it is that database as of one
commit, never a torn mix, and WAL mode lets the shard's writer go on meanwhile. Index snapshots are derived data
(ARCHITECTURE.md "Storage layout") and are not copied: a restored shard rebuilds its indexes from the store.
The tenant registry is copied before the tenant folders, so every tenant it lists is there (a tenant created in
between has a folder and no row: it is ignored, as one created after the backup)."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

SQLITE_SUFFIX = ".sqlite"
COLLECTION_PART = "collection"      # the collection folder inside a staging folder
OFFLOAD_PART = "offload"            # its offloaded (FROZEN) tenants
_DERIVED_OR_TRANSIENT = ("-wal", "-shm", ".tmp", ".faiss", ".map", ".json.tmp")
_SKIPPED_FOLDERS = (".deleted-tenants",)


def copy_sqlite(src: Path, dst: Path) -> None:
    """A transactionally consistent copy of the SQLite database `src` (open elsewhere or not) at `dst`."""
    source = sqlite3.connect(src, isolation_level=None)
    try:
        source.execute("PRAGMA query_only=ON")
        target = sqlite3.connect(dst, isolation_level=None)
        try:
            source.backup(target)           # pages=-1: every page in one step, one read transaction
        finally:
            target.close()
    finally:
        source.close()


def _files_in_order(root: Path) -> list[Path]:
    """The files of a collection folder worth copying, the tenant registry and the class document first."""
    found = [p for p in root.rglob("*") if p.is_file() and not p.name.endswith(_DERIVED_OR_TRANSIENT)
             and not any(part in _SKIPPED_FOLDERS for part in p.relative_to(root).parts)
             and not (p.suffix == ".json" and p.name.startswith("vector-"))]
    return sorted(found, key=lambda p: (p.parent != root, p.relative_to(root).as_posix()))


def snapshot_folder(root: Path, dest: Path) -> list[str]:
    """Copy `root` into `dest` (SQLite files consistently, the others as they are); relative paths copied."""
    copied: list[str] = []
    for path in _files_in_order(root) if root.exists() else []:
        rel = path.relative_to(root)
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == SQLITE_SUFFIX:
            copy_sqlite(path, target)
        else:
            shutil.copyfile(path, target)
        copied.append(rel.as_posix())
    return copied


def snapshot_collection(folder: Path, offload: Path, dest: Path) -> list[str]:
    """The collection folder and its offloaded tenants copied into dest/collection and dest/offload."""
    files = [f"{COLLECTION_PART}/{rel}" for rel in snapshot_folder(folder, dest / COLLECTION_PART)]
    files += [f"{OFFLOAD_PART}/{rel}" for rel in snapshot_folder(offload, dest / OFFLOAD_PART)]
    return files
