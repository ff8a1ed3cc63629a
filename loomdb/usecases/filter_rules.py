"""Which filter values a property accepts, with Weaviate's refusals (searches, aggregations and delete-by-filter).

Weaviate's gRPC door types a filter value by the property it targets (grpc/v1/filters.go ExtractFilters: an int
becomes a float64 for a number property, a whole float64 an int for an int property, uuid counts as text), and the
inverted searcher then refuses a value of any other Go type (adapters/repos/db/inverted/searcher.go and
searcher_value_extractors.go). The messages below are those refusals, with the Go type names they print. Leaves
through references, on internal properties (_id, timestamps) or on properties the collection lacks are left to the
engine, which has its own messages for them."""
from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from ..entities.errors import InvalidInput
from ..entities.filters import Filter, FilterLeaf, FilterNode
from ..entities.property_names import stored_name
from .ports import JsonObject

CONTAINS = ("ContainsAny", "ContainsAll", "ContainsNone")

# FilterLeaf.value_type -> the Go type Weaviate holds such a value in
_GO_TYPES = {"text": "string", "int": "int", "number": "float64", "boolean": "bool", "text[]": "[]string",
             "int[]": "[]int", "number[]": "[]float64", "boolean[]": "[]bool", "geo": "filters.GeoRange"}
# property base type -> the Go type of the one value an Equal / range comparison needs, and of a Contains list
_SCALAR_GO_TYPES = {"text": "string", "int": "int", "number": "float64", "boolean": "bool", "date": "string"}
_ARRAY_GO_TYPES = {"text": "[]string", "int": "[]int", "number": "[]float64", "boolean": "[]bool",
                   "date": "[]string", "uuid": "[]string"}
_CHECKED_TYPES = frozenset(_SCALAR_GO_TYPES) | {"uuid", "geoCoordinates"}


def check_filters(doc: JsonObject, flt: Filter | None) -> None:
    """Refuse (InvalidInput) the first leaf of `flt` whose value the targeted property of `doc` cannot take."""
    if flt is None:
        return
    types = {p["name"]: p["dataType"][0] for p in doc.get("properties") or []}
    for leaf in _leaves(flt):
        if leaf.reference_path or leaf.ref_count:
            continue
        data_type = types.get(stored_name(leaf.property))
        base = data_type[:-2] if data_type and data_type.endswith("[]") else data_type
        if base in _CHECKED_TYPES:
            problem = _problem(leaf, base, leaf.property)
            if problem:
                raise InvalidInput(f"invalid filter on property '{leaf.property}': {problem}")


def _leaves(flt: Filter) -> Iterator[FilterLeaf]:
    if isinstance(flt, FilterNode):
        for operand in flt.operands:
            yield from _leaves(operand)
    else:
        yield flt


def _problem(leaf: FilterLeaf, base: str, prop: str) -> str | None:
    got = _GO_TYPES.get(leaf.value_type, leaf.value_type)
    if leaf.operator == "IsNull":
        return None if got == "bool" else f"expected value to be bool, got {got}"
    if leaf.length:
        return _int_problem(leaf.value, got)
    if base == "geoCoordinates":
        return None if got == "filters.GeoRange" else \
            f'prop "{prop}" is of type geoCoordinates, it can onlybe used with geoRange filters'   # sic
    if leaf.operator in CONTAINS:
        return _contains_problem(leaf.value, base, got)
    if base == "uuid":
        return None if got == "string" else f"expected to see uuid as string in filter, got {got}"
    return _scalar_problem(leaf.value, base, got)


def _int_problem(value: Any, got: str) -> str | None:
    if got == "int":
        return None
    if got == "float64":
        return None if _whole(value) else f"filtering for integer, but received a floating point number {value}"
    return f"expected value to be int, got {got}"


def _scalar_problem(value: Any, base: str, got: str) -> str | None:
    if base == "int":
        return _int_problem(value, got)
    if base == "number" and got == "int":
        return None                                    # ints are taken as floats for number properties
    if got == _SCALAR_GO_TYPES[base]:
        return None
    if base == "text":
        return f"expected value to be string, got '{got}'"
    if base == "date":
        return f"expected value to be time.Time (or parseable string), got {got}"
    return f"expected value to be {_SCALAR_GO_TYPES[base]}, got {got}"


def _contains_problem(values: Any, base: str, got: str) -> str | None:
    wanted = _ARRAY_GO_TYPES[base]
    if got == wanted or (base == "number" and got == "[]int"):
        return None
    if base == "int" and got == "[]float64":
        fraction = next((v for v in values if not _whole(v)), None)
        return None if fraction is None else f"filtering for integer, but received a floating point number {fraction}"
    return f"value type should be {wanted} but is {got}"


def _whole(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and float(value).is_integer()
