"""The `where` argument -> entities.filters tree. Paths are Weaviate's: ["prop"], ["len(prop)"], ["id"], or
through references ["refProp", "Target", ..., "prop"]; a path naming only a reference property filters on its
reference count."""
from __future__ import annotations

from typing import Any

from ...entities.errors import InvalidInput
from ...entities.filters import BOOLEAN_OPERATORS, ID_PROPERTY, Filter, FilterLeaf, FilterNode

# value field -> the entities' value type (dates and strings travel as text, as over gRPC)
# GraphQL's names of the object's own fields (gRPC's "_id" included)
_META_PATHS = {"id": ID_PROPERTY}
_VALUE_TYPES = {
    "valueInt": "int", "valueNumber": "number", "valueBoolean": "boolean", "valueString": "text",
    "valueText": "text", "valueDate": "text", "valueIntArray": "int[]", "valueNumberArray": "number[]",
    "valueBooleanArray": "boolean[]", "valueStringArray": "text[]", "valueTextArray": "text[]",
    "valueDateArray": "text[]", "valueGeoRange": "geo",
}


def parse_where(where: dict[str, Any], class_doc: dict[str, Any]) -> Filter:
    operator = where.get("operator")
    if operator is None:
        raise InvalidInput("could not extract filters: operator is required")
    if operator in BOOLEAN_OPERATORS:
        operands = where.get("operands") or []
        if not operands:
            raise InvalidInput(f"could not extract filters: operator {operator} requires operands")
        return FilterNode(operator, tuple(parse_where(o, class_doc) for o in operands))
    path = where.get("path") or []
    if not path:
        raise InvalidInput("could not extract filters: path is required")
    given = [key for key in _VALUE_TYPES if where.get(key) is not None]
    if len(given) != 1:
        raise InvalidInput("could not extract filters: exactly one value field (valueText, valueInt, ...) "
                           f"is required, got {len(given)}")
    key = given[0]
    value = where[key]
    if key == "valueGeoRange":
        value = (value["geoCoordinates"]["latitude"], value["geoCoordinates"]["longitude"],
                 value["distance"]["max"])
    elif isinstance(value, list) and not value:
        raise InvalidInput(f"could not extract filters: {key} is empty")
    hops = tuple((path[i][:1].lower() + path[i][1:], path[i + 1]) for i in range(0, len(path) - 1, 2))
    prop = path[-1]
    length = prop.startswith("len(") and prop.endswith(")")
    if length:
        prop = prop[4:-1]
    prop = _META_PATHS.get(prop, prop)
    return FilterLeaf(operator, prop, value, _VALUE_TYPES[key], length=length, reference_path=hops,
                      ref_count=not hops and _is_reference(class_doc, prop))


def _is_reference(class_doc: dict[str, Any], prop: str) -> bool:
    return any(p["name"] == prop and p["dataType"][0][:1].isupper() for p in class_doc.get("properties") or [])
