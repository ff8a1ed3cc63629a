"""Cross-reference writes with Weaviate's rules and wording (usecases/objects references_*.go, validation/,
entities/schema/crossref): reference values inside object writes, add / replace / delete on one object's
reference property, and `/v1/batch/references` with one result per item, in order.

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
from ..entities.errors import InvalidInput, LoomError, NotFound
from ..entities.objects import parse_uuid
from .ports import CollectionFinderPort, JsonObject, PropertiesChange, PropertyView, RefDatabasePort, RefSourcePort

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

    def exists(self, cls: str, uuid: str) -> bool:
        target = self.db.find_collection(cls)
        if target is None:
            return False
        try:
            return target.exists(uuid)
        except InvalidInput:        # e.g. a multi-tenant target needs a tenant: not resolvable here
            return False

    def target_class(self, targets: tuple[str, ...], beacon: beacons.Beacon) -> str | None:
        """The canonical target class of a parsed beacon: given, autodetected (single target), or the target
        collection holding the uuid (multi target). None when it cannot be determined."""
        if beacon.collection:
            found = self.db.find_collection(beacon.collection)
            return found.name if found is not None else beacon.collection
        if len(targets) == 1:
            return targets[0]
        for cls in targets:
            if self.exists(cls, beacon.uuid) and (found := self.db.find_collection(cls)) is not None:
                return found.name
        return None

    def object_value(self, class_name: str, spec: PropertyView, value: Any) -> list[JsonObject]:
        """A reference property's value inside an object (REST insert/replace/merge, gRPC batch): validated as
        Weaviate's validation/properties_validation.go does (including that every target exists), canonical."""
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
            cls = self.target_class(spec.targets, beacon)
            if cls is None or not self.exists(cls, beacon.uuid):
                raise InvalidInput(f"invalid cref: 'cref' {class_name}:{prop}: no object with id {beacon.uuid} "
                                   "found")
            _check_in_datatype(cls, spec.targets, prop, class_name)
            out.append({"beacon": beacons.canonical(cls, beacon.uuid)})
        return out

    def single(self, source: RefSourcePort, prop: str, body: Any, check_exists: bool = True) -> str:
        """One `{"beacon": ...}` of POST/PUT/DELETE /v1/objects/{C}/{id}/references/{prop} -> canonical beacon,
        or RefError with Weaviate's stage and message."""
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
        cls = self.target_class(targets, beacon)
        if check_exists and (cls is None or not self.exists(cls, beacon.uuid)):
            raise RefError("validate existence", f"validate reference: no object with id {beacon.uuid} found")
        if cls is None:
            raise RefError("validate inputs", f"invalid reference: the target collection of {beacon.uuid} is "
                                              "unknown; name it in the beacon (weaviate://localhost/<Collection>/<uuid>)")
        try:
            _check_in_datatype(cls, targets, prop, source.name)
        except InvalidInput as exc:
            raise RefError("validate inputs", exc.message) from None
        return beacons.canonical(cls, beacon.uuid)


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
    def __init__(self, db: RefDatabasePort) -> None:
        self.db = db
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

    def add(self, collection: str, uuid: str, prop: str, body: Any, tenant: str = "") -> None:
        """POST /v1/objects/{C}/{id}/references/{prop}: append one beacon."""
        source, prop = self._source(collection), _prop_name(prop)
        beacon = self.targets.single(source, prop, body)
        self._rewrite(source, uuid, prop, lambda refs: refs + [{"beacon": beacon}], tenant)

    def replace(self, collection: str, uuid: str, prop: str, body: Any, tenant: str = "") -> None:
        """PUT /v1/objects/{C}/{id}/references/{prop}: the whole list."""
        source, prop = self._source(collection), _prop_name(prop)
        if not isinstance(body, list):
            raise RefError("validate inputs", "references must be a list of {\"beacon\": ...}")
        new = [{"beacon": self.targets.single(source, prop, b)} for b in body]
        if not new:
            check_property(source, prop)
        self._rewrite(source, uuid, prop, lambda refs: new, tenant)

    def delete(self, collection: str, uuid: str, prop: str, body: Any, tenant: str = "") -> None:
        """DELETE /v1/objects/{C}/{id}/references/{prop}: remove the beacon (every occurrence)."""
        source, prop = self._source(collection), _prop_name(prop)
        beacon = self.targets.single(source, prop, body, check_exists=False)
        self._rewrite(source, uuid, prop, lambda refs: _without(refs, beacon), tenant)

    def batch(self, items: list[Any]) -> list[str | None]:
        """One error message (None = stored) per item, in request order (usecases/objects/
        batch_references_add.go wording for what it validates). Existence of targets is not checked in batches,
        as in Weaviate; all changed objects of one source collection and tenant are written together."""
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
                grouped[(name, item.get("tenant") or "")].append((i, uid, prop, beacon))
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
            beacon = self.targets.single(collection, prop, {"beacon": item["to"]}, check_exists=False)
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
