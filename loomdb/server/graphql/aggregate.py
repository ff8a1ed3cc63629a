"""`Aggregate { <Class>(where, groupBy, nearVector, nearObject, nearText, hybrid, objectLimit, limit, tenant) { meta {
count } <prop> { count mean ... topOccurrences { value occurs } ... } groupedBy { path value } } }`: the types
per class, the field -> AggregateParams parser, and the AggregateResult -> rows encoder (one row, or one per
group)."""
from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLFloat,
    GraphQLInt,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    SelectionSetNode,
)

from ...entities.aggregate import AggregateParams, AggregateResult, PropertyAggregation, PropertyResult
from ...entities.errors import InvalidInput, Unsupported
from . import inputs
from .filters import parse_where
from .get_parse import hybrid_arg, near_object_arg, near_text_arg, near_vector_arg
from .get_reply import go_float32
from .get_types import is_reference
from .selection import Fragments, fields, names

ClassDoc = dict[str, Any]
Row = dict[str, Any]

# property data type (without []) -> aggregation kind
_KINDS = {"int": "int", "number": "number", "text": "text", "string": "text", "uuid": "text",
          "boolean": "boolean", "date": "date"}
# GraphQL field -> metric name of entities.aggregate, and back
_METRICS = {"count": "count", "type": "type", "sum": "sum", "mean": "mean", "mode": "mode", "median": "median",
            "maximum": "maximum", "minimum": "minimum", "topOccurrences": "top_occurrences",
            "totalTrue": "total_true", "totalFalse": "total_false", "percentageTrue": "percentage_true",
            "percentageFalse": "percentage_false", "pointingTo": "pointing_to"}
_NUMERIC = ("count", "type", "sum", "mean", "mode", "median", "maximum", "minimum")
_KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "int": _NUMERIC, "number": _NUMERIC, "text": ("count", "type", "topOccurrences"),
    "boolean": ("count", "type", "totalTrue", "totalFalse", "percentageTrue", "percentageFalse"),
    "date": ("count", "type", "median", "mode", "maximum", "minimum"),
    "reference": ("type", "pointingTo"),     # Weaviate's referencePropertyFields: no count
}
_FIELD_TYPES: dict[str, GraphQLOutputType] = {
    "count": GraphQLInt, "type": GraphQLString, "totalTrue": GraphQLInt, "totalFalse": GraphQLInt,
    "percentageTrue": GraphQLFloat, "percentageFalse": GraphQLFloat, "pointingTo": GraphQLList(GraphQLString)}
_TOP = GraphQLList(GraphQLObjectType("AggregateTopOccurrencesObj", {
    "value": GraphQLField(GraphQLString), "occurs": GraphQLField(GraphQLInt)}))


def _kind(prop: dict[str, Any]) -> str | None:
    if is_reference(prop["dataType"]):
        return "reference"
    return _KINDS.get(prop["dataType"][0].removesuffix("[]"))


def aggregate_type(doc: ClassDoc) -> GraphQLObjectType:
    name = doc["class"]
    fields: dict[str, GraphQLField] = {
        "meta": GraphQLField(GraphQLObjectType(f"Aggregate{name}MetaObject", {"count": GraphQLField(GraphQLInt)})),
        "groupedBy": GraphQLField(GraphQLObjectType(f"Aggregate{name}GroupedByObj", {
            "path": GraphQLField(GraphQLList(GraphQLString)), "value": GraphQLField(GraphQLString)}))}
    for prop in doc.get("properties") or []:
        kind = _kind(prop)
        if kind is None:
            continue
        value_type = GraphQLString if kind == "date" else GraphQLFloat
        metric_fields = {
            f: GraphQLField(_TOP, args={"limit": GraphQLArgument(GraphQLInt)}) if f == "topOccurrences"
            else GraphQLField(_FIELD_TYPES.get(f, value_type)) for f in _KIND_FIELDS[kind]}
        fields[prop["name"]] = GraphQLField(GraphQLObjectType(f"Aggregate{name}{prop['name']}Obj", metric_fields))
    return GraphQLObjectType(f"Aggregate{name}", fields)


