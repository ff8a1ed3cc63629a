"""Collection aliases: alternative names that resolve to one collection (Weaviate >= 1.32, `/v1/aliases`).

Persisted as <data>/aliases.json ({"AliasName": "ClassName"}), written atomically (tmp + fsync + rename) like
class.json. Names are matched case-insensitively, as Weaviate matches class names (TestSchemaAliasCasing); the
registry itself knows nothing about collections: the Database checks clashes and targets under its schema lock,
and the aliases use case (usecases/aliases.py) holds Weaviate's rules and wording.
"""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path

ALIASES_FILE = "aliases.json"


class AliasRegistry:
    def __init__(self, data_dir: Path) -> None:
        self._path = Path(data_dir) / ALIASES_FILE
        self._lock = threading.RLock()
        self._aliases: dict[str, str] = {}
        if self._path.exists():
            loaded = json.loads(self._path.read_text(encoding="utf-8") or "{}")
            self._aliases = {str(k): str(v) for k, v in loaded.items()}

    def _save(self) -> None:
        tmp = self._path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self._aliases, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self._path)

    def find(self, name: str) -> str | None:
        """The stored spelling of an alias matching `name` case-insensitively, or None."""
        with self._lock:
            if name in self._aliases:
                return name
            lower = name.lower()
            return next((a for a in self._aliases if a.lower() == lower), None)

    def resolve(self, name: str) -> str | None:
        """The class an alias points to, or None when `name` is not an alias."""
        with self._lock:
            found = self.find(name)
            return self._aliases[found] if found is not None else None

    def items(self) -> list[tuple[str, str]]:
        with self._lock:
            return sorted(self._aliases.items())

    def put(self, alias: str, class_name: str) -> None:
        with self._lock:
            self._aliases[alias] = class_name
            self._save()

    def remove(self, alias: str) -> bool:
        with self._lock:
            found = self.find(alias)
            if found is None:
                return False
            del self._aliases[found]
            self._save()
            return True

    def remove_targets(self, class_name: str) -> None:
        """Drop every alias of a deleted collection, so none dangles."""
        with self._lock:
            gone = [a for a, c in self._aliases.items() if c.lower() == class_name.lower()]
            for alias in gone:
                del self._aliases[alias]
            if gone:
                self._save()
