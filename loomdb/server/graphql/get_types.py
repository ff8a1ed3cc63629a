"""Output types of `Get`: one object type per class, named as the class, with its properties (nested objects,
geoCoordinates, phoneNumber as sub-selections; references as unions of their target classes) and `_additional`.
Values are plain dicts (get_reply.py builds them), read by graphql-core's default resolver."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLField,
    GraphQLFloat,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    GraphQLUnionType,
)

ClassDoc = dict[str, Any]
TYPE_KEY = "__class"      # the class of a referenced object's dict: which union member it is

_Floats = GraphQLList(GraphQLFloat)
_SCALARS: dict[str, GraphQLOutputType] = {
    "text": GraphQLString, "string": GraphQLString, "uuid": GraphQLString, "date": GraphQLString,
    "blob": GraphQLString, "int": GraphQLInt, "number": GraphQLFloat, "boolean": GraphQLBoolean,
}
_PHONE_FIELDS = {"input": GraphQLString, "internationalFormatted": GraphQLString, "nationalFormatted": GraphQLString,
                 "national": GraphQLInt, "valid": GraphQLBoolean, "countryCode": GraphQLInt,
                 "defaultCountry": GraphQLString}


def is_reference(data_type: list[str]) -> bool:
    """A reference property's dataType names classes (upper-case first letter); primitives are lower case."""
    return bool(data_type) and data_type[0][:1].isupper()


def _object(name: str, fields: Mapping[str, GraphQLOutputType]) -> GraphQLObjectType:
    return GraphQLObjectType(name, {k: GraphQLField(t) for k, t in fields.items()})


def property_type(owner: str, prop: dict[str, Any]) -> GraphQLOutputType | None:
    """The GraphQL type of a non-reference property (None: a data type GraphQL cannot show)."""
    data_type = prop["dataType"][0]
    base, is_list = (data_type[:-2], True) if data_type.endswith("[]") else (data_type, False)
    name = prop["name"]
    kind: GraphQLOutputType | None
    if base == "geoCoordinates":
        kind = _object(f"{owner}{name}GeoCoordinatesObj", {"latitude": GraphQLFloat, "longitude": GraphQLFloat})
    elif base == "phoneNumber":
        kind = _object(f"{owner}{name}PhoneNumberObj", _PHONE_FIELDS)
    elif base == "object":
        nested_owner = f"{owner}{name[:1].upper()}{name[1:]}"
        nested = {p["name"]: property_type(nested_owner, p) for p in prop.get("nestedProperties") or []}
        fields = {k: t for k, t in nested.items() if t is not None}
        kind = _object(f"{nested_owner}Object", fields) if fields else None
    else:
        kind = _SCALARS.get(base)
    return GraphQLList(kind) if is_list and kind is not None else kind


