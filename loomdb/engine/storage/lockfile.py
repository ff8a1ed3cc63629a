"""An exclusive, OS-level lock on a data directory so two servers never open the same files.

The OS releases the lock when the process dies (even on kill -9), so a stale lock file never blocks a restart.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ...entities.errors import DataDirLocked

LOCK_NAME = "loomdb.lock"


class DataDirLock:
    """Holds `<data>/loomdb.lock` locked for the lifetime of the open database."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock(fd)
        except OSError:
            holder = _read_pid(self.path)
            os.close(fd)
            who = f" (pid {holder})" if holder else ""
            raise DataDirLocked(
                f"data directory {self.path.parent} is in use by another loomdb process{who}; "
                "stop it or choose another --data directory") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            _unlock(self._fd)
        finally:
            os.close(self._fd)
            self._fd = None


def _read_pid(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
