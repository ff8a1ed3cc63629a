"""One collection: its class document, validation/coercion of incoming objects, auto-schema, and its shard.

The class document (Weaviate's schema JSON with every default filled) is persisted as class.json and is the
single source of the typed PropertySpec / VectorSpec views.
"""
from __future__ import annotations

import json
import os
import shutil
import threading
import time
import uuid as uuid_mod
from pathlib import Path

import numpy as np

from ..entities.aggregate import AggregateParams, AggregateResult
from ..entities.errors import AlreadyExists, InvalidInput, LoomError, NotFound, Unsupported
from ..entities.filters import Filter
from ..entities.objects import IncomingObject, ObjectWrite, StoredObject, parse_uuid
from ..entities.search import Group, Hit, SearchParams
from . import references
from .inverted.stopwords import stopword_set
from .query.aggregate import aggregate
from .query.allowlist import FilterContext, allow_list
from .query.keyword import KeywordConfig
from .query.pipeline import count, select, select_groups
from .query.references import prepare_filters
from .query.references import resolve as resolve_refs
from .schema import class_document, class_update, datatypes
from .schema.model import PropertySpec, VectorSpec
from .shard import Shard
from .tenants import FREEZING, FROZEN, HOT, UNFREEZING, TenantRegistry, folder_name, parse_status, validate_names

CLASS_FILE = "class.json"
SHARD_DIR = "shard"
TENANTS_DIR = "tenants"              # <collection>/tenants/<folder_name(tenant)>/objects.sqlite
TENANT_REGISTRY = "tenants.sqlite"   # <collection>/tenants.sqlite
TENANT_TOMBSTONES = ".deleted-tenants"
OFFLOAD_DIR = "offload"              # <data>/offload/<collection folder>/<folder_name(tenant)>


