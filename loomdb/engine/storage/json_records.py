"""A small JSON document in the data directory, replaced atomically (tmp + fsync + rename + directory fsync): what
loomdb keeps outside SQLite that must survive a crash whole or not at all (database users)."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class JsonRecords:
    def __init__(self, path: Path) -> None:
        self._path = path

    def load(self) -> dict[str, Any]:
        if not self._path.exists():
            return {}
        loaded = json.loads(self._path.read_text(encoding="utf-8") or "{}")
        return loaded if isinstance(loaded, dict) else {}

    def save(self, records: dict[str, Any]) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(records, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self._path)
        directory = os.open(self._path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