class GetTypes:
    """Every class's object type, built lazily so references can name classes defined later."""

    def __init__(self, docs: list[ClassDoc], additional_module_fields: dict[str, GraphQLField]) -> None:
        self.docs = {d["class"]: d for d in docs}
        self.module_fields = additional_module_fields
        self.types: dict[str, GraphQLObjectType] = {}
        for name in self.docs:
            self.types[name] = GraphQLObjectType(name, self._fields_thunk(name))

    def _fields_thunk(self, name: str):
        return lambda: self._class_fields(name)

    def _class_fields(self, name: str) -> dict[str, GraphQLField]:
        doc = self.docs[name]
        fields: dict[str, GraphQLField] = {}
        for prop in doc.get("properties") or []:
            if is_reference(prop["dataType"]):
                members = [self.types[t] for t in prop["dataType"] if t in self.types]
                if members:
                    union = GraphQLUnionType(f"{name}{prop['name'][:1].upper()}{prop['name'][1:]}Obj", members,
                                             resolve_type=lambda value, *_: value[TYPE_KEY])
                    fields[prop["name"]] = GraphQLField(GraphQLList(union))
                continue
            kind = property_type(name, prop)
            if kind is not None:
                fields[prop["name"]] = GraphQLField(kind)
        fields["_additional"] = GraphQLField(self._additional(name, doc, dict(fields)))
        return fields

    def _vectors(self, name: str, doc: ClassDoc) -> dict[str, GraphQLField]:
        names = list(doc.get("vectorConfig") or {})
        if not names:
            return {}
        return {"vectors": GraphQLField(_object(f"{name}AdditionalVectors", {n: _Floats for n in names}))}

    def _additional(self, name: str, doc: ClassDoc, props: dict[str, GraphQLField]) -> GraphQLObjectType:
        vectors = self._vectors(name, doc)
        base: dict[str, GraphQLField] = {
            "id": GraphQLField(GraphQLString), "vector": GraphQLField(_Floats), **vectors,
            "creationTimeUnix": GraphQLField(GraphQLString), "lastUpdateTimeUnix": GraphQLField(GraphQLString),
            "distance": GraphQLField(GraphQLFloat), "certainty": GraphQLField(GraphQLFloat),
            "score": GraphQLField(GraphQLString), "explainScore": GraphQLField(GraphQLString),
            "isConsistent": GraphQLField(GraphQLBoolean),
        }
        hit_props = {k: v for k, v in props.items() if not isinstance(_unwrap(v.type), GraphQLUnionType)}
        hit_additional = GraphQLObjectType(f"{name}AdditionalGroupHitAdditional", {
            "id": GraphQLField(GraphQLString), "vector": GraphQLField(_Floats), **vectors,
            "distance": GraphQLField(GraphQLFloat)})
        hits = GraphQLObjectType(f"{name}AdditionalGroupHits",
                                 {**hit_props, "_additional": GraphQLField(hit_additional)})
        group = GraphQLObjectType(f"{name}AdditionalGroup", {
            "id": GraphQLField(GraphQLInt), "count": GraphQLField(GraphQLInt),
            "groupedBy": GraphQLField(_object(f"{name}AdditionalGroupGroupedBy",
                                              {"value": GraphQLString, "path": GraphQLList(GraphQLString)})),
            "maxDistance": GraphQLField(GraphQLFloat), "minDistance": GraphQLField(GraphQLFloat),
            "hits": GraphQLField(GraphQLList(hits))})
        return GraphQLObjectType(f"{name}AdditionalObj", {**base, "group": GraphQLField(group),
                                                            **self.module_fields})


def _unwrap(kind: Any) -> Any:
    while hasattr(kind, "of_type"):
        kind = kind.of_type
    return kind


def module_additional_fields() -> dict[str, GraphQLField]:
    """`_additional` fields served by modules (rerank, generate) and featureProjection, with Weaviate's arguments
    (get_parse.py reads them)."""
    rerank = GraphQLField(GraphQLList(_object("RerankAdditionalObj", {"score": GraphQLFloat})), args={
        "property": GraphQLArgument(GraphQLString), "query": GraphQLArgument(GraphQLString)})
    generate = GraphQLField(_object("GenerateAdditionalObj", {
        "singleResult": GraphQLString, "groupedResult": GraphQLString, "error": GraphQLString}), args={
        "singleResult": GraphQLArgument(GraphQLInputObjectType("GenerateSingleResultInpObj", {
            "prompt": GraphQLInputField(GraphQLString)})),
        "groupedResult": GraphQLArgument(GraphQLInputObjectType("GenerateGroupedResultInpObj", {
            "task": GraphQLInputField(GraphQLString),
            "properties": GraphQLInputField(GraphQLList(GraphQLString))}))})
    projection = GraphQLField(_object("FeatureProjectionAdditionalObj", {"vector": _Floats}), args={
        name: GraphQLArgument(kind) for name, kind in (
            ("algorithm", GraphQLString), ("dimensions", GraphQLInt), ("learningRate", GraphQLInt),
            ("iterations", GraphQLInt), ("perplexity", GraphQLInt))})
    return {"rerank": rerank, "generate": generate, "featureProjection": projection}
