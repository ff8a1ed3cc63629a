"""Weaviate's REST / GraphQL `where` filter JSON (models.WhereFilter) -> entities.filters tree.

A pure function of the JSON, shared by every adapter that receives this format (DELETE /v1/batch/objects, GraphQL
`where` arguments once converted to the same dict): `{"operator": "And", "operands": [...]}` or
`{"path": [...], "operator": "Equal", "valueText": "..."}`. A path is `["prop"]`, `["len(prop)"]` or a walk through
references `["refProp", "Target", ..., "prop"]`; the value sits in exactly one typed field."""
from __future__ import annotations

from typing import Any

import orjson

from ...entities.errors import InvalidInput
from ...entities.filters import BOOLEAN_OPERATORS, LEAF_OPERATORS, Filter, FilterLeaf, FilterNode

# typed value field -> FilterLeaf.value_type (dates and the deprecated string type travel as text, as over gRPC)
VALUE_FIELDS = {
    "valueText": "text", "valueString": "text", "valueDate": "text", "valueInt": "int", "valueNumber": "number",
    "valueBoolean": "boolean", "valueTextArray": "text[]", "valueStringArray": "text[]", "valueDateArray": "text[]",
    "valueIntArray": "int[]", "valueNumberArray": "number[]", "valueBooleanArray": "boolean[]",
    "valueGeoRange": "geo",
}


def parse_where(where: Any) -> Filter:
    """The filter tree of one `where` object; InvalidInput in Weaviate's words (filterext.Parse) otherwise."""
    if not isinstance(where, dict):
        raise InvalidInput("invalid where filter: expected a JSON object")
    op = where.get("operator")
    if op not in BOOLEAN_OPERATORS and op not in LEAF_OPERATORS:
        raise InvalidInput(f"unrecognized operator: {op if op is not None else ''}")
    try:
        return _node(where, op) if op in BOOLEAN_OPERATORS else _leaf(where, op)
    except InvalidInput as exc:
        raise InvalidInput(f"invalid where filter: {exc.message}") from None


def _node(where: dict[str, Any], op: str) -> FilterNode:
    if where.get("path") is not None:
        raise InvalidInput(f"operator '{op}' not compatible with field 'path', remove 'path' or switch to compare "
                           "operator (eg. Equal, NotEqual, etc.)")
    if _value_fields(where):
        raise InvalidInput(f"operator '{op}' not compatible with field 'value<Type>', remove value field or switch "
                           "to compare operator (eg. Equal, NotEqual, etc.)")
    operands = where.get("operands")
    if not isinstance(operands, list) or not operands:
        raise InvalidInput(f"operator '{op}', but no operands set - add at least one operand")
    parsed = []
    for i, operand in enumerate(operands):
        try:
            parsed.append(parse_where(operand))
        except InvalidInput as exc:
            raise InvalidInput(f"operand {i}: {exc.message}") from None
    return FilterNode(op, tuple(parsed))


def _value_fields(where: dict[str, Any]) -> list[str]:
    """The value fields set (an empty array counts as unset, as in Go)."""
    return [f for f in VALUE_FIELDS if where.get(f) is not None and where.get(f) != []]


def _leaf(where: dict[str, Any], op: str) -> FilterLeaf:
    fields = _value_fields(where)
    if len(fields) > 1:
        raise InvalidInput(f"found more than one values the clause '{orjson.dumps(where).decode()}'")
    if not fields:
        raise InvalidInput(f"got operator '{op}', but no value<Type> field set")
    field = fields[0]
    value = _value(field, where[field])
    path = where.get("path")
    if not isinstance(path, list) or not path:
        raise InvalidInput("field 'path': must have at least one element")
    if not all(isinstance(p, str) and p for p in path) or len(path) % 2 == 0:
        raise InvalidInput(f"field 'path': {path} must be [property] or "
                           "[referenceProperty, TargetClass, ..., property]")
    name, length = _plain(path[-1])
    hops = tuple((path[i][:1].lower() + path[i][1:], path[i + 1]) for i in range(0, len(path) - 1, 2))
    return FilterLeaf(op, name, value, VALUE_FIELDS[field], length=length, reference_path=hops)


def _plain(name: str) -> tuple[str, bool]:
    if name.startswith("len(") and name.endswith(")"):
        return name[4:-1], True
    return name, False


def _value(field: str, raw: Any) -> Any:
    if field == "valueGeoRange":
        return _geo_range(raw)
    if field.endswith("Array"):
        if not isinstance(raw, list):
            raise InvalidInput(f"{field} must be a list of values, got {raw!r}")
        return [_scalar(field.removesuffix("Array"), v) for v in raw]
    return _scalar(field, raw)


def _geo_range(raw: Any) -> tuple[float, float, float]:
    """(latitude, longitude, max distance in metres) of a valueGeoRange."""
    if not isinstance(raw, dict) or not isinstance(raw.get("distance"), dict):
        raise InvalidInput("valueGeoRange: field 'distance' must be set")
    distance = _number(raw["distance"].get("max", 0), "distance.max")
    if distance < 0:
        raise InvalidInput("valueGeoRange: field 'distance.max' must be a positive number")
    coords = raw.get("geoCoordinates")
    if not isinstance(coords, dict):
        raise InvalidInput("valueGeoRange: field 'geoCoordinates' must be set")
    return _number(coords.get("latitude", 0), "latitude"), _number(coords.get("longitude", 0), "longitude"), distance


def _number(raw: Any, name: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise InvalidInput(f"valueGeoRange: field '{name}' must be a number, got {raw!r}")
    return float(raw)


_SCALAR_KINDS: dict[str, tuple[type, ...]] = {
    "valueText": (str,), "valueString": (str,), "valueDate": (str,), "valueInt": (int,),
    "valueNumber": (int, float), "valueBoolean": (bool,),
}


def _scalar(field: str, raw: Any) -> Any:
    """One value of the field's JSON type (a boolean is no number, as in Go)."""
    kinds = _SCALAR_KINDS[field]
    if isinstance(raw, bool) and bool not in kinds or not isinstance(raw, kinds):
        raise InvalidInput(f"{field} cannot hold {raw!r}")
    value: Any = raw
    return float(value) if field == "valueNumber" else value
