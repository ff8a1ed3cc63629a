"""Auto-schema: which properties a write adds to its collection and with which types (Weaviate's
usecases/objects/auto_schema.go with its defaults AUTOSCHEMA_DEFAULT_NUMBER=number, AUTOSCHEMA_DEFAULT_DATE=date,
AUTOSCHEMA_DEFAULT_STRING=text). The engine adds what it is given (Collection.add_inferred_properties); dates and
uuids are recognised with the patterns its coercion accepts (entities/values.py)."""
from __future__ import annotations

import functools
from collections.abc import Container
from typing import Any

from ..entities.errors import InvalidInput
from ..entities.objects import IncomingObject
from ..entities.property_names import nested_property_name_problem, property_name_problem, stored_name
from ..entities.values import STRICT_RFC3339, UUID_FORMS, parse_datetime
from .ports import JsonObject


def properties_to_add(known: Container[str], objects: list[IncomingObject]) -> list[JsonObject]:
    """Property JSON for the keys `objects` use that are not `known` property names (keys match with a
    lower-case first letter, as Weaviate matches them), typed by the first value a type can be inferred from, in
    order of first use. The keys of the whole batch are gathered first, so the per-value walk runs only when
    something is missing."""
    keys: set[str] = set()
    for obj in objects:
        if isinstance(obj.properties, dict):
            keys.update(obj.properties)
    missing = {key for key in keys if key[:1].lower() + key[1:] not in known}
    if not missing:
        return []
    inferred: dict[str, JsonObject] = {}
    for obj in objects:
        if not isinstance(obj.properties, dict):
            continue
        for key, value in obj.properties.items():
            if key in missing and key not in inferred and value is not None:
                prop = infer_property(key, value)
                if prop is not None:
                    inferred[key] = prop
    return list(inferred.values())


def name_problem(properties: Any) -> str | None:
    """The naming rule a key of an object's properties breaks (nested object keys included), in the words of
    collections.create: auto-schema would add each key as a property, so Weaviate refuses the object with the
    rule instead of an unknown-property error. None when every key can name a property. Keys repeat across a
    batch, so each distinct one is checked once."""
    if not isinstance(properties, dict):
        return None
    for key, value in properties.items():
        problem = _top_level_problem(str(key))
        if problem is None and _has_objects(value):
            problem = _nested_name_problem(value, stored_name(str(key)))
        if problem:
            return problem
    return None


@functools.lru_cache(maxsize=4096)
def _top_level_problem(key: str) -> str | None:
    return property_name_problem(stored_name(key))


@functools.lru_cache(maxsize=4096)
def _nested_key_problem(key: str, parent: str) -> str | None:
    return nested_property_name_problem(key, parent)


def _has_objects(value: Any) -> bool:
    """An object, or a list of objects (auto-schema types a list by its first element)."""
    return isinstance(value, dict) or (isinstance(value, list) and bool(value) and isinstance(value[0], dict))


def _nested_name_problem(value: Any, parent: str) -> str | None:
    objects = [value] if isinstance(value, dict) else [v for v in value if isinstance(v, dict)]
    for obj in objects:
        for key, item in obj.items():
            problem = _nested_key_problem(str(key), parent)
            if problem is None and _has_objects(item):
                problem = _nested_name_problem(item, f"{parent}.{key}")
            if problem:
                return problem
    return None


def _string_type(value: str) -> str:
    if STRICT_RFC3339.match(value):
        try:
            parse_datetime(value)
            return "date"
        except InvalidInput:
            pass
    return "uuid" if UUID_FORMS.match(value) else "text"


def _scalar_type(value: Any, nested: bool, default_number: str) -> str | None:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return default_number                  # a JSON number is json.Number in Go -> AUTOSCHEMA_DEFAULT_NUMBER
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return _string_type(value)
    if isinstance(value, dict):
        if not nested and len(value) == 2 and value.get("latitude") is not None \
                and value.get("longitude") is not None:
            return "geoCoordinates"
        if not nested and value.get("input") is not None and (len(value) == 1 or
                                                              (len(value) == 2 and "defaultCountry" in value)):
            return "phoneNumber"
        return "object"
    return None


def _nested_of(values: list[JsonObject], default_number: str) -> list[JsonObject]:
    """Union of the keys of all objects (first seen wins the type), like determineNestedPropertiesOfArray."""
    props: dict[str, JsonObject] = {}
    for obj in values:
        for key, item in obj.items():
            if key not in props:
                inferred = _infer(key, item, True, default_number)
                if inferred is not None:
                    props[key] = inferred
    return list(props.values())


def _infer(name: str, value: Any, nested: bool, default_number: str) -> JsonObject | None:
    if isinstance(value, list):
        if not value:
            return None
        base = _scalar_type(value[0], True, default_number)
        if base in (None, "geoCoordinates", "phoneNumber"):
            return None
        if base == "object":
            objs = [v for v in value if isinstance(v, dict)]
            nested_props = _nested_of(objs, default_number)
            return {"name": name, "dataType": ["object[]"], "nestedProperties": nested_props} if nested_props \
                else None
        return {"name": name, "dataType": [base + "[]"]}
    dt = _scalar_type(value, nested, default_number)
    if dt is None:
        return None
    if dt == "object":
        nested_props = _nested_of([value], default_number)
        return {"name": name, "dataType": ["object"], "nestedProperties": nested_props} if nested_props else None
    return {"name": name, "dataType": [dt]}


def infer_property(name: str, value: Any, *, default_number: str = "number") -> JsonObject | None:
    """Auto-schema property JSON for a value (pass it through normalize_property); None when nothing can be inferred.

    Empty lists, None and empty objects give None: there is nothing to infer a type from (Weaviate itself falls
    back to text[] for an empty list, which then rejects later non-text values; loomdb waits for a real value).
    """
    return _infer(name, value, False, default_number)
