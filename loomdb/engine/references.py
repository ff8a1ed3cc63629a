"""Cross-reference writes: validating beacons against a collection's schema and its peers, and the
read-modify-write of a source object's reference list (always through Collection -> Shard.put, under the
collection lock). Error texts follow Weaviate's usecases/objects (references_*.go, validation/) and
entities/schema/crossref.

Stored form of a reference property: `[{"beacon": "weaviate://localhost/<Target>/<uuid>"}, ...]` with the target
class always filled in (Weaviate's autodetection for single-target properties; for a multi-target property the
collection holding the uuid).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..entities import beacons
from ..entities.errors import InvalidInput, NotFound
from ..entities.objects import ObjectWrite, parse_uuid

if TYPE_CHECKING:
    from .collection import Collection

NO_SUCH_PROP = ("no such prop with name '{p}' found in class '{c}' in the schema. Check your schema files for "
                "which properties in this class are available")


class RefError(InvalidInput):
    """A reference write refused before touching the store; `stage` is Weaviate's Error.Msg ("validate inputs",
    "validate existence", ...) that its REST handlers print as `msg:<stage> code:400 err:<message>`."""

    def __init__(self, stage: str, detail: str) -> None:
        super().__init__(f"msg:{stage} code:400 err:{detail}")
        self.stage = stage
        self.detail = detail


def targets_of(coll: Collection, prop: str) -> list[str] | None:
    """dataType of a reference property (its target collections); None if `prop` is no reference property."""
    for p in coll.doc.get("properties") or []:
        if p["name"] == prop:
            dt = p["dataType"]
            return list(dt) if dt and dt[0][:1].isupper() else None
    return None


def check_property(coll: Collection, prop: str) -> list[str]:
    """validateReferenceSchema: the property exists and is a reference; returns its target collections."""
    if prop not in coll.properties:
        raise InvalidInput(NO_SUCH_PROP.format(p=prop, c=coll.name))
    targets = targets_of(coll, prop)
    if targets is None:
        raise InvalidInput(f"property '{prop}' is not a reference-type")
    return targets


def _exists(coll: Collection, cls: str, uuid: str) -> bool:
    peer = coll.peer(cls)
    if peer is None:
        return False
    try:
        return peer.exists(uuid)
    except InvalidInput:        # e.g. a multi-tenant target needs a tenant: not resolvable here
        return False


def _target_class(coll: Collection, prop: str, targets: list[str], beacon: beacons.Beacon,
                  check_exists: bool) -> str | None:
    """The canonical target class of a parsed beacon: given, autodetected (single target), or the target
    collection holding the uuid (multi target). None when it cannot be determined."""
    if beacon.collection:
        peer = coll.peer(beacon.collection)
        return peer.name if peer is not None else beacon.collection
    if len(targets) == 1:
        return targets[0]
    for cls in targets:
        if _exists(coll, cls, beacon.uuid):
            return coll.peer(cls).name
    return None


def _check_in_datatype(cls: str, targets: list[str], prop: str, coll: Collection) -> None:
    if cls.lower() not in {t.lower() for t in targets}:
        raise InvalidInput(f"target class '{cls}' is not part of the dataType [{' '.join(targets)}] of reference "
                           f"property '{prop}' of class '{coll.name}'")


# ---------------------------------------------------------------------------------------------- objects
def object_refs(coll: Collection, prop: str, value: Any) -> list[dict]:
    """A reference property's value inside an object (REST insert/replace/merge, gRPC batch): validated as
    Weaviate's validation/properties_validation.go does (including that every target exists), canonicalised."""
    targets = targets_of(coll, prop) or []
    if not isinstance(value, list):
        raise InvalidInput(f"reference property is not a slice {_go(value)}")
    out = []
    for item in value:
        if not isinstance(item, dict):
            raise InvalidInput("reference property is not a map map[]")
        item = {k: v for k, v in item.items() if k != "href"}
        if len(item) != 1:
            raise InvalidInput(
                "invalid cref: only direct references supported at the moment, concept references not supported "
                f"yet: class '{coll.name}' with property '{prop}' requires exactly 1 arguments: 'beacon'. Check "
                f"your input schema, got: {_go(item)}")
        if "beacon" not in item:
            raise InvalidInput(
                "invalid cref: only direct references supported at the moment, concept references not supported "
                f"yet:  class '{coll.name}' with property '{prop}' requires exactly 1 argument: 'beacon' is "
                "missing, check your input schema")
        beacon = beacons.parse(item["beacon"])
        if not beacon.local:
            raise InvalidInput("invalid cref: unrecognized cross-ref ref format")
        cls = _target_class(coll, prop, targets, beacon, check_exists=True)
        if cls is None or not _exists(coll, cls, beacon.uuid):
            raise InvalidInput(f"invalid cref: 'cref' {coll.name}:{prop}: no object with id {beacon.uuid} found")
        _check_in_datatype(cls, targets, prop, coll)
        out.append({"beacon": beacons.canonical(cls, beacon.uuid)})
    return out


def _go(value: Any) -> str:
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_go(v)}" for k, v in sorted(value.items())) + "]"
    if isinstance(value, list):
        return "[" + " ".join(_go(v) for v in value) + "]"
    return str(value)


# ---------------------------------------------------------------------------------------------- REST single
def single_ref(coll: Collection, prop: str, body: Any, check_exists: bool = True) -> str:
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
        targets = check_property(coll, prop)
    except InvalidInput as exc:
        raise RefError("validate inputs", exc.message) from None
    cls = _target_class(coll, prop, targets, beacon, check_exists)
    if check_exists and (cls is None or not _exists(coll, cls, beacon.uuid)):
        raise RefError("validate existence", f"validate reference: no object with id {beacon.uuid} found")
    if cls is None:
        raise RefError("validate inputs", f"invalid reference: the target collection of {beacon.uuid} is unknown; "
                                          "name it in the beacon (weaviate://localhost/<Collection>/<uuid>)")
    try:
        _check_in_datatype(cls, targets, prop, coll)
    except InvalidInput as exc:
        raise RefError("validate inputs", exc.message) from None
    return beacons.canonical(cls, beacon.uuid)


def rewrite(coll: Collection, uuid: str, prop: str, change: Callable[[list[dict]], list[dict]],
            tenant: str = "", now_ms: int = 0) -> None:
    """Read-modify-write of one object's reference list through the shard's single write path. Call under the
    collection lock."""
    current = coll.get(uuid, with_vectors=True, tenant=tenant)
    if current is None:
        raise NotFound(f"source object {coll.name}/{parse_uuid(uuid)} not found")
    props = dict(current.properties)
    props[prop] = change(list(props.get(prop) or []))
    err = coll.shard_for(tenant).put([ObjectWrite(current.uuid, props, dict(current.vectors))], now_ms,
                                     keep_created=True)[0]
    if err is not None:
        raise InvalidInput(err)


def without(refs: list[dict], beacon: str) -> list[dict]:
    """Weaviate removes every occurrence of the beacon."""
    return [r for r in refs if r.get("beacon") != beacon]


def check_targets_exist(props: list[dict], own_class: str, find: Callable[[str], object]) -> None:
    """Weaviate's validateProperty -> FindPropertyDataTypeWithRefs: every target of a reference property must be
    an existing collection (a self-reference is always allowed)."""
    for prop in props:
        dt = prop.get("dataType") or []
        if not dt or not dt[0][:1].isupper():
            continue
        for target in dt:
            if target.lower() != own_class.lower() and find(target) is None:
                raise InvalidInput(f"property '{prop['name']}': invalid dataType: reference property to "
                                   "nonexistent class")
