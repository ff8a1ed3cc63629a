"""weaviate.v1.Filters -> entities.filters tree."""
from __future__ import annotations

from weaviate.proto.v1 import base_pb2

from ...entities.errors import InvalidInput
from ...entities.filters import Filter, FilterLeaf, FilterNode

_OPS = {
    base_pb2.Filters.OPERATOR_EQUAL: "Equal",
    base_pb2.Filters.OPERATOR_NOT_EQUAL: "NotEqual",
    base_pb2.Filters.OPERATOR_GREATER_THAN: "GreaterThan",
    base_pb2.Filters.OPERATOR_GREATER_THAN_EQUAL: "GreaterThanEqual",
    base_pb2.Filters.OPERATOR_LESS_THAN: "LessThan",
    base_pb2.Filters.OPERATOR_LESS_THAN_EQUAL: "LessThanEqual",
    base_pb2.Filters.OPERATOR_AND: "And",
    base_pb2.Filters.OPERATOR_OR: "Or",
    base_pb2.Filters.OPERATOR_NOT: "Not",
    base_pb2.Filters.OPERATOR_WITHIN_GEO_RANGE: "WithinGeoRange",
    base_pb2.Filters.OPERATOR_LIKE: "Like",
    base_pb2.Filters.OPERATOR_IS_NULL: "IsNull",
    base_pb2.Filters.OPERATOR_CONTAINS_ANY: "ContainsAny",
    base_pb2.Filters.OPERATOR_CONTAINS_ALL: "ContainsAll",
    base_pb2.Filters.OPERATOR_CONTAINS_NONE: "ContainsNone",
}
_VALUE_FIELDS = {
    "value_text": "text", "value_int": "int", "value_boolean": "boolean", "value_number": "number",
    "value_text_array": "text[]", "value_int_array": "int[]", "value_boolean_array": "boolean[]",
    "value_number_array": "number[]", "value_geo": "geo",
}


def parse_filters(pb: base_pb2.Filters) -> Filter:
    op = _OPS.get(pb.operator)
    if op is None:
        raise InvalidInput(f"unknown filter operator {pb.operator}")
    if op in ("And", "Or", "Not"):
        if not pb.filters:
            raise InvalidInput(f"filter operator {op} needs at least one operand")
        return FilterNode(op, tuple(parse_filters(f) for f in pb.filters))
    prop, length, ref_path, ref_count = _target(pb)
    field = pb.WhichOneof("test_value")
    if field is None:
        raise InvalidInput(f"filter on '{prop}' with operator {op} has no value")
    value = getattr(pb, field)
    if field.endswith("_array"):
        value = list(value.values)
        if not value:
            raise InvalidInput(f"filter on '{prop}' with operator {op} has an empty list of values")
    elif field == "value_geo":
        value = (value.latitude, value.longitude, value.distance)
    return FilterLeaf(op, prop, value, _VALUE_FIELDS[field], length=length, reference_path=ref_path,
                      ref_count=ref_count)


def _target(pb: base_pb2.Filters) -> tuple[str, bool, tuple[tuple[str, str], ...], bool]:
    """(property, is a length filter, reference path, is a reference count) of a leaf. Reference targets
    (`single_target`, `multi_target`, nested) become hops (reference property, target collection or ""); the
    deprecated `on` path [refProp, Class, ..., prop] is accepted too."""
    if pb.HasField("target"):
        return _filter_target(pb.target)
    if pb.on:
        on = list(pb.on)
        hops = tuple((on[i][:1].lower() + on[i][1:], on[i + 1]) for i in range(0, len(on) - 1, 2))
        return _plain(on[-1]) + (hops, False) if len(on) > 1 else _plain(on[0]) + ((), False)
    raise InvalidInput("filter has no target property")


def _plain(name: str) -> tuple[str, bool]:
    if name.startswith("len(") and name.endswith(")"):
        return name[4:-1], True
    return name, False


def _filter_target(t: base_pb2.FilterTarget) -> tuple[str, bool, tuple[tuple[str, str], ...], bool]:
    kind = t.WhichOneof("target")
    if kind == "property":
        return _plain(t.property) + ((), False)
    if kind == "count":
        return t.count.on, False, (), True
    if kind in ("single_target", "multi_target"):
        ref = getattr(t, kind)
        if not ref.HasField("target"):
            raise InvalidInput(f"filter through reference '{ref.on}' has no target property")
        prop, length, path, count = _filter_target(ref.target)
        collection = ref.target_collection if kind == "multi_target" else ""
        return prop, length, ((ref.on, collection),) + path, count
    raise InvalidInput("filter target is empty")
