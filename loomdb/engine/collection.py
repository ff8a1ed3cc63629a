"""One collection: its class document and the routing of reads and writes to its shards.

The class document (Weaviate's schema JSON with every default filled) is persisted as class.json and is the
single source of the typed PropertySpec / VectorSpec views. Which shard a request goes to, and tenants' states,
belong to the shards object the collection holds (tenancy.py).
"""
from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..entities.aggregate import AggregateParams, AggregateResult
from ..entities.errors import AlreadyExists, InvalidInput, LoomError, NotFound, Unsupported
from ..entities.filters import Filter
from ..entities.objects import IncomingObject, ObjectWrite, StoredObject, parse_uuid
from ..entities.search import Group, Hit, SearchParams
from ..entities.shard_stats import ShardStats
from .inverted.stopwords import stopword_set
from .keyed_locks import KeyedLocks
from .query import merge
from .query.aggregate import aggregate_shards
from .query.allowlist import FilterContext, allow_list
from .query.keyword import KeywordConfig
from .query.references import prepare_filters
from .query.references import resolve as resolve_refs
from .schema import class_document, class_update, datatypes, property_index
from .schema.model import MultiTenancySpec, PropertySpec, VectorSpec
from .shard import Shard
from .sharding import fan_out
from .tenancy import HashShards, SingleShard, TenantShards
from .vector.checks import vector_kind_problem

CLASS_FILE = "class.json"
SHARD_DIR = "shard"
OFFLOAD_DIR = "offload"              # <data>/offload/<collection folder>/<folder_name(tenant)>

CollectionLookup = Callable[[str], "Collection | None"]     # a collection by name, case-insensitive
PropertiesChange = Callable[[dict[str, Any]], dict[str, Any]]   # an object's properties -> its new properties


class WriteRules(Protocol):
    """What the objects use case decides while the collection writes objects (called under the collection lock,
    after tenant and existence checks, so the order of refusals stays Weaviate's)."""

    def inferred_properties(self, known: Mapping[str, PropertySpec], objects: list[IncomingObject]) -> list[dict]:
        """Auto-schema: property JSON for the properties `objects` use that `known` lacks ([] = none)."""
        ...

    def reference_value(self, class_name: str, spec: PropertySpec, value: Any, tenant: str = "") -> Any:
        """A reference property's value in an object of `tenant`, validated and in canonical stored form
        (InvalidInput otherwise)."""
        ...


