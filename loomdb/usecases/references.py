"""Cross-reference writes with Weaviate's rules and wording (usecases/objects references_*.go, validation/,
entities/schema/crossref): reference values inside object writes, add / replace / delete on one object's
reference property, and `/v1/batch/references` (and gRPC BatchReferences) with one result per item, in order.

Tenants: a write inside a tenant looks for its targets in that tenant, and for targets without multi-tenancy
without one (validation.ValidateExistence); `tenancy_problem` is validateReferenceMultiTenancy (no reference from
a collection without multi-tenancy into one with it; both ends in the request's tenant).

The engine only stores what it is given: the source collection rewrites objects with `update_object(s)` (a
read-modify-write under its lock through the shard's one write path); target collections are found through the
database here, never by a collection itself.

Stored form of a reference property: `[{"beacon": "weaviate://localhost/<Target>/<uuid>"}, ...]` with the target
class always filled in (Weaviate's autodetection for single-target properties; for a multi-target property the
collection holding the uuid).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ..entities import beacons
from ..entities import permissions as perm
from ..entities.errors import InvalidInput, LoomError, NotFound
from ..entities.objects import StoredObject, parse_uuid
from ..entities.principal import Principal
from .authz import AllowAll, Authorizer
from .ports import (
    CollectionFinderPort,
    JsonObject,
    PropertiesChange,
    PropertyView,
    RefDatabasePort,
    RefSourcePort,
    RefTargetPort,
)

NO_SUCH_PROP = ("no such prop with name '{p}' found in class '{c}' in the schema. Check your schema files for "
                "which properties in this class are available")


class RefError(InvalidInput):
    """A reference write refused before touching the store; `stage` is Weaviate's Error.Msg ("validate inputs",
    "validate existence", ...) that its REST handlers print as `msg:<stage> code:400 err:<message>`."""

    def __init__(self, stage: str, detail: str) -> None:
        super().__init__(f"msg:{stage} code:400 err:{detail}")
        self.stage = stage
        self.detail = detail


def _prop_name(name: str) -> str:
    return name[:1].lower() + name[1:]


def _go(value: Any) -> str:
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_go(v)}" for k, v in sorted(value.items())) + "]"
    if isinstance(value, list):
        return "[" + " ".join(_go(v) for v in value) + "]"
    return str(value)


def _check_in_datatype(cls: str, targets: tuple[str, ...], prop: str, class_name: str) -> None:
    if cls.lower() not in {t.lower() for t in targets}:
        raise InvalidInput(f"target class '{cls}' is not part of the dataType [{' '.join(targets)}] of reference "
                           f"property '{prop}' of class '{class_name}'")


def check_property(source: RefSourcePort, prop: str) -> tuple[str, ...]:
    """validateReferenceSchema: the property exists and is a reference; returns its target collections."""
    spec = source.properties.get(prop)
    if spec is None:
        raise InvalidInput(NO_SUCH_PROP.format(p=prop, c=source.name))
    if not spec.is_reference:
        raise InvalidInput(f"property '{prop}' is not a reference-type")
    return spec.targets


class ReferenceTargets:
    """Where a beacon points: target collections are looked up in the database (case-insensitive, no aliases)."""

    def __init__(self, db: CollectionFinderPort) -> None:
        self.db = db

    def exists(self, cls: str, uuid: str, tenant: str = "") -> bool:
        """Weaviate's ValidateExistence: whether the target object exists in `tenant`; a target collection without
        multi-tenancy is looked up again without the tenant. InvalidInput (the first refusal) when the tenant does
        not fit the target collection either way."""
        target = self.db.find_collection(cls)
        if target is None:
            return False
        try:
            return target.exists(uuid, tenant)
        except InvalidInput as first:
            if not tenant:
                raise
            try:
                return target.exists(uuid, "")
            except InvalidInput:
                raise first from None

    def _holds(self, cls: str, uuid: str, tenant: str) -> bool:
        try:
            return self.exists(cls, uuid, tenant)
        except InvalidInput:
            return False

    def target_class(self, targets: tuple[str, ...], beacon: beacons.Beacon, tenant: str = "") -> str | None:
        """The canonical target class of a parsed beacon: given, autodetected (single target), or the target
        collection holding the uuid in `tenant` (multi target). None when it cannot be determined."""
        if beacon.collection:
            found = self.db.find_collection(beacon.collection)
            return found.name if found is not None else beacon.collection
        if len(targets) == 1:
            return targets[0]
        for cls in targets:
            if self._holds(cls, beacon.uuid, tenant) and (found := self.db.find_collection(cls)) is not None:
                return found.name
        return None

    def object_value(self, class_name: str, spec: PropertyView, value: Any, tenant: str = "") -> list[JsonObject]:
        """A reference property's value inside an object of `tenant` (REST insert/replace/merge, gRPC batch):
        validated as Weaviate's validation/properties_validation.go does (including that every target exists, see
        `exists`), canonical."""
        prop = spec.name
        if not isinstance(value, list):
            raise InvalidInput(f"reference property is not a slice {_go(value)}")
        out = []
        for item in value:
            if not isinstance(item, dict):
                raise InvalidInput("reference property is not a map map[]")
            item = {k: v for k, v in item.items() if k != "href"}
            if len(item) != 1:
                raise InvalidInput(
                    "invalid cref: only direct references supported at the moment, concept references not "
                    f"supported yet: class '{class_name}' with property '{prop}' requires exactly 1 arguments: "
                    f"'beacon'. Check your input schema, got: {_go(item)}")
            if "beacon" not in item:
                raise InvalidInput(
                    "invalid cref: only direct references supported at the moment, concept references not "
                    f"supported yet:  class '{class_name}' with property '{prop}' requires exactly 1 argument: "
                    "'beacon' is missing, check your input schema")
            beacon = beacons.parse(item["beacon"])
            if not beacon.local:
                raise InvalidInput("invalid cref: unrecognized cross-ref ref format")
            cls = self.target_class(spec.targets, beacon, tenant)
            try:
                found = cls is not None and self.exists(cls, beacon.uuid, tenant)
            except InvalidInput as exc:
                raise InvalidInput(f"invalid cref: {exc.message}") from None
            if cls is None or not found:
                raise InvalidInput(f"invalid cref: 'cref' {class_name}:{prop}: no object with id {beacon.uuid} "
                                   "found")
            _check_in_datatype(cls, spec.targets, prop, class_name)
            out.append({"beacon": beacons.canonical(cls, beacon.uuid)})
        return out

    def single(self, source: RefSourcePort, prop: str, body: Any, check_exists: bool = True, tenant: str = ""
               ) -> str:
        """One `{"beacon": ...}` of POST/PUT/DELETE /v1/objects/{C}/{id}/references/{prop} -> canonical beacon,
        or RefError with Weaviate's stage and message. The target is looked for in `tenant` (see `exists`)."""
        if not isinstance(body, dict) or not isinstance(body.get("beacon"), str):
            raise RefError("validate inputs", "invalid reference: invalid cref URI: %!s(<nil>)")
        try:
            beacon = beacons.parse(body["beacon"])
        except InvalidInput as exc:
            raise RefError("validate inputs", f"invalid reference: {exc.message}") from None
        if not beacon.local:
            raise RefError("validate inputs", "unrecognized cross-ref ref format")
        try:
            targets = check_property(source, prop)
        except InvalidInput as exc:
            raise RefError("validate inputs", exc.message) from None
        cls = self.target_class(targets, beacon, tenant)
        if check_exists:
            try:
                found = cls is not None and self.exists(cls, beacon.uuid, tenant)
            except InvalidInput as exc:
                raise RefError("validate existence", exc.message) from None
            if not found:
                raise RefError("validate existence", f"validate reference: no object with id {beacon.uuid} found")
        if cls is None:
            raise RefError("validate inputs", f"invalid reference: the target collection of {beacon.uuid} is "
                                              "unknown; name it in the beacon (weaviate://localhost/<Collection>/<uuid>)")
        try:
            _check_in_datatype(cls, targets, prop, source.name)
        except InvalidInput as exc:
            raise RefError("validate inputs", exc.message) from None
        return beacons.canonical(cls, beacon.uuid)


