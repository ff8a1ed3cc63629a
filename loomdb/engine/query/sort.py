"""Sorting a matched set of slots by properties, as Weaviate's sorter orders them (adapters/repos/db/sorter).

Weaviate's comparators (basic_comparators.go): text (and blob) compare case-insensitively (lower-cased, then
byte/code-point order); int and number both as float64; dates as instants; booleans false < true; arrays element
by element, then the shorter first; geoCoordinates as [longitude, latitude]; phoneNumber as [countryCode,
national]; object values all compare equal. A null (missing) value is below every value: first ascending, last
descending. `_id` sorts by the uuid string, `_creationTimeUnix` / `_lastUpdateTimeUnix` by their milliseconds.
uuid / uuid[] and reference properties are refused (filters/sort_validator.go).

Vectorised: each sort level becomes (present mask, numeric key) over the candidate slots and one np.lexsort
orders them, the incoming order breaking ties. Keys come from memory where possible (ScalarColumn for scalar
int/number/date/boolean, TextSortColumn for scalar text, the uuid and timestamp arrays); every other case reads
the candidates' values from the object store once and ranks them in Python.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import orjson

from ...entities.errors import InvalidInput
from ...entities.filters import CREATION_TIME_PROPERTY, ID_PROPERTY, UPDATE_TIME_PROPERTY
from ...entities.search import SortBy
from ..inverted.columns import ScalarColumn, TextSortColumn
from ..schema.dates import to_micros
from ..schema.model import PropertySpec

if TYPE_CHECKING:
    from ..shard import Shard

_INTERNAL = (ID_PROPERTY, "id", CREATION_TIME_PROPERTY, UPDATE_TIME_PROPERTY)


def validate_sort(properties: dict[str, PropertySpec], sort: tuple[SortBy, ...], class_name: str) -> None:
    """Weaviate's sort validation (filters/sort_validator.go), wrapped as the traverser wraps it."""
    errors = []
    for i, clause in enumerate(sort):
        msg = _clause_error(properties, clause, class_name)
        if msg:
            errors.append(f"sort parameter at position {i}: {msg}")
    if errors:
        raise InvalidInput("invalid 'sort' parameter: " + ", ".join(errors))


def _clause_error(properties: dict[str, PropertySpec], clause: SortBy, class_name: str) -> str | None:
    if not clause.path:
        return "path parameter cannot be empty"
    if clause.path in _INTERNAL:
        return None
    spec = properties.get(clause.path)
    if spec is None:
        return (f"no such prop with name '{clause.path}' found in class '{class_name}' in the schema. Check your "
                "schema files for which properties in this class are available")
    if spec.base_type == "uuid":
        return (f'prop "{spec.name}" is of type uuid/uuid[]: sorting by uuid is currently not supported - if you '
                "believe it should be, please open a feature request on github.com/weaviate/weaviate")
    if spec.is_reference:
        return f'sorting by reference not supported, property "{spec.name}" is a ref prop to the class ' \
               f'"{spec.data_type}"'
    return None


def sort_slots(shard: Shard, slots: np.ndarray, sort: tuple[SortBy, ...]) -> np.ndarray:
    """`slots` reordered by `sort` (ties keep the incoming order). Call under `shard.read()`."""
    slots = np.asarray(slots, dtype=np.int64)
    if len(slots) <= 1 or not sort:
        return slots
    keys: list[np.ndarray] = [np.arange(len(slots))]          # least significant: incoming order
    stored: list[dict] | None = None
    for clause in reversed(sort):
        present, value = _memory_key(shard, slots, clause.path)
        if present is None:
            if stored is None:
                stored = _stored_props(shard, slots)
            present, value = _stored_key(shard.properties[clause.path], stored, clause.path)
        if value is not None:
            keys.append(value if clause.ascending else -value)
        keys.append(present.astype(np.int8) if clause.ascending else (~present).astype(np.int8))
    return slots[np.lexsort(keys)]


def _memory_key(shard: Shard, slots: np.ndarray, path: str) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(present, key) from in-memory columns, or (None, None) when the values must come from the store."""
    everywhere = np.ones(len(slots), bool)
    if path in (ID_PROPERTY, "id"):
        _, rank = np.unique(shard.uuid_keys()[slots], return_inverse=True)
        return everywhere, rank.reshape(-1).astype(np.int64)
    if path in (CREATION_TIME_PROPERTY, UPDATE_TIME_PROPERTY):
        stamps = shard.timestamps("created" if path == CREATION_TIME_PROPERTY else "updated")
        return everywhere, stamps[slots].astype(np.int64)
    spec = shard.properties[path]
    if spec.is_array:
        return None, None
    sort_column = shard.sort_columns.get(path)
    if isinstance(sort_column, TextSortColumn):
        ranks = sort_column.ranks(shard.slot_count)[slots]
        return ranks >= 0, ranks
    column = shard.columns.get(path)
    if isinstance(column, ScalarColumn):
        n = len(column.values)
        inside = slots < n
        present = np.zeros(len(slots), bool)
        value = np.zeros(len(slots), np.float64 if column.kind in ("int", "number") else np.int64)
        present[inside] = column.present.view()[slots[inside]]
        value[inside] = column.values.view()[slots[inside]]
        return present, value
    return None, None


def _stored_props(shard: Shard, slots: np.ndarray) -> list[dict]:
    """Properties of the candidate slots, read from the store in one go (order = `slots`)."""
    docs = shard.docs_of(slots).tolist()
    rows = shard.store.get_many(docs)
    return [orjson.loads(rows[d][3]) if d in rows else {} for d in docs]


def _stored_key(spec: PropertySpec, props: list[dict], path: str) -> tuple[np.ndarray, np.ndarray | None]:
    """(present, rank) from stored values; object properties only order null before non-null."""
    raw = [p.get(path) for p in props]
    present = np.array([v is not None for v in raw], bool)
    if spec.base_type == "object":
        return present, None
    keys = [None if v is None else comparable(spec, v) for v in raw]
    distinct = sorted({c for c in keys if c is not None})
    rank_of = {c: i for i, c in enumerate(distinct)}
    return present, np.array([-1 if c is None else rank_of[c] for c in keys], np.int64)


def comparable(spec: PropertySpec, value: Any):
    """A Python value whose natural order is Weaviate's comparator order for this data type (also what merges
    sorted pages of several shards compare, query/merge.py)."""
    base = spec.base_type
    if spec.is_array:
        return tuple(_scalar(base, v) for v in value)
    if base == "geoCoordinates":
        return (float(value.get("longitude", 0.0)), float(value.get("latitude", 0.0)))
    if base == "phoneNumber":
        return (float(value.get("countryCode", 0)), float(value.get("national", 0)))
    return _scalar(base, value)


def _scalar(base: str, value: Any):
    if base in ("text", "blob", "blobHash"):
        return str(value).lower()
    if base == "date":
        return to_micros(value)
    if base == "boolean":
        return bool(value)
    return float(value)
