"""What a query asks to get back for each result (references included), and how the returned objects are typed.

Independent of the REST/gRPC encodings: a wire adapter parses its request into a `Projection` and encodes the
objects of a result with the `CollectionShape` of the collection they belong to."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

# property name -> (dataType, the nested properties' types for object / object[] properties, else None)
PropertyTypes: TypeAlias = "dict[str, tuple[str, PropertyTypes | None]]"


@dataclass(frozen=True)
class NestedSelection:
    """The sub-properties to return of one object / object[] property: plain names and deeper selections."""

    name: str
    properties: tuple[str, ...] = ()
    nested: tuple[NestedSelection, ...] = ()

    def apply(self, value: Any) -> Any:
        """The selected part of the property's value (of each element of an object[] value)."""
        if isinstance(value, dict):
            return self._pick(value)
        if isinstance(value, list):
            return [self._pick(v) if isinstance(v, dict) else v for v in value]
        return value

    def _pick(self, obj: dict[str, Any]) -> dict[str, Any]:
        return _selected(obj, self.properties, self.nested)


def _selected(obj: dict[str, Any], names: tuple[str, ...], nested: tuple[NestedSelection, ...]) -> dict[str, Any]:
    """The named keys of `obj`, each nested selection applied to its own key."""
    out = {k: obj[k] for k in names if k in obj}
    for sub in nested:
        if sub.name in obj:
            out[sub.name] = sub.apply(obj[sub.name])
    return out


@dataclass(frozen=True)
class Projection:
    """The properties, metadata and references returned per object. An object property named in `nested` is
    returned with only its selected sub-properties (recursively), as Weaviate's nested selections."""

    properties: tuple[str, ...] | None = None    # None = every non-reference property
    nested: tuple[NestedSelection, ...] = ()      # sub-selections of object properties (also in `properties`)
    uuid: bool = False
    vector: bool = False                          # the legacy vector, or every named vector
    vectors: tuple[str, ...] = ()                 # these named vectors
    creation_time: bool = False
    update_time: bool = False
    distance: bool = False
    certainty: bool = False
    score: bool = False
    explain_score: bool = False
    is_consistent: bool = False
    query_profile: bool = False                   # per-shard stage timings of the query (the reply, not objects)
    references: tuple[RefQuery, ...] = ()

    @property
    def with_vectors(self) -> bool | list[str]:
        """Which vectors to read with the objects: True = all, a list = those spaces, False = none."""
        return True if self.vector else (list(self.vectors) or False)

    def select(self, properties: dict[str, Any]) -> dict[str, Any]:
        """The requested subset of an object's properties."""
        if self.properties is None:
            return properties
        return _selected(properties, self.properties, self.nested)


@dataclass(frozen=True)
class RefQuery:
    """Return the objects a reference property points to. `target` narrows a multi-target property to one
    collection; `projection` is what to return of each referenced object, its own references included (resolved
    in turn, depth as requested)."""

    prop: str
    target: str | None = None
    projection: Projection = Projection()

    @property
    def refs(self) -> tuple[RefQuery, ...]:
        return self.projection.references

    @property
    def with_vectors(self) -> bool | list[str]:
        return self.projection.with_vectors


@dataclass(frozen=True)
class CollectionShape:
    """What encoding a collection's objects needs from its class document."""

    name: str
    property_types: PropertyTypes
    legacy_vectors: bool          # the class-level (unnamed) vector, not named vectors


def collection_shape(class_doc: dict[str, Any]) -> CollectionShape:
    """The shape of a class document (Weaviate's schema JSON)."""
    def walk(props: list[dict[str, Any]]) -> PropertyTypes:
        return {p["name"]: (p["dataType"][0], walk(p["nestedProperties"]) if p.get("nestedProperties") else None)
                for p in props}
    return CollectionShape(class_doc["class"], walk(class_doc.get("properties") or []),
                           not class_doc.get("vectorConfig"))
