"""backup-filesystem: backups in a local directory, BACKUP_FILESYSTEM_PATH/<backup id>/<key> (Weaviate's layout
root). Files staged on the same file system are renamed into place; every stored file is fsynced, so a backup
reported SUCCESS survives a power loss."""
from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .capabilities import NotConfigured

NAME = "backup-filesystem"
PATH_ENV = "BACKUP_FILESYSTEM_PATH"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FilesystemBackend:
    name = NAME

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> FilesystemBackend:
        raw = (env.get(PATH_ENV) or "").strip()
        if not raw:
            raise NotConfigured(f"{NAME}: {PATH_ENV} must be set to the directory backups are written to")
        if not os.path.isabs(raw):
            raise NotConfigured(f"{NAME}: {PATH_ENV}={raw!r} is a relative path; give an absolute one")
        return cls(Path(raw))

    def meta(self) -> dict[str, Any]:
        return {"backupsPath": str(self.root)}

    def home(self, backup_id: str) -> str:
        return str(self.root / backup_id)

    def _path(self, backup_id: str, key: str) -> Path:
        return self.root / backup_id / key

    def put_file(self, backup_id: str, key: str, source: Path, chunk_size: int) -> None:
        target = self._path(backup_id, key)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(source, target)          # staged on this file system: no second copy
        except OSError:
            shutil.copyfile(source, target)
        _fsync(target)

    def put_bytes(self, backup_id: str, key: str, data: bytes) -> None:
        target = self._path(backup_id, key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        with open(tmp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
        _fsync(target.parent)

    def get_bytes(self, backup_id: str, key: str) -> bytes | None:
        try:
            return self._path(backup_id, key).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def get_file(self, backup_id: str, key: str, dest: Path, chunk_size: int) -> None:
        shutil.copyfile(self._path(backup_id, key), dest)

    def backup_ids(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_dir()) if self.root.exists() else []

    def delete(self, backup_id: str) -> None:
        shutil.rmtree(self.root / backup_id, ignore_errors=True)