class _Tenant:
    """One tenant in memory: its state, its shard while open, its object count when the shard last closed."""

    __slots__ = ("status", "shard", "objects")

    def __init__(self, status: str, objects: int = 0) -> None:
        self.status = status
        self.shard: Shard | None = None
        self.objects = objects


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
    """A collection: one shard, or with multi-tenancy one shard per tenant (opened lazily, closed when the tenant
    is deactivated)."""

    def __init__(self, path: Path, doc: dict, autoschema: bool = True) -> None:
        self.path = Path(path)
        self.autoschema = autoschema
        self._lock = threading.RLock()      # schema changes and read-modify-write object operations
        self._tenant_lock = threading.RLock()   # the tenants dict and state changes (taken after _lock)
        self._set_doc(doc)
        self.tenants: dict[str, _Tenant] = {}
        self._registry: TenantRegistry | None = None
        self.shard: Shard | None = None
        if self.multi_tenant:
            self._open_tenants()
        else:
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
        self.filter_context.doc = doc
        self.filter_context.peers = self.peer
        bm25 = inverted.get("bm25") or {}
        stop = inverted.get("stopwords") or {}
        self.keyword_config = KeywordConfig(
            self.name, float(bm25.get("k1", 1.2)), float(bm25.get("b", 0.75)),
            stopword_set(stop.get("preset"), stop.get("additions"), stop.get("removals")))

    @property
    def shard_name(self) -> str:
        """A stable, Weaviate-looking shard name (one shard per collection until multi-tenancy)."""
        return class_document.shard_name(self.name)

    def save(self) -> None:
        write_json_atomically(self.path / CLASS_FILE, self.doc)

    # ---- tenants ------------------------------------------------------------------------------------------
    @property
    def multi_tenant(self) -> bool:
        return bool((self.doc.get("multiTenancyConfig") or {}).get("enabled"))

    def _mt_option(self, key: str) -> bool:
        return bool((self.doc.get("multiTenancyConfig") or {}).get(key))

    @property
    def _offload_root(self) -> Path:
        return self.path.parent.parent / OFFLOAD_DIR / self.path.name

    def _tenant_path(self, tenant: str) -> Path:
        return self.path / TENANTS_DIR / folder_name(tenant)

    def _offload_path(self, tenant: str) -> Path:
        return self._offload_root / folder_name(tenant)

    def _open_tenants(self) -> None:
        """Read the registry only: no shard is opened and no tenant folder touched (tenants open lazily)."""
        shutil.rmtree(self.path / TENANT_TOMBSTONES, ignore_errors=True)
        self._registry = TenantRegistry(self.path / TENANT_REGISTRY)
        for name, status, objects in self._registry.load():
            # a crash mid-move leaves a transitional state: the move is redone on the next activation
            self.tenants[name] = _Tenant(FROZEN if status in (FREEZING, UNFREEZING) else status, objects)

    def _require_mt(self) -> None:
        if not self.multi_tenant:   # Weaviate's usecases/schema multiTenancy() wording
            raise InvalidInput(f'multi-tenancy is not enabled for class "{self.name}"')

    def shard_for(self, tenant: str = "", create: bool = False) -> Shard:
        """The shard a request is scoped to, with Weaviate's multi-tenancy checks and wording. `create`: a write
        that may create a missing tenant (autoTenantCreation: batch and single inserts, as Weaviate >= 1.25.2).
        An inactive tenant is activated when autoTenantActivation is on, refused otherwise."""
        if not self.multi_tenant:
            if tenant:
                raise InvalidInput(f"class {self.name} has multi-tenancy disabled, but request was with tenant")
            return self.shard
        if not tenant:
            raise InvalidInput(f"class {self.name} has multi-tenancy enabled, but request was without tenant")
        found = self.tenants.get(tenant)
        if found is not None and found.shard is not None and found.status == HOT:
            return found.shard          # the common case, without the lock
        with self._tenant_lock:
            found = self.tenants.get(tenant)
            if found is None:
                if not (create and self._mt_option("autoTenantCreation")):
                    raise InvalidInput(f'tenant not found: "{tenant}"')
                self.add_tenants([(tenant, HOT)])
                found = self.tenants[tenant]
            if found.status != HOT:
                if not self._mt_option("autoTenantActivation"):
                    raise InvalidInput(f"tenant not active: '{tenant}'")
                self._registry.upsert([self._set_status(tenant, found, HOT)])
            if found.shard is None:
                local = self._tenant_path(tenant)
                if not local.exists() and self._offload_path(tenant).exists():
                    self._move(self._offload_path(tenant), local)   # crashed after offloading, before the registry
                found.shard = Shard(self._tenant_path(tenant), self.properties, self.vectors,
                                    self.keyword_config.stopwords)
            return found.shard

    def open_shards(self) -> list[Shard]:
        """The shards in memory now (inactive tenants have none)."""
        if not self.multi_tenant:
            return [self.shard] if self.shard is not None else []
        return [t.shard for t in list(self.tenants.values()) if t.shard is not None]

    def tenant_list(self, names: list[str] | None = None) -> list[tuple[str, str]]:
        """(name, state) of every tenant, or of those of `names` that exist."""
        self._require_mt()
        items = list(self.tenants.items())
        if names is not None:
            wanted = set(names)
            items = [(n, t) for n, t in items if n in wanted]
        return [(n, t.status) for n, t in items]

    def tenant_status(self, name: str) -> str | None:
        self._require_mt()
        found = self.tenants.get(name)
        return None if found is None else found.status

    def add_tenants(self, requested: list[tuple[str, object]]) -> list[tuple[str, str]]:
        """Create tenants (state defaults to HOT); existing ones are left as they are, as in Weaviate.
        Returns the validated (name, state) list."""
        self._require_mt()
        validate_names([n for n, _ in requested])
        wanted: dict[str, str] = {}
        for name, status in requested:
            wanted.setdefault(name, parse_status(name, status, allow_empty=True))
        with self._tenant_lock:
            new = [(n, s) for n, s in wanted.items() if n not in self.tenants]
            for name, _ in new:         # leftovers of a tenant deleted before a crash must not resurface
                for stale in (self._tenant_path(name), self._offload_path(name)):
                    if stale.exists():
                        shutil.rmtree(stale, ignore_errors=True)
            self._registry.upsert([(n, s, 0) for n, s in new])
            for name, status in new:
                self.tenants[name] = _Tenant(status)
        return list(wanted.items())

    def update_tenants(self, requested: list[tuple[str, object]]) -> list[tuple[str, str]]:
        """Change tenants' states (HOT / COLD / FROZEN). Unknown tenants are reported after the others changed,
        as Weaviate does (`shard not found: [names]`)."""
        self._require_mt()
        validate_names([n for n, _ in requested])
        wanted: dict[str, str] = {}
        for name, status in requested:
            wanted[name] = parse_status(name, status, allow_empty=False)
        missing: list[str] = []
        with self._lock, self._tenant_lock:
            changed = []
            try:
                for name, status in wanted.items():
                    found = self.tenants.get(name)
                    if found is None:
                        missing.append(name)
                    elif found.status != status:
                        changed.append(self._set_status(name, found, status))
            finally:
                self._registry.upsert(changed)    # one transaction for the whole request
        if missing:
            raise InvalidInput(f"shard not found: [{' '.join(missing)}]")
        return list(wanted.items())

    def _set_status(self, name: str, tenant: _Tenant, status: str) -> tuple[str, str, int]:
        """Move a tenant to a state: close its shard (COLD, FROZEN), move its folder to / from the offload
        directory (one rename each way: same file system, atomic). Returns the registry row the caller persists."""
        if tenant.shard is not None and status != HOT:
            tenant.objects = tenant.shard.object_count()
            tenant.shard.close()
            tenant.shard = None
        local, offloaded = self._tenant_path(name), self._offload_path(name)
        if status == FROZEN:
            tenant.status = FREEZING
            self._move(local, offloaded)
        elif tenant.status == FROZEN:
            tenant.status = UNFREEZING
            self._move(offloaded, local)
        tenant.status = status
        return name, status, tenant.objects

    @staticmethod
    def _move(src: Path, dst: Path) -> None:
        if not src.exists():
            return      # a tenant never written to has no folder (or the move already happened before a crash)
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.exists():
            shutil.rmtree(dst)
        os.replace(src, dst)

    def delete_tenants(self, names: list[str]) -> None:
        """Drop tenants and their data; unknown names are ignored, as in Weaviate."""
        self._require_mt()
        for i, name in enumerate(names):
            if not name:
                raise InvalidInput(f"empty tenant name at index {i}")
        with self._lock, self._tenant_lock:
            gone = [n for n in dict.fromkeys(names) if n in self.tenants]
            self._registry.delete(gone)
            for name in gone:
                tenant = self.tenants.pop(name)
                if tenant.shard is not None:
                    tenant.shard.close()
                for folder in (self._tenant_path(name), self._offload_path(name)):
                    if folder.exists():     # out of the way first, so a re-created tenant starts empty
                        tomb = self.path / TENANT_TOMBSTONES / uuid_mod.uuid4().hex
                        tomb.parent.mkdir(exist_ok=True)
                        os.replace(folder, tomb)
                        shutil.rmtree(tomb, ignore_errors=True)

    def shard_counts(self, tenant: str | None = None) -> list[tuple[str, int, bool]]:
        """(shard name, object count, compressed) per loaded shard: the one shard, or one per ACTIVE tenant
        (Weaviate lists only HOT tenants' shards); a tenant whose shard is not open reports its count from when
        it closed. `compressed`: a vector index of the shard holds codes (PQ/SQ/BQ/RQ) now."""
        if not self.multi_tenant:
            return [(self.shard_name, self.shard.object_count(), self.shard.compressed)]
        items = list(self.tenants.items())
        if tenant:
            items = [(n, t) for n, t in items if n == tenant]
        return [(n, t.shard.object_count(), t.shard.compressed) if t.shard is not None else (n, t.objects, False)
                for n, t in items if t.status == HOT]

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
            for shard in self._open_shards():     # closed tenants get the new schema when they open
                shard.update_schema(self.properties, self.vectors, self.keyword_config.stopwords)

    def add_property(self, prop: dict) -> dict:
        """Validate a user-given property (POST /v1/schema/{C}/properties), add it, return it normalised."""
        normalised = class_document.normalize_property(prop, for_class=self.name)
        references.check_targets_exist([normalised], self.name, self.peer)
        self.add_properties([normalised])
        return normalised

    def update_doc(self, body: dict) -> dict:
        """PUT /v1/schema/{C}: validate the whole-class body (schema/class_update.py), persist the new document
        atomically and refresh the typed views; new vector spaces start empty, bm25/stopwords apply to the next
        query. Returns the stored document."""
        with self._lock:
            doc = class_update.apply_update(self.doc, body)
            self._set_doc(doc)
            self.save()
            for shard in self._open_shards():
                shard.update_schema(self.properties, self.vectors, self.keyword_config.stopwords)
            return doc

    def _open_shards(self) -> list[Shard]:
        shards = [self.shard] if self.shard is not None else []
        return shards + [t.shard for t in getattr(self, "tenants", {}).values() if t.shard is not None]

    def shard_statuses(self) -> list[tuple[str, str]]:
        """(shard name, READY|READONLY) of the collection's open shard(s)."""
        if self.shard is not None:
            return [(self.shard_name, self.shard.status)]
        return [(name, t.shard.status if t.shard is not None else "READY")     # Weaviate lists HOT tenants only
                for name, t in list(getattr(self, "tenants", {}).items()) if t.status == HOT]

    def set_shard_status(self, shard_name: str, status: str) -> str:
        """config.update_shards: READY or READONLY (Weaviate's storagestate.ValidateStatus wording)."""
        if status not in ("READY", "READONLY"):
            raise InvalidInput("invalid storage status")
        if self.shard is not None and shard_name == self.shard_name:
            self.shard.status = status
            return status
        tenant = getattr(self, "tenants", {}).get(shard_name)
        if tenant is None or tenant.shard is None:
            raise NotFound(f"shard {shard_name} not found in class {self.name}")
        tenant.shard.status = status
        return status

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
        refs = {name: value for name, value in known.items() if self.properties[name].is_reference}
        if refs:    # beacons validated and stored in canonical form (engine/references.py)
            known = {**known, **{name: references.object_refs(self, name, value) for name, value in refs.items()}}
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
        """Batch upsert: per-object error messages by position (None = stored). Nothing partial is stored.
        Objects go to their tenant's shard; a tenant problem fails that tenant's objects only."""
        with self._lock:
            if self.autoschema:
                self._autoschema(objects)
            errors: list[str | None] = [None] * len(objects)
            by_tenant: dict[str, list[int]] = {}
            for i, obj in enumerate(objects):
                by_tenant.setdefault(obj.tenant, []).append(i)
            for tenant, members in by_tenant.items():
                try:
                    shard = self.shard_for(tenant, create=True)
                except LoomError as exc:
                    for i in members:
                        errors[i] = exc.message
                    continue
                writes: list[ObjectWrite] = []
                positions: list[int] = []
                for i in members:
                    try:
                        writes.append(self._prepare(objects[i]))
                        positions.append(i)
                    except (InvalidInput, Unsupported) as exc:     # fails this object only
                        errors[i] = exc.message
                for pos, err in zip(positions, shard.put(writes, now_ms())):
                    errors[pos] = err
            return errors

    def _put_one(self, shard: Shard, obj: IncomingObject, keep_created: bool = True) -> None:
        if self.autoschema:
            self._autoschema([obj])
        err = shard.put([self._prepare(obj)], now_ms(), keep_created=keep_created)[0]
        if err is not None:
            raise InvalidInput(err)

    def insert(self, obj: IncomingObject) -> None:
        """Create; an existing id is an error (Weaviate's REST insert)."""
        with self._lock:
            shard = self.shard_for(obj.tenant, create=True)
            uid = parse_uuid(obj.uuid)
            if shard.slot_of(uid) is not None:
                raise AlreadyExists(f"id '{uid}' already exists")
            self._put_one(shard, obj, keep_created=False)

    def replace(self, obj: IncomingObject) -> None:
        """Overwrite an existing object completely (PUT)."""
        with self._lock:
            shard = self.shard_for(obj.tenant)
            if shard.slot_of(parse_uuid(obj.uuid)) is None:
                raise NotFound(f"object {obj.uuid} not found in class {self.name}")
            self._put_one(shard, obj)

    def merge(self, obj: IncomingObject) -> None:
        """Merge properties into an existing object (PATCH); vectors not given are kept."""
        with self._lock:
            current = self.get(obj.uuid, with_vectors=True, tenant=obj.tenant)
            if current is None:
                raise NotFound(f"object {obj.uuid} not found in class {self.name}")
            merged = IncomingObject(obj.uuid, {**current.properties, **obj.properties},
                                    {**current.vectors, **obj.vectors}, obj.unnamed_vector, tenant=obj.tenant)
            if obj.unnamed_vector is not None and len(self.vectors) == 1:
                merged.vectors.pop(next(iter(self.vectors)), None)
            self._put_one(self.shard_for(obj.tenant), merged)

    def delete(self, uuids: list[str], tenant: str = "") -> list[bool]:
        with self._lock:
            return self.shard_for(tenant).delete([parse_uuid(u) for u in uuids])

    def delete_where(self, flt: Filter, dry_run: bool, limit: int, tenant: str = "") -> tuple[list[str], int]:
        """Delete (or with dry_run just find) objects matching `flt`; at most `limit` per call, like Weaviate's
        QUERY_MAXIMUM_RESULTS bound. Returns (uuids matched and acted on, total matches)."""
        with self._lock:
            shard = self.shard_for(tenant)
            flt = prepare_filters(flt, self.filter_context)     # through references: before the read lock
            with shard.read():
                slots = np.flatnonzero(allow_list(shard, flt, self.filter_context))
                uuids = shard.uuids_of(slots[:limit])
            if not dry_run and uuids:
                shard.delete(uuids)
            return uuids, len(slots)

    # ---- reads --------------------------------------------------------------------------------------------
    def get(self, uuid: str, with_vectors: bool | list[str] = False, tenant: str = "") -> StoredObject | None:
        shard = self.shard_for(tenant)
        doc = shard.doc_of(parse_uuid(uuid))
        if doc is None:
            return None
        return shard.fetch([doc], with_vectors)[0]

    def exists(self, uuid: str, tenant: str = "") -> bool:
        return self.shard_for(tenant).slot_of(parse_uuid(uuid)) is not None

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
        shard = self.shard_for(params.tenant)
        for key in params.sort:
            shard.ensure_text_sort_column(key.path)
        return select(shard, params, self.filter_context, self._target(params), self.keyword_config)

    def search_groups(self, params: SearchParams) -> list[Group]:
        """A group_by search: groups of hits (objects are fetched by the caller)."""
        return select_groups(self.shard_for(params.tenant), params, self.filter_context, self._target(params),
                             self.keyword_config)

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
        return count(self.shard_for(params.tenant), params, self.filter_context)

    def aggregate(self, params: AggregateParams) -> AggregateResult:
        """Metrics over the matched objects (all / filtered / nearest by vector), optionally grouped."""
        target = self._target(params)
        return aggregate(self.shard_for(params.tenant), params, self.filter_context, target, self.keyword_config)

    def fetch(self, hits: list[Hit], with_vectors: bool | list[str] = False, tenant: str = ""
              ) -> list[StoredObject | None]:
        return self.shard_for(tenant).fetch([h.doc for h in hits], with_vectors)

    def object_count(self) -> int:
        return sum(c[1] for c in self.shard_counts()) if self.multi_tenant else self.shard.object_count()

    def close(self) -> None:
        """Close every open shard; tenants' object counts are kept for /v1/nodes while their shards are closed."""
        if not self.multi_tenant:
            self.shard.close()
            return
        with self._tenant_lock:
            counts = []
            for name, tenant in self.tenants.items():
                if tenant.shard is not None:
                    tenant.objects = tenant.shard.object_count()
                    tenant.shard.close()
                    tenant.shard = None
                    counts.append((name, tenant.status, tenant.objects))
            self._registry.upsert(counts)
            self._registry.close()

    # ---- cross-references (engine/references.py, query/references.py) --------------------------------------
    def peer(self, name: str) -> Collection | None:
        """A collection by name (case-insensitive) for references: any collection of the database once the
        Database wired `set_peer_lookup`, else only this one (self-references)."""
        lookup = getattr(self, "_peer_lookup", None)
        if lookup is not None:
            return lookup(name)
        return self if name.lower() == self.name.lower() else None

    def set_peer_lookup(self, lookup) -> None:
        self._peer_lookup = lookup

    def allowed_uuid_keys(self, flt: Filter, tenant: str = "") -> np.ndarray:
        """uuids (16-byte keys) of the live objects matching `flt`: the inner side of a filter through a
        reference pointing at this collection."""
        shard = self.shard_for(tenant)
        flt = prepare_filters(flt, self.filter_context)
        with shard.read():
            slots = np.flatnonzero(allow_list(shard, flt, self.filter_context))
            return shard.uuid_keys()[slots].copy()

    def fetch_by_uuids(self, uuids: list[str], with_vectors: bool | list[str] | tuple = False, tenant: str = ""
                       ) -> list[StoredObject | None]:
        """Objects by id in one store read (None for ids that do not exist)."""
        shard = self.shard_for(tenant)
        with shard.read():
            slots = [shard.slot_of(u) for u in uuids]
            present = [s for s in slots if s is not None]
            docs = shard.docs_of(present).tolist() if present else []
        vectors = list(with_vectors) if isinstance(with_vectors, tuple) else with_vectors
        fetched = iter(shard.fetch(docs, vectors))
        return [next(fetched) if s is not None else None for s in slots]

    def resolve_references(self, objects: list[StoredObject], queries) -> list[dict]:
        """Referenced objects of a page's objects, per reference property (query/references.py)."""
        return resolve_refs(self.peer, objects, queries)

    def add_reference(self, uuid: str, prop: str, body, tenant: str = "") -> None:
        """POST /v1/objects/{C}/{id}/references/{prop}: append one beacon."""
        with self._lock:
            beacon = references.single_ref(self, prop, body)
            references.rewrite(self, uuid, prop, lambda refs: refs + [{"beacon": beacon}], tenant, now_ms())

    def replace_references(self, uuid: str, prop: str, bodies, tenant: str = "") -> None:
        """PUT /v1/objects/{C}/{id}/references/{prop}: the whole list."""
        with self._lock:
            if not isinstance(bodies, list):
                raise references.RefError("validate inputs", "references must be a list of {\"beacon\": ...}")
            new = [{"beacon": references.single_ref(self, prop, b)} for b in bodies]
            if not new:
                references.check_property(self, prop)
            references.rewrite(self, uuid, prop, lambda refs: new, tenant, now_ms())

    def delete_reference(self, uuid: str, prop: str, body, tenant: str = "") -> None:
        """DELETE /v1/objects/{C}/{id}/references/{prop}: remove the beacon (every occurrence)."""
        with self._lock:
            beacon = references.single_ref(self, prop, body, check_exists=False)
            references.rewrite(self, uuid, prop, lambda refs: references.without(refs, beacon), tenant, now_ms())

    def add_references(self, items: list[tuple[str, str, str]], tenant: str = "") -> list[str | None]:
        """/v1/batch/references for this source collection: (source uuid, property, canonical target beacon) per
        item; per-item error messages in order. All changed objects are written in one Shard.put."""
        with self._lock:
            errors: list[str | None] = [None] * len(items)
            shard = self.shard_for(tenant)
            changed: dict[str, tuple[StoredObject, dict]] = {}
            for i, (uuid, prop, beacon) in enumerate(items):
                if uuid not in changed:
                    current = self.get(uuid, with_vectors=True, tenant=tenant)
                    if current is None:
                        errors[i] = f"source object {self.name}/{uuid} not found"
                        continue
                    changed[uuid] = (current, dict(current.properties))
                props = changed[uuid][1]
                props[prop] = list(props.get(prop) or []) + [{"beacon": beacon}]
            writes = [ObjectWrite(obj.uuid, props, dict(obj.vectors)) for obj, props in changed.values()]
            failed = dict(zip(changed, shard.put(writes, now_ms(), keep_created=True))) if writes else {}
            for i, (uuid, _, _) in enumerate(items):
                if errors[i] is None and failed.get(uuid):
                    errors[i] = failed[uuid]
            return errors

    def batch_reference_beacon(self, prop: str, to: str) -> str:
        """A `/v1/batch/references` target for `prop` in canonical form (class autodetected); existence of the
        target is not checked in batches, as in Weaviate. InvalidInput with the plain message otherwise."""
        try:
            return references.single_ref(self, prop, {"beacon": to}, check_exists=False)
        except references.RefError as exc:
            raise InvalidInput(exc.detail) from None