def _missing_in_tenant(collection: RefTargetPort, uuid: str, tenant: str) -> str | None:
    """validateTenantRefObject: why `uuid` is not an object of `collection` in `tenant` (None when it is)."""
    try:
        if collection.exists(uuid, tenant):
            return None
    except InvalidInput as exc:
        return f"get object {collection.name}/{uuid}: {exc.message}"
    return f'object {collection.name}/{uuid} not found for tenant "{tenant}"'


def _without(refs: list[JsonObject], beacon: str) -> list[JsonObject]:
    """Weaviate removes every occurrence of the beacon."""
    return [r for r in refs if r.get("beacon") != beacon]


def _appending(additions: list[tuple[str, str]]) -> PropertiesChange:
    """A change appending (property, beacon) pairs to an object's reference lists, in order."""
    def change(props: dict[str, Any]) -> dict[str, Any]:
        for prop, beacon in additions:
            props[prop] = list(props.get(prop) or []) + [{"beacon": beacon}]
        return props
    return change


class ReferenceService:
    def __init__(self, db: RefDatabasePort, authz: Authorizer | None = None) -> None:
        self.db = db
        self._authz = authz or AllowAll()
        self.targets = ReferenceTargets(db)

    def _source(self, name: str) -> RefSourcePort:
        """Weaviate's getAuthorizedFromClass: a missing source collection is a 422, not a 404."""
        try:
            return self.db.collection(name)
        except NotFound:
            raise InvalidInput(f'msg:collection not found code:400 err:collection "{name}" not found in schema') \
                from None

    @staticmethod
    def _rewrite(source: RefSourcePort, uuid: str, prop: str, change: Callable[[list[JsonObject]], list[JsonObject]],
                 tenant: str) -> None:
        """Read-modify-write of one object's reference list (the engine's update_object)."""
        def update(props: dict[str, Any]) -> dict[str, Any]:
            props[prop] = change(list(props.get(prop) or []))
            return props
        if not source.update_object(uuid, update, tenant):
            raise NotFound(f"source object {source.name}/{parse_uuid(uuid)} not found")

    @staticmethod
    def _source_object(source: RefSourcePort, uuid: str, tenant: str) -> StoredObject:
        """The object whose references change: a tenant that does not fit is a 422, a missing object a 404."""
        try:
            found = source.get(uuid, tenant=tenant)
        except InvalidInput as exc:
            raise InvalidInput(f"msg:source object code:422 err:{exc.message}") from None
        if found is None:
            raise NotFound(f"source object {source.name}/{parse_uuid(uuid)} not found")
        return found

    def _authorize_targets(self, principal: Principal | None, beacons_: list[str]) -> None:
        """READ on the collections the new references point to (Weaviate's references_add/update checks)."""
        targets = sorted({cls for cls, _ in map(beacons.split_canonical, beacons_) if cls})
        if targets:
            self._authz.authorize(principal, perm.READ, *(perm.objects(cls) for cls in targets))

    def add(self, principal: Principal | None, collection: str, uuid: str, prop: str, body: Any, tenant: str = ""
            ) -> None:
        """POST /v1/objects/{C}/{id}/references/{prop}: append one beacon (usecases/objects/references_add.go:
        inputs, target existence in the tenant, source object, then the multi-tenancy rules)."""
        self._authz.authorize(principal, perm.UPDATE, perm.objects(collection, tenant, uuid))
        source, prop = self._source(collection), _prop_name(prop)
        beacon = self.targets.single(source, prop, body, tenant=tenant)
        self._authorize_targets(principal, [beacon])
        self._source_object(source, uuid, tenant)
        if (problem := self.tenancy_problem(source, uuid, beacon, tenant)) is not None:
            raise LoomError(f"msg:multi-tenancy violation code:500 err:{problem}")
        self._rewrite(source, uuid, prop, lambda refs: refs + [{"beacon": beacon}], tenant)

    def replace(self, principal: Principal | None, collection: str, uuid: str, prop: str, body: Any,
                tenant: str = "") -> None:
        """PUT /v1/objects/{C}/{id}/references/{prop}: the whole list (every target must exist in the tenant)."""
        self._authz.authorize(principal, perm.UPDATE, perm.objects(collection, tenant, uuid))
        source, prop = self._source(collection), _prop_name(prop)
        self._source_object(source, uuid, tenant)
        if not isinstance(body, list):
            raise RefError("validate inputs", "references must be a list of {\"beacon\": ...}")
        new = [{"beacon": self.targets.single(source, prop, b, tenant=tenant)} for b in body]
        self._authorize_targets(principal, [ref["beacon"] for ref in new])
        if not new:
            check_property(source, prop)
        self._rewrite(source, uuid, prop, lambda refs: new, tenant)

    def delete(self, principal: Principal | None, collection: str, uuid: str, prop: str, body: Any,
               tenant: str = "") -> None:
        """DELETE /v1/objects/{C}/{id}/references/{prop}: remove the beacon (every occurrence); nothing is written
        when the object does not hold it (references_delete.go removeReference)."""
        self._authz.authorize(principal, perm.UPDATE, perm.objects(collection, tenant, uuid))
        source, prop = self._source(collection), _prop_name(prop)
        current = self._source_object(source, uuid, tenant).properties.get(prop) or []
        beacon = self.targets.single(source, prop, body, check_exists=False, tenant=tenant)
        if any(r.get("beacon") == beacon for r in current):
            self._rewrite(source, uuid, prop, lambda refs: _without(refs, beacon), tenant)

    def tenancy_problem(self, source: RefSourcePort, uuid: str, beacon: str, tenant: str) -> str | None:
        """Weaviate's validateReferenceMultiTenancy for a source object and a canonical target beacon: a collection
        without multi-tenancy cannot point into one with it; from a multi-tenant object, both ends must exist in
        the request's tenant (a target without multi-tenancy: without a tenant)."""
        target_cls, target_uuid = beacons.split_canonical(beacon)
        target = self.db.find_collection(target_cls or "")
        if target is None or target_uuid is None:
            return None
        if not source.multi_tenancy.enabled:
            return ("invalid reference: cannot reference a multi-tenant enabled class from a non multi-tenant "
                    "enabled class") if target.multi_tenancy.enabled else None
        if (problem := _missing_in_tenant(source, uuid, tenant)) is not None:
            return f"source: {problem}"
        if (problem := _missing_in_tenant(target, target_uuid, tenant if target.multi_tenancy.enabled else "")):
            return f"target: {problem}"
        return None

    def batch(self, principal: Principal | None, items: list[Any]) -> list[str | None]:
        """One error message (None = stored) per item, in request order (usecases/objects/
        batch_references_add.go wording for what it validates). Existence of targets is not checked in batches,
        as in Weaviate; all changed objects of one source collection and tenant are written together."""
        self._authz.authorize(principal, perm.UPDATE, *_batch_sources(items))
        if not items:
            raise InvalidInput("invalid params: length cannot be 0, need at least one reference for batching")
        results: list[str | None] = [None] * len(items)
        grouped: dict[tuple[str, str], list[tuple[int, str, str, str]]] = defaultdict(list)
        for i, item in enumerate(items):
            item = item if isinstance(item, dict) else {}
            problem, entry = self._batch_item(item)
            if problem is not None:
                results[i] = problem
            elif entry is not None:
                name, uid, prop, beacon = entry
                tenant = item.get("tenant") or ""
                if (problem := self.tenancy_problem(self.db.collection(name), uid, beacon, tenant)) is not None:
                    results[i] = problem
                else:
                    grouped[(name, tenant)].append((i, uid, prop, beacon))
        for (name, tenant), entries in grouped.items():
            for i, err in self._add_to_objects(name, tenant, entries):
                results[i] = err
        return results

    def _batch_item(self, item: JsonObject) -> tuple[str | None, tuple[str, str, str, str] | None]:
        """(error, None) or (None, (source collection, source uuid, property, canonical target beacon))."""
        errors: list[str] = []
        source = None
        try:
            peer, cls, uid, prop = beacons.parse_source(item.get("from"))
            if peer != beacons.PEER:
                errors.append(f"source class must always point to the local peer, but got {peer}")
            source = (cls, uid, prop)
        except InvalidInput as exc:
            errors.append(exc.message)
        try:
            target = beacons.parse(item.get("to"))
            if not target.local:
                errors.append("importing network references in batch is not possible. Please perform a regular "
                              f"non-batch import for network references, got peer {target.peer}")
        except InvalidInput as exc:
            errors.append(exc.message)
        if errors or source is None:
            return ", ".join(errors), None
        cls, uid, prop = source
        if not self.db.has_collection(cls):
            return f"class {cls} does not exist", None
        collection = self.db.collection(cls)
        prop = _prop_name(prop)
        if prop not in collection.properties:
            return f"property {prop} does not exist for class {cls}", None
        try:
            beacon = self.targets.single(collection, prop, {"beacon": item["to"]}, check_exists=False,
                                         tenant=item.get("tenant") or "")
        except RefError as exc:
            return exc.detail, None
        return None, (collection.name, uid, prop, beacon)

    def _add_to_objects(self, name: str, tenant: str, entries: list[tuple[int, str, str, str]]
                        ) -> list[tuple[int, str | None]]:
        """Append the beacons of one source collection and tenant: (item position, error) per entry."""
        additions: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for _, uid, prop, beacon in entries:
            additions[uid].append((prop, beacon))
        try:
            source = self.db.collection(name)
            written = source.update_objects({uid: _appending(adds) for uid, adds in additions.items()}, tenant)
        except LoomError as exc:
            return [(i, exc.message) for i, _, _, _ in entries]
        return [(i, written[uid] if uid in written else f"source object {source.name}/{uid} not found")
                for i, uid, _, _ in entries]


def _batch_sources(items: list[Any]) -> list[str]:
    """The data resources a batch of references writes to: each source collection in its tenant (Weaviate's
    pathsData, checked before anything is validated); every collection when no source can be read."""
    sources = set()
    for item in items:
        item = item if isinstance(item, dict) else {}
        try:
            _, cls, _, _ = beacons.parse_source(item.get("from"))
        except InvalidInput:
            continue
        sources.add(perm.objects(cls, item.get("tenant") or ""))
    return sorted(sources) or [perm.objects()]