def aggregate_args(name: str) -> dict[str, GraphQLArgument]:
    return {"where": GraphQLArgument(inputs.where_input(f"Aggregate{name}WhereInpObj")),
            "groupBy": GraphQLArgument(GraphQLList(GraphQLString)), "limit": GraphQLArgument(GraphQLInt),
            "objectLimit": GraphQLArgument(GraphQLInt), "nearVector": GraphQLArgument(inputs.SEARCHES.near_vector),
            "nearObject": GraphQLArgument(inputs.SEARCHES.near_object),
            "nearText": GraphQLArgument(inputs.SEARCHES.near_text),
            "hybrid": GraphQLArgument(inputs.SEARCHES.hybrid), "tenant": GraphQLArgument(GraphQLString)}


def parse_aggregate(doc: ClassDoc, args: dict[str, Any], selection: SelectionSetNode | None,
                    fragments: Fragments) -> AggregateParams:
    props = {p["name"]: p for p in doc.get("properties") or []}
    aggregations = []
    for f in fields(selection, fragments):
        prop = props.get(f.name.value)
        if prop is None or _kind(prop) is None:
            continue
        wanted = names(f.selection_set, fragments)
        limit = next((_limit(sub) for sub in fields(f.selection_set, fragments)
                      if sub.name.value == "topOccurrences"), None)
        aggregations.append(PropertyAggregation(prop["name"], str(_kind(prop)),
                                                frozenset(_METRICS[w] for w in wanted if w in _METRICS), limit))
    near_vector, near_object = None, None
    if args.get("nearVector") is not None:
        near_vector = near_vector_arg(args["nearVector"])
    elif args.get("nearObject") is not None:
        near_vector, near_object = near_object_arg(args["nearObject"])
    group_by = args.get("groupBy")
    if group_by is not None and len(group_by) != 1:
        if len(group_by) > 1:
            raise Unsupported("grouping by cross-references is not supported by loomdb yet")
        raise InvalidInput("aggregate: group by requires a property")
    return AggregateParams(
        collection=doc["class"], aggregations=tuple(aggregations),
        total_count="meta" in names(selection, fragments),
        filters=parse_where(args["where"], doc) if args.get("where") is not None else None,
        near_vector=near_vector, near_object=near_object,
        near_text=near_text_arg(args["nearText"]) if args.get("nearText") is not None else None,
        hybrid=hybrid_arg(args["hybrid"]) if args.get("hybrid") is not None else None,
        object_limit=args.get("objectLimit"), group_by=group_by[0] if group_by else None,
        group_limit=args.get("limit"), tenant=args.get("tenant") or "")


def _limit(field) -> int | None:
    for arg in field.arguments:
        if arg.name.value == "limit" and hasattr(arg.value, "value"):
            return int(arg.value.value)
    return None


def aggregate_rows(result: AggregateResult) -> list[Row]:
    if result.groups is None:
        return [{"meta": {"count": result.total_count}, **_properties(result.properties)}]
    return [{"meta": {"count": g.count}, "groupedBy": {"path": [g.property], "value": _go_value(g.value)},
             **_properties(g.properties)} for g in result.groups]


def _go_value(value: object) -> str:
    """A group value as Weaviate's GraphQL prints it (Go's %v)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float32(value) if value != int(value) else str(int(value))
    return str(value)


def _properties(results: list[PropertyResult]) -> Row:
    out: Row = {}
    for res in results:
        row: Row = {"type": res.data_type}
        for field_name, metric in _METRICS.items():
            value = getattr(res, metric, None)
            if value is not None and metric not in ("type", "top_occurrences"):
                row[field_name] = value
        row["topOccurrences"] = [{"value": v, "occurs": c} for v, c in res.top_occurrences]
        out[res.property] = row
    return out
