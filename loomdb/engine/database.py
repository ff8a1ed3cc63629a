"""The database: one data directory, locked for exclusive use, holding one folder per collection.

Layout: <data>/loomdb.lock, <data>/collections/<lower-case name>/{class.json, shard/objects.sqlite}.
Deleting a collection renames its folder to a tombstone first, so a crash mid-delete never leaves a
half-deleted collection that reopens.
"""
from __future__ import annotations

import shutil
import threading
import uuid as uuid_mod
from pathlib import Path

import orjson

from ..entities.errors import AlreadyExists, NotFound
from .collection import CLASS_FILE, Collection
from .schema import class_document
from .storage.lockfile import DataDirLock

COLLECTIONS_DIR = "collections"
_TOMBSTONE = ".deleted-"


class Database:
    """Opens every collection of a data directory; creates and drops collections."""

    def __init__(self, data_dir: Path | str, autoschema: bool = True) -> None:
        self.data_dir = Path(data_dir)
        self.autoschema = autoschema
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._lock = DataDirLock(self.data_dir)
        self._lock.acquire()
        self._schema_lock = threading.RLock()
        self._collections: dict[str, Collection] = {}
        try:
            self._open_all()
        except BaseException:
            self._lock.release()
            raise

    @property
    def _root(self) -> Path:
        return self.data_dir / COLLECTIONS_DIR

    def _open_all(self) -> None:
        self._root.mkdir(exist_ok=True)
        for folder in sorted(self._root.iterdir()):
            if folder.name.startswith(_TOMBSTONE):
                shutil.rmtree(folder, ignore_errors=True)
                continue
            class_file = folder / CLASS_FILE
            if not class_file.exists():      # crashed before the class document was written
                shutil.rmtree(folder, ignore_errors=True)
                continue
            doc = orjson.loads(class_file.read_bytes())
            self._collections[doc["class"]] = Collection(folder, doc, self.autoschema)

    # ---- schema -------------------------------------------------------------------------------------------
    def create_collection(self, body: dict) -> dict:
        """Normalise, validate and create; returns the full class document."""
        doc = class_document.normalize_class(body)
        name = doc["class"]
        with self._schema_lock:
            if (existing := self._find(name)) is not None:
                if existing.name != name:     # Weaviate's validateClassNameUniqueness wording
                    raise AlreadyExists(f'class name "{name}" already exists as a permutation of: '
                                        f'"{existing.name}". class names must be unique when lowercased')
                raise AlreadyExists(f'class name "{name}" already exists')
            folder = self._root / name.lower()
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            collection = Collection(folder, doc, self.autoschema)
            collection.save()           # the class document last: its presence marks a complete create
            self._collections[name] = collection
        return doc

    def _find(self, name: str) -> Collection | None:
        """Case-insensitive lookup: Weaviate treats class names differing only in case as the same."""
        if name in self._collections:
            return self._collections[name]
        lower = name.lower()
        return next((c for n, c in self._collections.items() if n.lower() == lower), None)

    def collection(self, name: str) -> Collection:
        found = self._collections.get(name) or self._find(name)
        if found is None:
            raise NotFound(f"could not find class {name} in schema")
        return found

    def has_collection(self, name: str) -> bool:
        return self._find(name) is not None

    def collections(self) -> list[Collection]:
        return list(self._collections.values())

    def delete_collection(self, name: str) -> bool:
        """Drop a collection and its data; False if it did not exist (Weaviate answers 200 either way)."""
        with self._schema_lock:
            found = self._find(name)
            if found is None:
                return False
            del self._collections[found.name]
            found.close()
            tomb = self._root / f"{_TOMBSTONE}{uuid_mod.uuid4().hex}"
            found.path.rename(tomb)
            shutil.rmtree(tomb, ignore_errors=True)
            return True

    def close(self) -> None:
        """Close every shard (checkpointing SQLite) and release the directory lock."""
        with self._schema_lock:
            for collection in self._collections.values():
                collection.close()
            self._collections.clear()
            self._lock.release()
