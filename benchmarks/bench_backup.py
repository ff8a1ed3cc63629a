"""Backup and restore throughput of N x 128-d objects through the backup use case and backup-filesystem, next to a
plain copy of the same bytes (shutil.copyfile + fsync: the floor any backup pays).

    python benchmarks/bench_backup.py                 # 1M objects (about 0.8 GB of SQLite)
    python benchmarks/bench_backup.py --n 100000

Backup = consistent SQLite snapshot (main file + WAL under a pinned read transaction, kernel copy) checksummed as
it is copied (XXH3-128 of each 32 MiB block just copied, in a thread while the kernel copies the next) +
rename/fsync into the backup directory.
Restore = copy out of the backup directory + checksum check of every file (XXH3-128 over a memory map, file i
checked while file i+1 is copied) + move into place + open the collection (the flat index reads every vector back
into memory); "files" is restore without that last open.

Before/after: run this script from an older checkout (`git archive <commit> | tar -x -C /tmp/old`) next to this
one, alternating, e.g. `for i in 1 2; do (cd /tmp/old && python benchmarks/bench_backup.py); python
benchmarks/bench_backup.py; done`.
Page caches are warm for both loomdb and the plain copy (nothing here can drop them)."""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

from loomdb.engine.database import Database
from loomdb.entities.objects import IncomingObject
from loomdb.modules.backup_filesystem import FilesystemBackend
from loomdb.usecases.backup import BackupService

BACKEND = "filesystem"


def load(db: Database, n: int, dim: int, batch: int = 10_000) -> None:
    db.create_collection({"class": "Bench", "vectorIndexType": "flat", "vectorizer": "none",
                          "properties": [{"name": "title", "dataType": ["text"]},
                                         {"name": "rank", "dataType": ["int"]}]})
    collection = db.collection("Bench")
    rng = np.random.default_rng(7)
    for start in range(0, n, batch):
        count = min(batch, n - start)
        vectors = rng.random((count, dim), dtype=np.float32)
        errors = collection.put_many([IncomingObject(str(uuid.UUID(int=start + i + 1)),
                                                     {"title": f"object {start + i}", "rank": start + i}, {},
                                                     vectors[i]) for i in range(count)])
        assert not any(errors), next(e for e in errors if e)


def wait(read, backup_id: str) -> tuple[str, float]:
    """(final status, seconds until the job left TRANSFERRING/TRANSFERRED: files moved and checked)."""
    started = time.perf_counter()
    moved = None
    while (status := read(None, BACKEND, backup_id)["status"]) not in ("SUCCESS", "FAILED", "CANCELED"):
        if moved is None and status == "FINALIZING":
            moved = time.perf_counter() - started
        time.sleep(0.002)
    return status, moved if moved is not None else time.perf_counter() - started


def _stored(backup: Path) -> list[Path]:
    return [p for p in backup.rglob("*") if p.is_file() and p.name != "backup_config.json"]


def plain_copy(files: list[Path], dest: Path, fsync: bool) -> float:
    """Seconds to copy `files` into a new folder `dest` with shutil.copyfile (and fsync each when `fsync`)."""
    dest.mkdir(parents=True)
    started = time.perf_counter()
    for i, src in enumerate(files):
        target = dest / f"{i}-{src.name}"
        shutil.copyfile(src, target)
        if fsync:
            fd = os.open(target, os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)
    elapsed = time.perf_counter() - started
    shutil.rmtree(dest)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=3, help="backups (each next to a plain copy) to take medians of")
    parser.add_argument("--dir", default=None, help="scratch directory (default: a temporary one)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-backup-", dir=args.dir))
    try:
        db = Database(root / "data")
        started = time.perf_counter()
        load(db, args.n, args.dim)
        print(f"loaded {args.n} x {args.dim}-d objects in {time.perf_counter() - started:.1f} s", flush=True)
        backend = FilesystemBackend(root / "backups")
        service = BackupService(db, lambda name: backend, "1.36.9")
        backups, copies = [], []
        for i in range(args.rounds):        # a backup next to a plain copy of the same bytes, order alternated
            for step in ("backup", "copy") if i % 2 == 0 else ("copy", "backup"):
                if step == "backup":
                    started = time.perf_counter()
                    service.create(None, BACKEND, f"bench-{i}", [], [], None)
                    assert wait(service.create_status, f"bench-{i}")[0] == "SUCCESS"
                    backups.append(time.perf_counter() - started)
                else:               # the same files the first backup stored (round 0 starts with it)
                    copies.append(plain_copy(_stored(root / "backups" / "bench-0"), root / "plain", True))
        stored = _stored(root / "backups" / "bench-0")
        size = sum(p.stat().st_size for p in stored)
        service.close()
        db.close()

        fresh = Database(root / "fresh")
        service = BackupService(fresh, lambda name: backend, "1.36.9")
        started = time.perf_counter()
        service.restore(None, BACKEND, "bench-0", [], [], None)
        status, files_s = wait(service.restore_status, "bench-0")
        restore_s = time.perf_counter() - started
        assert status == "SUCCESS"
        assert fresh.collection("Bench").object_count() == args.n
        fresh.close()
        copies_back = [plain_copy(stored, root / "plain-restore", False) for _ in range(args.rounds)]

        mb = size / 1e6
        backup_s, copy_s, copy_back_s = (statistics.median(x) for x in (backups, copies, copies_back))
        print(f"backup data: {mb:.0f} MB in {len(stored)} files; medians of {args.rounds}; load average "
              f"{os.getloadavg()[0]:.1f}")
        print(f"backup : {backup_s:6.2f} s  {mb / backup_s:7.0f} MB/s  {args.n / backup_s:9.0f} objects/s   "
              f"plain copy + fsync {copy_s:6.2f} s {mb / copy_s:7.0f} MB/s  -> {copy_s / backup_s:4.0%} of copy "
              f"speed  (backups {', '.join(f'{x:.2f}' for x in backups)} s; copies "
              f"{', '.join(f'{x:.2f}' for x in copies)} s)")
        print(f"restore files only (copy out + checksum check, no fsync): {files_s:6.2f} s  {mb / files_s:7.0f} MB/s"
              f"   plain copy {copy_back_s:6.2f} s {mb / copy_back_s:7.0f} MB/s  -> {copy_back_s / files_s:4.0%} "
              f"of copy speed")
        print(f"restore including opening the collection: {restore_s:6.2f} s ({restore_s - files_s:.2f} s opening)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
