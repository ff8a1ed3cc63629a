"""Filters -> allow-list: a bool mask over shard slots, computed column-wise (never object by object)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ...entities.errors import InvalidInput, Unsupported
from ...entities.filters import (
    CREATION_TIME_PROPERTY,
    ID_PROPERTY,
    UPDATE_TIME_PROPERTY,
    Filter,
    FilterLeaf,
    FilterNode,
)
from ..inverted.columns import TermsColumn
from ..schema.dates import to_micros
from ..schema.model import PropertySpec
from . import references
from .filter_context import FilterContext

if TYPE_CHECKING:
    from ..shard import Shard

# which filter value types each property base type accepts
_ACCEPTS = {
    "text": {"text"}, "uuid": {"text"}, "date": {"text"}, "int": {"int", "number"},
    "number": {"number", "int"}, "boolean": {"boolean"}, "geoCoordinates": {"geo"},
}
_ARRAY_OPERATORS = ("ContainsAny", "ContainsAll", "ContainsNone")


def allow_list(shard: Shard, flt: Filter, ctx: FilterContext) -> np.ndarray:
    """Mask of live slots matching `flt`. Call inside `shard.read()`; filters through references must have been
    prepared first (`references.prepare_filters`, outside the lock)."""
    n = shard.slot_count
    return _eval(shard, flt, ctx, n) & shard.alive_view()[:n]


def _eval(shard: Shard, flt: Filter, ctx: FilterContext, n: int) -> np.ndarray:
    if isinstance(flt, FilterNode):
        parts = [_eval(shard, f, ctx, n) for f in flt.operands]
        if flt.operator == "And":
            return np.logical_and.reduce(parts) if parts else np.ones(n, bool)
        if flt.operator == "Or":
            return np.logical_or.reduce(parts) if parts else np.zeros(n, bool)
        if flt.operator == "Not":
            if len(parts) != 1:
                raise InvalidInput("the Not operator takes exactly one operand")
            return ~parts[0]
        raise InvalidInput(f"unknown filter operator {flt.operator!r}")
    return _leaf(shard, flt, ctx, n)


def _leaf(shard: Shard, leaf: FilterLeaf, ctx: FilterContext, n: int) -> np.ndarray:
    if leaf.reference_path or leaf.ref_count or leaf.operator == references.REF_TARGETS:
        return references.evaluate(shard, leaf, ctx, n)
    if leaf.length:
        return _by_length(shard, leaf, ctx, n)
    if leaf.operator == "IsNull" and not ctx.index_null_state:
        raise InvalidInput("Nullstate must be indexed to be filterable! Add `indexNullState: true` to the "
                           "invertedIndexConfig")
    if leaf.property == ID_PROPERTY:
        return _by_id(shard, leaf, n)
    if leaf.property in (CREATION_TIME_PROPERTY, UPDATE_TIME_PROPERTY):
        return _by_time(shard, leaf, ctx, n)
    spec = shard.properties.get(leaf.property)
    if spec is None:
        raise InvalidInput(f"no such prop with name '{leaf.property}' found in class '{ctx.class_name}' "
                           "in the schema. Check your schema files for which properties in this class are available")
    if (leaf.operator == "WithinGeoRange") != (spec.data_type == "geoCoordinates") and leaf.operator != "IsNull":
        raise InvalidInput(f"operator {leaf.operator} is not supported for {spec.data_type} property "
                           f"'{spec.name}'" + (": WithinGeoRange needs a geoCoordinates property"
                                               if leaf.operator == "WithinGeoRange" else ""))
    _check_value_type(spec, leaf)
    column = shard.columns.get(leaf.property)
    if column is None:
        raise InvalidInput(f"Filtering by property '{leaf.property}' requires inverted index. Is `indexFilterable` "
                           f"option of property '{leaf.property}' enabled? Set it to `true` or leave empty")
    return column.evaluate(leaf, n)


def _check_value_type(spec: PropertySpec, leaf: FilterLeaf) -> None:
    if leaf.operator == "IsNull":
        return
    accepted = _ACCEPTS.get(spec.base_type)
    if accepted is None:
        raise Unsupported(f"filtering on {spec.data_type} property '{spec.name}' is not supported by loomdb yet")
    is_list = leaf.value_type.endswith("[]")
    if leaf.operator in _ARRAY_OPERATORS and not is_list:
        raise InvalidInput(f"operator {leaf.operator} requires a list of values")
    if leaf.operator not in _ARRAY_OPERATORS and is_list:
        raise InvalidInput(f"operator {leaf.operator} requires a single value, not a list")
    base = leaf.value_type.removesuffix("[]")
    if base not in accepted:
        raise InvalidInput(f"invalid filter value for property '{spec.name}' of type {spec.data_type}: "
                           f"got a {base} value")


def _by_length(shard: Shard, leaf: FilterLeaf, ctx: FilterContext, n: int) -> np.ndarray:
    """len(property): character count of text, element count of arrays, 0 for null (Weaviate's property-length
    index, adapters/repos/db/inverted/objects.go). Needs indexPropertyLength; other types have no length."""
    spec = shard.properties.get(leaf.property)
    column = shard.columns.get(leaf.property)
    if (not ctx.index_property_length or spec is None or not (spec.is_array or spec.data_type == "text")
            or not isinstance(column, TermsColumn)):
        raise InvalidInput("Property length must be indexed to be filterable! add `IndexPropertyLength: true` to "
                           f"the invertedIndexConfig in {ctx.class_name}.  Geo-coordinates, phone numbers and "
                           "data blobs are not supported by property length.")
    if leaf.value_type != "int" and leaf.operator != "IsNull":
        raise InvalidInput(f"filtering by the length of property '{leaf.property}' needs an int value")
    return column.evaluate_length(leaf, n)


def _by_id(shard: Shard, leaf: FilterLeaf, n: int) -> np.ndarray:
    values = leaf.value if isinstance(leaf.value, list) else [leaf.value]
    out = np.zeros(n, bool)
    for v in values:
        try:
            slot = shard.slot_of(str(v))
        except ValueError:
            raise InvalidInput(f"invalid uuid in filter on _id: {v!r}") from None
        if slot is not None and slot < n:
            out[slot] = True
    if leaf.operator in ("Equal", "ContainsAny", "ContainsAll"):
        if leaf.operator == "ContainsAll" and len(set(map(str, values))) > 1:
            return np.zeros(n, bool)
        return out
    if leaf.operator in ("NotEqual", "ContainsNone"):
        return ~out
    raise InvalidInput(f"operator {leaf.operator} is not supported when filtering by id")


def _by_time(shard: Shard, leaf: FilterLeaf, ctx: FilterContext, n: int) -> np.ndarray:
    if not ctx.index_timestamps:
        raise InvalidInput("timestamps must be indexed to be filterable! add `IndexTimestamps: true` to the "
                           "InvertedIndexConfig")
    stamps = shard.timestamps("created" if leaf.property == CREATION_TIME_PROPERTY else "updated")[:n]
    values = leaf.value if isinstance(leaf.value, list) else [leaf.value]
    millis = [_to_millis(v) for v in values]
    op = leaf.operator
    if op in ("Equal", "NotEqual"):
        hit = stamps == millis[0]
        return hit if op == "Equal" else ~hit
    if op in ("ContainsAny", "ContainsNone"):
        hit = np.isin(stamps, millis)
        return hit if op == "ContainsAny" else ~hit
    cmp = {"GreaterThan": np.greater, "GreaterThanEqual": np.greater_equal,
           "LessThan": np.less, "LessThanEqual": np.less_equal}.get(op)
    if cmp is None:
        raise InvalidInput(f"operator {op} is not supported on {leaf.property}")
    return cmp(stamps, millis[0])


def _to_millis(value) -> int:
    """Timestamps filter values come as RFC 3339 strings or as millisecond numbers (strings or ints)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    text = str(value)
    if text.lstrip("-").isdigit():
        return int(text)
    return to_micros(text) // 1000
