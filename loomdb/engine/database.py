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

from ..entities.backup import CollectionSnapshot
from ..entities.errors import NameTaken, NotFound, ShuttingDown
from . import backup
from .aliases import AliasRegistry
from .collection import CLASS_FILE, OFFLOAD_DIR, Collection
from .schema import class_document
from .schema.model import PropertySpec
from .shard import Shard
from .storage.lockfile import DataDirLock

COLLECTIONS_DIR = "collections"
_TOMBSTONE = ".deleted-"
MAINTENANCE_TICK = 1.0     # seconds between index housekeeping rounds (cheap when nothing is due)
log = logging.getLogger("loomdb")


class Database:
    """Opens every collection of a data directory; creates and drops collections."""

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = Path(data_dir)
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
            for shard in self.open_shards():
                try:
                    shard.maintain()
                except Exception:       # a shard closing under us, ...: the next tick tries again
                    log.exception("index maintenance of shard %s", shard.name)

    def open_shards(self) -> list[Shard]:
        """Every shard in memory: each collection's shard(s), each opened (HOT) tenant."""
        return [shard for collection in list(self._collections.values())
                for shard in collection.shards.open_shards()]

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
            self._collections[doc["class"]] = Collection(folder, doc, lookup=self.find_collection)

    # ---- schema -------------------------------------------------------------------------------------------
    def create_collection(self, body: dict) -> dict:
        """Normalise, validate and create; returns the full class document. NameTaken when a collection or an
        alias has the name already (case-insensitively: one namespace for both)."""
        doc = class_document.normalize_class(body)
        name = doc["class"]
        with self._schema_lock:
            self._check_open()
            self._check_name_free(name)
            self._check_reference_targets(list(class_document.property_specs(doc).values()), name)
            folder = self._root / name.lower()
            if folder.exists():
                shutil.rmtree(folder)
            shutil.rmtree(self.data_dir / OFFLOAD_DIR / folder.name, ignore_errors=True)   # offloaded tenants
            folder.mkdir(parents=True)
            collection = Collection(folder, doc, lookup=self.find_collection)
            collection.save()           # the class document last: its presence marks a complete create
            self._collections[name] = collection
        return doc

    def add_property(self, class_name: str, prop: dict) -> dict:
        """Validate a user-given property (POST /v1/schema/{C}/properties), add it, return it normalised."""
        collection = self.collection(class_name)
        normalised = class_document.normalize_property(prop, for_class=collection.name)
        self._check_reference_targets([class_document.property_spec(normalised)], collection.name)
        collection.add_properties([normalised])
        return normalised

    def _check_reference_targets(self, props: list[PropertySpec], class_name: str) -> None:
        class_document.check_reference_targets(props, class_name, lambda n: self.find_collection(n) is not None)

    def find_collection(self, name: str) -> Collection | None:
        """Case-insensitive lookup without aliases: Weaviate treats class names differing only in case as the
        same."""
        if name in self._collections:
            return self._collections[name]
        lower = name.lower()
        return next((c for n, c in self._collections.items() if n.lower() == lower), None)

    def collection(self, name: str) -> Collection:
        self._check_open()
        found = self._collections.get(name) or self.find_collection(name)
        if found is None and (target := self.aliases.resolve(name)) is not None:   # aliases resolve here only
            found = self.find_collection(target)
        if found is None:
            raise NotFound(f"could not find class {name} in schema")
        return found

    def _check_open(self) -> None:
        """After close() began, a request that reaches the database (a handler outliving the stop grace period)
        gets ShuttingDown, not "class not found" nor a write into a closed store."""
        if self._stopping.is_set():
            raise ShuttingDown("the server is shutting down")

    def has_collection(self, name: str) -> bool:
        return self.find_collection(name) is not None or self.aliases.resolve(name) is not None

    def collections(self) -> list[Collection]:
        return list(self._collections.values())

    def delete_collection(self, name: str) -> bool:
        """Drop a collection and its data; False if it did not exist (Weaviate answers 200 either way)."""
        with self._schema_lock:
            found = self.find_collection(name)
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

    # ---- backup support: consistent copies out, whole collections back in --------------------------------------
    def staging_folder(self, purpose: str) -> Path:
        """A fresh folder on the data directory's file system (so a restore moves it into place by rename),
        named like a dropped collection: a crash leaves nothing behind that the next open does not purge."""
        folder = self._root / f"{_TOMBSTONE}{purpose}-{uuid_mod.uuid4().hex}"
        folder.mkdir()
        return folder

    def snapshot_collection(self, name: str, dest: Path, workers: int = 1) -> CollectionSnapshot:
        """Copy the collection's files into `dest`, each shard as of one commit, while writes go on; `workers`
        threads checksum the copies."""
        collection = self.collection(name)
        files = backup.snapshot_collection(collection.path, self.data_dir / OFFLOAD_DIR / collection.path.name, dest,
                                           workers)
        return CollectionSnapshot(collection.name, collection.doc, tuple(files))

    def _check_name_free(self, name: str) -> None:
        """NameTaken when a collection or an alias has `name` (case-insensitively: one namespace for both).
        Called under the schema lock."""
        if (existing := self.find_collection(name)) is not None:
            raise NameTaken("class", name, existing.name)
        if (alias := self.aliases.find(name)) is not None:
            raise NameTaken("alias", name, alias)

    def restore_collection(self, staged: Path) -> dict:
        """Move a staged collection (the layout snapshot_collection writes) into place and open it; NameTaken
        when its name is in use. Nothing is moved before the checks pass."""
        doc = orjson.loads((staged / backup.COLLECTION_PART / CLASS_FILE).read_bytes())
        name = doc["class"]
        with self._schema_lock:
            self._check_name_free(name)
            folder = self._root / name.lower()
            shutil.rmtree(folder, ignore_errors=True)
            offload = self.data_dir / OFFLOAD_DIR / folder.name
            shutil.rmtree(offload, ignore_errors=True)
            if (staged / backup.OFFLOAD_PART).exists():
                offload.parent.mkdir(parents=True, exist_ok=True)
                (staged / backup.OFFLOAD_PART).rename(offload)
            (staged / backup.COLLECTION_PART).rename(folder)
            self._collections[name] = Collection(folder, doc, lookup=self.find_collection)
        return doc

    # ---- aliases: one namespace with collection names; the rules and wording are usecases/aliases.py ----------
    def alias_list(self) -> list[tuple[str, str]]:
        """(alias, collection) pairs, sorted by alias."""
        return self.aliases.items()

    def find_alias(self, name: str) -> tuple[str, str] | None:
        """(alias as stored, its collection) for an alias matching `name` case-insensitively, or None."""
        found = self.aliases.find(name)
        return None if found is None else (found, self.aliases.resolve(found) or "")

    def create_alias(self, alias: str, class_name: str) -> str:
        """Add `alias` for the collection `class_name`; returns the collection's stored name. NameTaken when a
        collection or an alias has that name already; NotFound when there is no such collection."""
        with self._schema_lock:
            if (existing := self.find_collection(alias)) is not None:
                raise NameTaken("class", alias, existing.name)
            if (taken := self.aliases.find(alias)) is not None:
                raise NameTaken("alias", alias, taken)
            target = self.find_collection(class_name)
            if target is None:
                raise NotFound(f"could not find class {class_name} in schema")
            self.aliases.put(alias, target.name)
            return target.name

    def replace_alias(self, alias: str, class_name: str) -> tuple[str, str] | None:
        """Point an existing alias at the collection `class_name`: (alias as stored, collection's stored name);
        None when there is no such alias, NotFound when there is no such collection."""
        with self._schema_lock:
            found = self.aliases.find(alias)
            if found is None:
                return None
            target = self.find_collection(class_name)
            if target is None:
                raise NotFound(f"could not find class {class_name} in schema")
            self.aliases.put(found, target.name)
            return found, target.name

    def delete_alias(self, alias: str) -> bool:
        with self._schema_lock:
            return self.aliases.remove(alias)

    def close(self) -> None:
        """Close every shard (checkpointing SQLite) and release the directory lock."""
        self._stopping.set()
        self._maintenance.join()
        with self._schema_lock:
            for collection in self._collections.values():
                collection.close()
            self._collections.clear()
            self._lock.release()
