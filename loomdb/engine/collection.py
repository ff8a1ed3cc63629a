"""One collection: its class document, validation/coercion of incoming objects, auto-schema, and its shard.

The class document (Weaviate's schema JSON with every default filled) is persisted as class.json and is the
single source of the typed PropertySpec / VectorSpec views.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from pathlib import Path

import numpy as np

from ..entities.aggregate import AggregateParams, AggregateResult
from ..entities.errors import AlreadyExists, InvalidInput, NotFound, Unsupported
from ..entities.filters import Filter
from ..entities.objects import IncomingObject, ObjectWrite, StoredObject, parse_uuid
from ..entities.search import Group, Hit, SearchParams
from .inverted.stopwords import stopword_set
from .query.aggregate import aggregate
from .query.allowlist import FilterContext, allow_list
from .query.keyword import KeywordConfig
from .query.pipeline import count, select, select_groups
from .schema import class_document, datatypes
from .schema.model import PropertySpec, VectorSpec
from .shard import Shard

CLASS_FILE = "class.json"
SHARD_DIR = "shard"


def now_ms() -> int:
    return int(time.time() * 1000)


def write_json_atomically(path: Path, doc: dict) -> None:
    """tmp file + fsync + rename: a crash leaves the old or the new document, never half of one."""
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class Collection:
    """A collection with a single shard (multi-tenancy adds one shard per tenant later)."""

    def __init__(self, path: Path, doc: dict, autoschema: bool = True) -> None:
        self.path = Path(path)
        self.autoschema = autoschema
        self._lock = threading.RLock()      # schema changes and read-modify-write object operations
        self._set_doc(doc)
        self.shard = Shard(self.path / SHARD_DIR, self.properties, self.vectors, self.keyword_config.stopwords)

    def _set_doc(self, doc: dict) -> None:
        self.doc = doc
        self.name: str = doc["class"]
        self.properties: dict[str, PropertySpec] = class_document.property_specs(doc)
        self.vectors: dict[str, VectorSpec] = class_document.vector_specs(doc)
        inverted = doc.get("invertedIndexConfig", {})
        self.filter_context = FilterContext(self.name, bool(inverted.get("indexTimestamps")),
                                            bool(inverted.get("indexNullState")),
                                            bool(inverted.get("indexPropertyLength")))
        bm25 = inverted.get("bm25") or {}
        stop = inverted.get("stopwords") or {}
        self.keyword_config = KeywordConfig(
            self.name, float(bm25.get("k1", 1.2)), float(bm25.get("b", 0.75)),
            stopword_set(stop.get("preset"), stop.get("additions"), stop.get("removals")))

    @property
    def shard_name(self) -> str:
        """A stable, Weaviate-looking shard name (one shard per collection until multi-tenancy)."""
        return hashlib.sha1(self.name.encode()).hexdigest()[:12]

    def save(self) -> None:
        write_json_atomically(self.path / CLASS_FILE, self.doc)

    # ---- schema -------------------------------------------------------------------------------------------
    def add_properties(self, new_props: list[dict]) -> None:
        """Append normalised properties to the class document, persist it, and grow the shard's columns."""
        with self._lock:
            existing = {p["name"].lower() for p in self.doc.get("properties", [])}
            for prop in new_props:
                if prop["name"].lower() in existing:
                    raise AlreadyExists(f"property '{prop['name']}' already exists in class '{self.name}'")
                existing.add(prop["name"].lower())
            doc = dict(self.doc)
            doc["properties"] = list(doc.get("properties", [])) + new_props
            self._set_doc(doc)
            self.save()
            self.shard.update_schema(self.properties, self.vectors, self.keyword_config.stopwords)

    def add_property(self, prop: dict) -> dict:
        """Validate a user-given property (POST /v1/schema/{C}/properties), add it, return it normalised."""
        normalised = class_document.normalize_property(prop, for_class=self.name)
        self.add_properties([normalised])
        return normalised

    def _autoschema(self, objects: list[IncomingObject]) -> None:
        """Add properties that incoming objects use but the schema lacks, with inferred types."""
        inferred: dict[str, dict] = {}
        for obj in objects:
            _, unknown = datatypes.split_unknown(self.properties, obj.properties)
            for name, value in unknown.items():
                if name in inferred or (prop := datatypes.infer_property(name, value)) is None:
                    continue
                try:
                    inferred[name] = class_document.normalize_property(prop, for_class=self.name)
                except InvalidInput:
                    continue   # e.g. an invalid name: only the objects using it fail, in _prepare
        if inferred:
            self.add_properties(list(inferred.values()))

    # ---- writes -------------------------------------------------------------------------------------------
    def _prepare(self, obj: IncomingObject) -> ObjectWrite:
        """Validate and coerce one object against the current schema; InvalidInput on any problem."""
        known, unknown = datatypes.split_unknown(self.properties, obj.properties)
        if unknown:
            name = next(iter(unknown))
            raise InvalidInput(f"invalid object: no such prop with name '{name}' found in class '{self.name}' in "
                               "the schema. Check your schema files for which properties in this class are available")
        refs = [name for name in known if self.properties[name].is_reference]
        if refs:    # until a reference layer exists, never store beacons as opaque values
            raise Unsupported(f"property '{refs[0]}' on class '{self.name}': cross-references are not supported by "
                              "loomdb yet")
        props = datatypes.coerce_properties(self.properties, known, class_name=self.name)
        return ObjectWrite(parse_uuid(obj.uuid), props, self._resolve_vectors(obj))

    def _resolve_vectors(self, obj: IncomingObject) -> dict[str, np.ndarray]:
        vectors = dict(obj.vectors)
        if obj.unnamed_vector is not None and len(obj.unnamed_vector):
            if len(self.vectors) == 1:
                vectors.setdefault(next(iter(self.vectors)), obj.unnamed_vector)
            elif not self.vectors:
                raise InvalidInput(f"collection {self.name} has no vector configured")
            else:
                raise InvalidInput(f"collection {self.name} has multiple vectors, but no target vector name was "
                                   "provided for the vector")
        for name in vectors:
            if name not in self.vectors:
                raise InvalidInput(f"collection {self.name} does not have named vector {name} configured. "
                                   f"Available named vectors {sorted(self.vectors)}")
        return vectors

    def put_many(self, objects: list[IncomingObject]) -> list[str | None]:
        """Batch upsert: per-object error messages by position (None = stored). Nothing partial is stored."""
        with self._lock:
            if self.autoschema:
                self._autoschema(objects)
            errors: list[str | None] = [None] * len(objects)
            writes: list[ObjectWrite] = []
            positions: list[int] = []
            for i, obj in enumerate(objects):
                try:
                    writes.append(self._prepare(obj))
                    positions.append(i)
                except (InvalidInput, Unsupported) as exc:     # fails this object only
                    errors[i] = exc.message
            for pos, err in zip(positions, self.shard.put(writes, now_ms())):
                errors[pos] = err
            return errors

    def _put_one(self, obj: IncomingObject, keep_created: bool = True) -> None:
        if self.autoschema:
            self._autoschema([obj])
        err = self.shard.put([self._prepare(obj)], now_ms(), keep_created=keep_created)[0]
        if err is not None:
            raise InvalidInput(err)

    def insert(self, obj: IncomingObject) -> None:
        """Create; an existing id is an error (Weaviate's REST insert)."""
        with self._lock:
            uid = parse_uuid(obj.uuid)
            if self.shard.slot_of(uid) is not None:
                raise AlreadyExists(f"id '{uid}' already exists")
            self._put_one(obj, keep_created=False)

    def replace(self, obj: IncomingObject) -> None:
        """Overwrite an existing object completely (PUT)."""
        with self._lock:
            if self.shard.slot_of(parse_uuid(obj.uuid)) is None:
                raise NotFound(f"object {obj.uuid} not found in class {self.name}")
            self._put_one(obj)

    def merge(self, obj: IncomingObject) -> None:
        """Merge properties into an existing object (PATCH); vectors not given are kept."""
        with self._lock:
            current = self.get(obj.uuid, with_vectors=True)
            if current is None:
                raise NotFound(f"object {obj.uuid} not found in class {self.name}")
            merged = IncomingObject(obj.uuid, {**current.properties, **obj.properties},
                                    {**current.vectors, **obj.vectors}, obj.unnamed_vector)
            if obj.unnamed_vector is not None and len(self.vectors) == 1:
                merged.vectors.pop(next(iter(self.vectors)), None)
            self._put_one(merged)

    def delete(self, uuids: list[str]) -> list[bool]:
        with self._lock:
            return self.shard.delete([parse_uuid(u) for u in uuids])

    def delete_where(self, flt: Filter, dry_run: bool, limit: int) -> tuple[list[str], int]:
        """Delete (or with dry_run just find) objects matching `flt`; at most `limit` per call, like Weaviate's
        QUERY_MAXIMUM_RESULTS bound. Returns (uuids matched and acted on, total matches)."""
        with self._lock:
            with self.shard.read():
                slots = np.flatnonzero(allow_list(self.shard, flt, self.filter_context))
                uuids = self.shard.uuids_of(slots[:limit])
            if not dry_run and uuids:
                self.shard.delete(uuids)
            return uuids, len(slots)

    # ---- reads --------------------------------------------------------------------------------------------
    def get(self, uuid: str, with_vectors: bool | list[str] = False) -> StoredObject | None:
        doc = self.shard.doc_of(parse_uuid(uuid))
        if doc is None:
            return None
        return self.shard.fetch([doc], with_vectors)[0]

    def exists(self, uuid: str) -> bool:
        return self.shard.slot_of(parse_uuid(uuid)) is not None

    def resolve_target(self, target: str | None) -> str:
        """The vector space a vector query runs against (Weaviate's target-vector rules and messages)."""
        if target is None:
            if len(self.vectors) == 1:
                return next(iter(self.vectors))
            if not self.vectors:
                raise InvalidInput(f"class {self.name} has no vector index configured")
            raise InvalidInput(f"class {self.name} has multiple vectors, but no target vectors were provided")
        if target not in self.vectors:
            raise InvalidInput(f"class {self.name} does not have named vector {target} configured. "
                               f"Available named vectors {sorted(self.vectors)}")
        return target

    def search(self, params: SearchParams) -> list[Hit]:
        for key in params.sort:
            self.shard.ensure_text_sort_column(key.path)
        return select(self.shard, params, self.filter_context, self._target(params), self.keyword_config)

    def search_groups(self, params: SearchParams) -> list[Group]:
        """A group_by search: groups of hits (objects are fetched by the caller)."""
        return select_groups(self.shard, params, self.filter_context, self._target(params), self.keyword_config)

    def _target(self, params: SearchParams | AggregateParams) -> str | None:
        """The vector space a search runs against (None when it uses none)."""
        target = None
        if params.near_vector is not None:
            target = self.resolve_target(params.near_vector.target)
        elif params.hybrid is not None and params.hybrid.alpha > 0:
            h = params.hybrid
            target = self.resolve_target(h.near_vector.target if h.near_vector is not None and
                                         h.near_vector.target else h.target)
        return target

    def count(self, params: SearchParams) -> int:
        return count(self.shard, params, self.filter_context)

    def aggregate(self, params: AggregateParams) -> AggregateResult:
        """Metrics over the matched objects (all / filtered / nearest by vector), optionally grouped."""
        target = self._target(params)
        return aggregate(self.shard, params, self.filter_context, target, self.keyword_config)

    def fetch(self, hits: list[Hit], with_vectors: bool | list[str] = False) -> list[StoredObject | None]:
        return self.shard.fetch([h.doc for h in hits], with_vectors)

    def object_count(self) -> int:
        return self.shard.object_count()

    def close(self) -> None:
        self.shard.close()
