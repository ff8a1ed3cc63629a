"""Weaviate's REST / GraphQL `where` filter JSON (models.WhereFilter) -> entities.filters tree.

A pure function of the JSON, shared by every adapter that receives this format (DELETE /v1/batch/objects, GraphQL
`where` arguments once converted to the same dict): `{"operator": "And", "operands": [...]}` or
`{"path": [...], "operator": "Equal", "valueText": "..."}`. A path is `["prop"]`, `["len(prop)"]` or a walk through
references `["refProp", "Target", ..., "prop"]`; the value sits in exactly one typed field."""
from __future__ import annotations

from typing import Any

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
    """The filter tree of one `where` object; InvalidInput names what is wrong with it."""
    if not isinstance(where, dict):
        raise InvalidInput("invalid where filter: expected a JSON object")
    op = where.get("operator")
    if op in BOOLEAN_OPERATORS:
        operands = where.get("operands")
        if not isinstance(operands, list) or not operands:
            raise InvalidInput(f"invalid where filter: operator {op} needs at least one operand")
        return FilterNode(op, tuple(parse_where(o) for o in operands))
    if op not in LEAF_OPERATORS:
        raise InvalidInput(f"invalid where filter: unknown operator {op!r}")
    path = where.get("path")
    if not isinstance(path, list) or not path or not all(isinstance(p, str) and p for p in path):
        raise InvalidInput(f"invalid where filter: operator {op} needs a path (a list of property names)")
    fields = [f for f in VALUE_FIELDS if where.get(f) is not None]
    if len(fields) != 1:
        raise InvalidInput(f"invalid where filter on {path}: expected exactly one value field, got "
                           f"{len(fields) or 'none'}")
    field = fields[0]
    value = _value(field, where[field], path)
    if len(path) % 2 == 0:
        raise InvalidInput(f"invalid where filter: path {path} must be [property] or "
                           "[referenceProperty, TargetClass, ..., property]")
    name, length = _plain(path[-1])
    hops = tuple((path[i][:1].lower() + path[i][1:], path[i + 1]) for i in range(0, len(path) - 1, 2))
    return FilterLeaf(op, name, value, VALUE_FIELDS[field], length=length, reference_path=hops)


def _plain(name: str) -> tuple[str, bool]:
    if name.startswith("len(") and name.endswith(")"):
        return name[4:-1], True
    return name, False


def _value(field: str, raw: Any, path: list[str]) -> Any:
    if field == "valueGeoRange":
        try:
            coords, distance = raw["geoCoordinates"], raw["distance"]["max"]
            return float(coords["latitude"]), float(coords["longitude"]), float(distance)
        except (KeyError, TypeError, ValueError):
            raise InvalidInput(f"invalid where filter on {path}: valueGeoRange needs geoCoordinates "
                               "{latitude, longitude} and distance {max}") from None
    if field.endswith("Array"):
        if not isinstance(raw, list) or not raw:
            raise InvalidInput(f"invalid where filter on {path}: {field} needs a non-empty list")
        return [_scalar(field.removesuffix("Array"), v, path) for v in raw]
    return _scalar(field, raw, path)


_SCALAR_KINDS: dict[str, tuple[type, ...]] = {
    "valueText": (str,), "valueString": (str,), "valueDate": (str,), "valueInt": (int,),
    "valueNumber": (int, float), "valueBoolean": (bool,),
}


def _scalar(field: str, raw: Any, path: list[str]) -> Any:
    """One value of the field's JSON type (a boolean is no number, as in Go)."""
    kinds = _SCALAR_KINDS[field]
    if isinstance(raw, bool) and bool not in kinds or not isinstance(raw, kinds):
        raise InvalidInput(f"invalid where filter on {path}: {field} cannot hold {raw!r}")
    value: Any = raw
    return float(value) if field == "valueNumber" else value
