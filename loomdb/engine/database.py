"""The database: one data directory, locked for exclusive use, holding one folder per collection.

Layout: <data>/loomdb.lock, <data>/collections/<lower-case name>/{class.json, shard/objects.sqlite}.
Deleting a collection renames its folder to a tombstone first, so a crash mid-delete never leaves a
half-deleted collection that reopens.
"""
from __future__ import annotations

import logging
import shutil
import threading
import uuid as uuid_mod
from pathlib import Path

import orjson

from ..entities.errors import AlreadyExists, InvalidInput, NotFound
from . import references
from .aliases import AliasRegistry, capitalize
from .collection import CLASS_FILE, OFFLOAD_DIR, Collection
from .schema import class_document
from .storage.lockfile import DataDirLock

COLLECTIONS_DIR = "collections"
_TOMBSTONE = ".deleted-"
MAINTENANCE_TICK = 1.0     # seconds between index housekeeping rounds (cheap when nothing is due)
log = logging.getLogger("loomdb")


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
        self.aliases = AliasRegistry(self.data_dir)
        try:
            self._open_all()
        except BaseException:
            self._lock.release()
            raise
        self._stopping = threading.Event()
        self._maintenance = threading.Thread(target=self._maintain_loop, name="loomdb-maintenance", daemon=True)
        self._maintenance.start()

    def _maintain_loop(self) -> None:
        """Every open shard's index housekeeping (tombstone cleanup cycles, finished background builds), once per
        tick; a shard takes its write lock only when it has work."""
        while not self._stopping.wait(MAINTENANCE_TICK):
            for collection in list(self._collections.values()):
                for shard in collection.open_shards():
                    try:
                        shard.maintain()
                    except Exception:       # a shard closing under us, ...: the next tick tries again
                        log.exception("index maintenance of %s", collection.name)

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
            self._collections[doc["class"]].set_peer_lookup(self._find)     # cross-references

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
            if self.aliases.find(name) is not None:     # Weaviate's wording (test/acceptance/aliases)
                raise AlreadyExists(f"alias name {name} already exists")
            references.check_targets_exist(doc.get("properties") or [], name, self._find)
            folder = self._root / name.lower()
            if folder.exists():
                shutil.rmtree(folder)
            shutil.rmtree(self.data_dir / OFFLOAD_DIR / folder.name, ignore_errors=True)   # offloaded tenants
            folder.mkdir(parents=True)
            collection = Collection(folder, doc, self.autoschema)
            collection.set_peer_lookup(self._find)
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
        if found is None and (target := self.aliases.resolve(name)) is not None:   # aliases resolve here only
            found = self._find(target)
        if found is None:
            raise NotFound(f"could not find class {name} in schema")
        return found

    def has_collection(self, name: str) -> bool:
        return self._find(name) is not None or self.aliases.resolve(name) is not None

    def collections(self) -> list[Collection]:
        return list(self._collections.values())

    def delete_collection(self, name: str) -> bool:
        """Drop a collection and its data; False if it did not exist (Weaviate answers 200 either way)."""
        with self._schema_lock:
            found = self._find(name)
            if found is None:
                return False
            del self._collections[found.name]
            self.aliases.remove_targets(found.name)
            found.close()
            tomb = self._root / f"{_TOMBSTONE}{uuid_mod.uuid4().hex}"
            found.path.rename(tomb)
            shutil.rmtree(tomb, ignore_errors=True)
            shutil.rmtree(self.data_dir / OFFLOAD_DIR / found.path.name, ignore_errors=True)   # offloaded tenants
            return True

    # ---- aliases (Weaviate usecases/schema/alias.go; wording from its acceptance tests) -----------------------
    def list_aliases(self, class_name: str | None = None) -> list[dict]:
        target = self.collection(class_name).name if class_name else None
        return [{"alias": a, "class": c} for a, c in self.aliases.items() if target is None or c == target]

    def get_alias(self, alias: str) -> dict:
        found = self.aliases.find(capitalize(alias))
        if found is None:
            raise NotFound(f"alias {alias} not found")
        return {"alias": found, "class": self.aliases.resolve(found)}

    def create_alias(self, alias: str, class_name: str) -> dict:
        alias, class_name = capitalize(alias), capitalize(class_name)
        with self._schema_lock:
            if self._find(alias) is not None:
                raise AlreadyExists(f"create alias: class {alias} already exists")
            if self.aliases.find(alias) is not None:
                raise AlreadyExists(f"create alias: alias {alias} already exists")
            target = self._find(class_name)
            if target is None:
                raise InvalidInput(f"create alias: class {class_name} does not exist")
            self.aliases.put(alias, target.name)
            return {"alias": alias, "class": target.name}

    def update_alias(self, alias: str, class_name: str) -> dict:
        with self._schema_lock:
            found = self.aliases.find(capitalize(alias))
            if found is None:
                raise NotFound(f"no alias found with name: {capitalize(alias)}")
            target = self._find(capitalize(class_name))
            if target is None:
                raise InvalidInput(f"replace alias: class {capitalize(class_name)} does not exist")
            self.aliases.put(found, target.name)
            return {"alias": found, "class": target.name}

    def delete_alias(self, alias: str) -> bool:
        with self._schema_lock:
            return self.aliases.remove(capitalize(alias))

    def close(self) -> None:
        """Close every shard (checkpointing SQLite) and release the directory lock."""
        self._stopping.set()
        self._maintenance.join()
        with self._schema_lock:
            for collection in self._collections.values():
                collection.close()
            self._collections.clear()
            self._lock.release()