def _lock_key(uuid: str) -> str:
    """The object lock key of a uuid as given: its canonical form (a malformed one fails later, as before)."""
    try:
        return parse_uuid(uuid)
    except LoomError:
        return uuid


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
    """A collection: one shard, N hash shards (shardingConfig desiredCount N), or with multi-tenancy one shard per
    tenant (`shards`, `tenants`).

    `lookup` finds other collections by name for the read side of cross-references (filters through references
    and resolving a page's references, engine/query/references.py); without it only self-references resolve."""

    def __init__(self, path: Path, doc: dict, lookup: CollectionLookup | None = None) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()      # schema changes and tenant state changes
        self._object_locks = KeyedLocks()   # object writes, per object: read-modify-writes stay atomic
        self._lookup: CollectionLookup = lookup or self._self_only
        self._set_doc(doc)
        self.tenants: TenantShards | None = None
        self.shards: SingleShard | HashShards | TenantShards
        sharding = doc.get("shardingConfig") or {}
        if self.multi_tenancy.enabled:
            offload_root = self.path.parent.parent / OFFLOAD_DIR / self.path.name
            self.tenants = TenantShards(self.path, offload_root, self.name, self.multi_tenancy, self._open_shard,
                                        self._lock)
            self.shards = self.tenants
        # desiredCount > 1: hash shards; a collection written before loomdb had them keeps its one shard/ folder
        elif int(sharding.get("desiredCount") or 1) > 1 and not (self.path / SHARD_DIR).exists():
            self.shards = HashShards(self.path, self.name, int(sharding["desiredCount"]),
                                     int(sharding.get("virtualPerPhysical") or 1), self._open_shard,
                                     write_json_atomically)
        else:
            self.shards = SingleShard(self._open_shard(self.path / SHARD_DIR), self.shard_name, self.name)

    def _self_only(self, name: str) -> Collection | None:
        return self if name.lower() == self.name.lower() else None

    def _open_shard(self, path: Path) -> Shard:
        return Shard(path, self.properties, self.vectors, self.keyword_config.stopwords)

    def _set_doc(self, doc: dict) -> None:
        self.doc = doc
        self.name: str = doc["class"]
        self.properties: dict[str, PropertySpec] = class_document.property_specs(doc)
        self.vectors: dict[str, VectorSpec] = class_document.vector_specs(doc)
        self.multi_tenancy: MultiTenancySpec = class_document.multi_tenancy_spec(doc)
        self._has_references = any(spec.is_reference for spec in self.properties.values())
        inverted = class_document.inverted_spec(doc)
        self.filter_context = FilterContext(self.name, inverted.index_timestamps, inverted.index_null_state,
                                            inverted.index_property_length)
        self.filter_context.doc = doc
        self.filter_context.peers = self._lookup
        self.keyword_config = KeywordConfig(
            self.name, inverted.bm25_k1, inverted.bm25_b,
            stopword_set(inverted.stopwords_preset, inverted.stopwords_additions, inverted.stopwords_removals))

    def _apply_doc(self, doc: dict) -> None:
        """Adopt a changed class document: persist it, refresh the views, and hand the new schema to the open
        shards (closed tenants get it when they open)."""
        self._set_doc(doc)
        self.save()
        if self.tenants is not None:
            self.tenants.options = self.multi_tenancy
        for shard in self.shards.open_shards():
            shard.update_schema(self.properties, self.vectors, self.keyword_config.stopwords)

    @property
    def shard_name(self) -> str:
        """The stable, Weaviate-looking name of the one shard of a collection with desiredCount 1."""
        return class_document.shard_name(self.name)

    def save(self) -> None:
        write_json_atomically(self.path / CLASS_FILE, self.doc)

    # ---- schema -------------------------------------------------------------------------------------------
    def add_properties(self, new_props: list[dict]) -> None:
        """Append normalised properties to the class document, persist it, and grow the shards' columns."""
        with self._lock:
            existing = {name.lower() for name in self.properties}
            for prop in new_props:
                if prop["name"].lower() in existing:
                    raise AlreadyExists(f"property '{prop['name']}' already exists in class '{self.name}'")
                existing.add(prop["name"].lower())
            self._apply_doc({**self.doc, "properties": list(self.doc.get("properties", [])) + new_props})

    def add_inferred_properties(self, props: list[dict]) -> None:
        """Auto-schema: add those of `props` (property JSON as inferred by the caller) that are valid and that the
        class still lacks, in one class document write. An invalid one (e.g. its name) is left out, so only the
        objects using it fail; one added meanwhile by another writer is kept as it is."""
        with self._lock:
            existing = {name.lower() for name in self.properties}
            wanted: list[dict] = []
            for prop in props:
                try:
                    normalised = class_document.normalize_property(prop, for_class=self.name)
                except InvalidInput:
                    continue
                if normalised["name"].lower() not in existing:
                    existing.add(normalised["name"].lower())
                    wanted.append(normalised)
            if wanted:
                self.add_properties(wanted)

    def update_doc(self, body: dict) -> dict:
        """PUT /v1/schema/{C}: validate the whole-class body (schema/class_update.py), persist the new document
        atomically and refresh the typed views; new vector spaces start empty, bm25/stopwords apply to the next
        query. Returns the stored document."""
        with self._lock:
            doc = class_update.apply_update(self.doc, body)
            self._apply_doc(doc)
            return doc

    def drop_property_index(self, prop_name: str, flag: str) -> dict:
        """Turn one index flag of a property off (schema/property_index.py); the open shards free what only that
        index used, closed tenants never build it. Returns the stored document."""
        with self._lock:
            self._apply_doc(property_index.without_index(self.doc, prop_name, flag))
            return self.doc

    # ---- shards -------------------------------------------------------------------------------------------
    @property
    def shard(self) -> Shard | None:
        """The one shard of a collection without multi-tenancy (None with it: see `tenants`)."""
        return self.shards.shard if isinstance(self.shards, SingleShard) else None

    def shard_stats(self, tenant: str | None = None) -> list[ShardStats]:
        """The figures of each shard (/v1/nodes, /metrics): the one shard, the hash shards, or one per ACTIVE
        tenant."""
        return self.shards.stats(tenant)

    def object_count(self) -> int:
        return self.shards.object_count()

    def close(self) -> None:
        self.shards.close()

    # ---- writes -------------------------------------------------------------------------------------------
    def _add_inferred(self, objects: list[IncomingObject], rules: WriteRules | None) -> None:
        if rules is not None and (props := rules.inferred_properties(self.properties, objects)):
            self.add_inferred_properties(props)

    def _prepare(self, obj: IncomingObject, rules: WriteRules | None) -> ObjectWrite:
        """Validate and coerce one object against the current schema (its keys split once); InvalidInput on any
        problem. Reference values go through `rules` (without rules they are stored as given)."""
        references = partial(rules.reference_value, self.name, tenant=obj.tenant) \
            if rules is not None and self._has_references else None
        props = datatypes.coerce_properties(self.properties, obj.properties, class_name=self.name,
                                            references=references)
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
        for name, vec in vectors.items():
            if name not in self.vectors:
                raise InvalidInput(f"collection {self.name} does not have named vector {name} configured. "
                                   f"Available named vectors {sorted(self.vectors)}")
            if vec.size and (problem := vector_kind_problem(name, vec, self.vectors[name].multi_vector)):
                raise InvalidInput(problem)
        return vectors

    def put_many(self, objects: list[IncomingObject], rules: WriteRules | None = None) -> list[str | None]:
        """Batch upsert: per-object error messages by position (None = stored). Nothing partial is stored.
        Objects go to their tenant's shard, or the shard owning their id; a tenant problem fails that tenant's
        objects only. Several shards write side by side, and so do concurrent batches of other objects."""
        self._add_inferred(objects, rules)
        errors: list[str | None] = [None] * len(objects)
        by_tenant: dict[str, list[int]] = {}
        for i, obj in enumerate(objects):
            by_tenant.setdefault(obj.tenant, []).append(i)
        now = now_ms()
        for tenant, members in by_tenant.items():
            try:
                self.shards.partition(tenant, [], create=True)     # tenant errors come first
            except LoomError as exc:
                for i in members:
                    errors[i] = exc.message
                continue
            writes: list[ObjectWrite] = []
            positions: list[int] = []
            for i in members:
                try:
                    writes.append(self._prepare(objects[i], rules))
                    positions.append(i)
                except (InvalidInput, Unsupported) as exc:     # fails this object only
                    errors[i] = exc.message
            with self._object_locks.hold(w.uuid for w in writes):
                parts = self.shards.partition(tenant, [w.uuid for w in writes], create=True)
                outcomes = fan_out(lambda part, batch=writes: part[0].put([batch[k] for k in part[1]], now), parts)
            for (_, owned), shard_errors in zip(parts, outcomes):
                for k, err in zip(owned, shard_errors):
                    errors[positions[k]] = err
        return errors

    def _put_one(self, shard: Shard, obj: IncomingObject, rules: WriteRules | None, keep_created: bool = True
                 ) -> None:
        self._add_inferred([obj], rules)
        self._write_one(shard, self._prepare(obj, rules), keep_created)

    @staticmethod
    def _write_one(shard: Shard, write: ObjectWrite, keep_created: bool = True) -> None:
        err = shard.put([write], now_ms(), keep_created=keep_created)[0]
        if err is not None:
            raise InvalidInput(err)

    def validate(self, obj: IncomingObject) -> None:
        """The checks of a write (properties against the schema, vectors) without storing anything
        (POST /v1/objects/validate); InvalidInput on the first problem."""
        self._prepare(obj, None)

    def insert(self, obj: IncomingObject, rules: WriteRules | None = None) -> None:
        """Create; an existing id is an error (Weaviate's REST insert)."""
        shard = self.shards.owner(obj.tenant, obj.uuid, create=True)
        uid = parse_uuid(obj.uuid)
        with self._object_locks.hold([uid]):
            if shard.slot_of(uid) is not None:
                raise AlreadyExists(f"id '{uid}' already exists")
            self._put_one(shard, obj, rules, keep_created=False)

    def replace(self, obj: IncomingObject, rules: WriteRules | None = None) -> None:
        """Overwrite an existing object completely (PUT)."""
        shard = self.shards.owner(obj.tenant, obj.uuid)
        uid = parse_uuid(obj.uuid)
        with self._object_locks.hold([uid]):
            if shard.slot_of(uid) is None:
                raise NotFound(f"object {obj.uuid} not found in class {self.name}")
            self._put_one(shard, obj, rules)

    def merge(self, obj: IncomingObject, rules: WriteRules | None = None) -> None:
        """Merge properties into an existing object (PATCH); vectors not given are kept. Given values replace
        stored ones, but given references are appended to the stored list (Weaviate's shard mergeProps); stored
        references are kept as they are (not validated again), unless the property is set to null."""
        with self._object_locks.hold([_lock_key(obj.uuid)]):
            current = self.get(obj.uuid, with_vectors=True, tenant=obj.tenant)
            if current is None:
                raise NotFound(f"object {obj.uuid} not found in class {self.name}")
            stored_refs = {name: value for name, value in current.properties.items()
                           if name in self.properties and self.properties[name].is_reference}
            props = {k: v for k, v in current.properties.items() if k not in stored_refs}
            merged = IncomingObject(obj.uuid, {**props, **obj.properties},
                                    {**current.vectors, **obj.vectors}, obj.unnamed_vector, tenant=obj.tenant)
            if obj.unnamed_vector is not None and len(self.vectors) == 1:
                merged.vectors.pop(next(iter(self.vectors)), None)
            self._add_inferred([merged], rules)
            write = self._prepare(merged, rules)
            for name, stored in stored_refs.items():
                if name not in obj.properties or obj.properties[name] is not None:
                    write.properties[name] = list(stored) + list(write.properties.get(name) or [])
            self._write_one(self.shards.owner(obj.tenant, obj.uuid), write)

    def update_objects(self, changes: dict[str, PropertiesChange], tenant: str = "") -> dict[str, str | None]:
        """Read-modify-write of existing objects' properties under their object locks, written together in one
        Shard.put per shard (the one write path; vectors and creation times kept, values stored as `change`
        returns them). Returns uuid -> write error (None = written) for the uuids of `changes` that exist; missing
        ones are left out."""
        with self._object_locks.hold(map(_lock_key, changes)):
            uuids = list(changes)
            writes: list[ObjectWrite] = []
            for uuid, current in zip(uuids, self.fetch_by_uuids(uuids, with_vectors=True, tenant=tenant)):
                if current is not None:
                    props = changes[uuid](dict(current.properties))
                    writes.append(ObjectWrite(current.uuid, props, dict(current.vectors)))
            outcome: dict[str, str | None] = {}
            now = now_ms()
            for shard, owned in self.shards.partition(tenant, [w.uuid for w in writes]) if writes else []:
                mine = [writes[k] for k in owned]
                outcome.update(zip((w.uuid for w in mine), shard.put(mine, now, keep_created=True)))
            return {w.uuid: outcome[w.uuid] for w in writes}

    def update_object(self, uuid: str, change: PropertiesChange, tenant: str = "") -> bool:
        """`update_objects` for one object: False when it does not exist, InvalidInput when the write fails."""
        outcome = self.update_objects({uuid: change}, tenant)
        if uuid not in outcome:
            return False
        if (err := outcome[uuid]) is not None:
            raise InvalidInput(err)
        return True

    def delete(self, uuids: list[str], tenant: str = "") -> list[bool]:
        parsed = [parse_uuid(u) for u in uuids]
        with self._object_locks.hold(parsed):
            existed = [False] * len(uuids)
            for shard, owned in self.shards.partition(tenant, parsed):
                for k, found in zip(owned, shard.delete([parsed[k] for k in owned])):
                    existed[k] = found
            return existed

    def delete_where(self, flt: Filter, dry_run: bool, limit: int, tenant: str = "") -> tuple[list[str], int]:
        """Delete (or with dry_run just find) objects matching `flt`; at most `limit` per call, like Weaviate's
        QUERY_MAXIMUM_RESULTS bound (shard by shard, in name order). Returns (uuids matched and acted on, total
        matches)."""
        shards = self.shards.searched(tenant)
        flt = prepare_filters(flt, self.filter_context, tenant)     # through references: before the read lock
        uuids: list[str] = []
        total = 0
        for shard in shards:
            with shard.read():
                slots = np.flatnonzero(allow_list(shard, flt, self.filter_context))
                uuids.extend(shard.uuids_of(slots[:max(limit - len(uuids), 0)]))
                total += len(slots)
        if not dry_run and uuids:
            self.delete(uuids, tenant)
        return uuids, total

    # ---- reads --------------------------------------------------------------------------------------------
    def get(self, uuid: str, with_vectors: bool | list[str] = False, tenant: str = "") -> StoredObject | None:
        shard = self.shards.owner(tenant, uuid)
        doc = shard.doc_of(parse_uuid(uuid))
        if doc is None:
            return None
        return shard.fetch([doc], with_vectors)[0]

    def exists(self, uuid: str, tenant: str = "") -> bool:
        return self.shards.owner(tenant, uuid).slot_of(parse_uuid(uuid)) is not None

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
        shards = self.shards.searched(params.tenant)
        for key in params.sort:
            for shard in shards:
                shard.ensure_text_sort_column(key.path)
        return merge.search(shards, params, self.filter_context, self._target(params), self.keyword_config)

    def search_groups(self, params: SearchParams) -> list[Group]:
        """A group_by search: groups of hits (objects are fetched by the caller)."""
        return merge.search_groups(self.shards.searched(params.tenant), params, self.filter_context,
                                   self._target(params), self.keyword_config)

    def _target(self, params: SearchParams | AggregateParams) -> str | None:
        """The vector space a search runs against (None when it uses none, or several: a multi-target join)."""
        target = None
        if params.near_vector is not None:
            if params.near_vector.join is None:
                target = self.resolve_target(params.near_vector.target)
        elif params.hybrid is not None and params.hybrid.alpha > 0 and params.hybrid.join is None:
            h = params.hybrid
            target = self.resolve_target(h.near_vector.target if h.near_vector is not None and
                                         h.near_vector.target else h.target)
        return target

    def count(self, params: SearchParams) -> int:
        return merge.count(self.shards.searched(params.tenant), params, self.filter_context)

    def aggregate(self, params: AggregateParams) -> AggregateResult:
        """Metrics over the matched objects (all / filtered / nearest by vector), optionally grouped."""
        target = self._target(params)
        return aggregate_shards(self.shards.searched(params.tenant), params, self.filter_context, target,
                         self.keyword_config)

    def fetch(self, hits: list[Hit], with_vectors: bool | list[str] = False, tenant: str = ""
              ) -> list[StoredObject | None]:
        """The hits' objects (None where one vanished), each read from the shard that found it."""
        shards = self.shards.searched(tenant)
        if len(shards) == 1:
            return shards[0].fetch([h.doc for h in hits], with_vectors)
        out: list[StoredObject | None] = [None] * len(hits)
        for index, shard in enumerate(shards):
            mine = [i for i, h in enumerate(hits) if h.shard == index]
            if mine:
                for i, obj in zip(mine, shard.fetch([hits[i].doc for i in mine], with_vectors)):
                    out[i] = obj
        return out

    # ---- the read side of cross-references (engine/query/references.py) ----------------------------------
    def allowed_uuid_keys(self, flt: Filter, tenant: str = "") -> np.ndarray:
        """uuids (16-byte keys) of the live objects matching `flt`: the inner side of a filter through a
        reference pointing at this collection."""
        shards = self.shards.searched(tenant)
        flt = prepare_filters(flt, self.filter_context, tenant)
        keys = []
        for shard in shards:
            with shard.read():
                slots = np.flatnonzero(allow_list(shard, flt, self.filter_context))
                keys.append(shard.uuid_keys()[slots].copy())
        return keys[0] if len(keys) == 1 else np.concatenate(keys)

    def fetch_by_uuids(self, uuids: list[str], with_vectors: bool | list[str] | tuple = False, tenant: str = ""
                       ) -> list[StoredObject | None]:
        """Objects by id, one store read per owning shard (None for ids that do not exist)."""
        vectors = list(with_vectors) if isinstance(with_vectors, tuple) else with_vectors
        out: list[StoredObject | None] = [None] * len(uuids)
        for shard, owned in self.shards.partition(tenant, [parse_uuid(u) for u in uuids]):
            with shard.read():
                slots = [shard.slot_of(uuids[k]) for k in owned]
                present = [(k, s) for k, s in zip(owned, slots) if s is not None]
                docs = shard.docs_of([s for _, s in present]).tolist() if present else []
            for (k, _), obj in zip(present, shard.fetch(docs, vectors)):
                out[k] = obj
        return out

    def resolve_references(self, objects: list[StoredObject], queries, tenant: str) -> list[dict]:
        """Referenced objects of a page's objects (of `tenant`), per reference property (query/references.py)."""
        return resolve_refs(self._lookup, objects, queries, tenant)
