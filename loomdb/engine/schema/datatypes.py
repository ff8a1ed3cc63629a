"""Validate and coerce object property values by schema type.

Why: values reach the engine from REST JSON (ints stay ints) and from gRPC batches, where every number of a
`Struct` arrives as a float (`2001` -> `2001.0`). Both must end up in one canonical, JSON-serialisable form so
storage, filters and responses never care where a value came from. Error texts follow Weaviate's
`usecases/objects/validation/properties_validation.go`. Auto-schema type inference is the objects use case's
(usecases/autoschema.py) and recognises dates and uuids with the same patterns (entities/values.py).
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ...entities.errors import InvalidInput
from ...entities.values import STRICT_RFC3339, UUID_FORMS, parse_datetime
from .model import PropertySpec
from .phone_numbers import parse_phone_number

Coercer = Callable[[Any], Any]
ReferenceValues = Callable[[PropertySpec, Any], Any]    # a reference property's value -> its canonical form

_BASE64 = re.compile(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$")
_TYPE_WORDS = {"int": "integer", "int[]": "integer array", "text[]": "text array", "number[]": "number array",
               "boolean[]": "boolean array", "date[]": "date array", "uuid[]": "uuid array"}


class UnknownProperties(InvalidInput):
    """Raised by coerce_properties for keys the class does not define, so callers can run auto-schema first."""

    def __init__(self, message: str, names: list[str]) -> None:
        super().__init__(message)
        self.names = names


# ---------------------------------------------------------------------------------------------- Go-style rendering
def _go_type(value: Any) -> str:
    """The `%T` Weaviate would print for a decoded JSON value."""
    if value is None:
        return "<nil>"
    for py, go in ((bool, "bool"), (str, "string"), (int, "json.Number"), (float, "float64"),
                   (dict, "map[string]interface {}"), (list, "[]interface {}")):
        if isinstance(value, py):
            return go
    return type(value).__name__


def _go_value(value: Any) -> str:
    """The `%v` Weaviate would print (integral floats without '.0', booleans lower-case)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if value is None:
        return "<nil>"
    if isinstance(value, list):
        return "[" + " ".join(_go_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_go_value(v)}" for k, v in sorted(value.items())) + "]"
    return str(value)


# ---------------------------------------------------------------------------------------------- scalar coercers
def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"not a string, but {_go_type(value)}")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"requires an integer, the given value is '{_go_value(value)}'")
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise ValueError(f"requires an integer, the given value is '{_go_value(value)}'")
    return int(value)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"requires a float, the given value is '{_go_value(value)}'")
    return float(value)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"not a bool, but {_go_type(value)}")
    return value


def format_date(moment: datetime) -> str:
    """Canonical RFC 3339 text as Go's RFC3339Nano prints it: offset kept, `Z` for zero, no trailing zeros."""
    text = f"{moment.year:04d}" + moment.strftime("-%m-%dT%H:%M:%S")   # glibc's %Y does not pad years < 1000
    if moment.microsecond:
        text += ("." + f"{moment.microsecond:06d}").rstrip("0")
    offset = moment.utcoffset() or timedelta(0)
    if not offset:
        return text + "Z"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{text}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _date(value: Any) -> str:
    message = f"requires a string with a RFC3339 formatted date, but the given value is '{_go_value(value)}'"
    if not isinstance(value, str) or not STRICT_RFC3339.match(value):
        raise ValueError(message)
    try:
        return format_date(parse_datetime(value))
    except InvalidInput:
        raise ValueError(message) from None


def _uuid(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"not a string, but {_go_type(value)}")
    if len(value) not in (32, 36, 38, 45):
        raise ValueError(f"invalid UUID length: {len(value)}")
    if not UUID_FORMS.match(value):
        raise ValueError("invalid UUID format")
    digits = re.sub(r"[^0-9a-fA-F]", "", value[9:] if value.startswith("urn:") else value).lower()
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def _coordinate(raw: Any, which: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise ValueError(f"invalid {which}: must be json.Number or float, but got {_go_type(raw)}")
    return float(raw)


def _geo(value: Any) -> dict:
    """Weaviate only checks presence and type (no range check), and so do we."""
    if not isinstance(value, dict):
        raise ValueError(f"geoCoordinates must be a map, but got: {_go_type(value)}")
    for field in ("longitude", "latitude"):
        if field not in value:
            raise ValueError(f"geoCoordinates is missing required field '{field}'")
    return {"latitude": _coordinate(value["latitude"], "latitude"),
            "longitude": _coordinate(value["longitude"], "longitude")}


def _blob(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"not a blob base64 string, but {_go_type(value)}")
    if not _BASE64.match(value):
        raise ValueError("not a valid blob base64 string")
    return value


# ---------------------------------------------------------------------------------------------- phone numbers
def _phone(value: Any) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"phoneNumber must be a map, but got: {_go_type(value)}")
    if "input" not in value:
        raise ValueError("phoneNumber is missing required field 'input'")
    if not isinstance(value["input"], str):
        raise ValueError("phoneNumber.input must be a string")
    country = value.get("defaultCountry", "")
    if not isinstance(country, str):
        raise ValueError("phoneNumber.defaultCountry must be a string")
    return parse_phone_number(value["input"], country)


_SCALARS: dict[str, Coercer] = {
    "text": _text, "int": _int, "number": _number, "boolean": _boolean, "date": _date, "uuid": _uuid,
    "geoCoordinates": _geo, "phoneNumber": _phone, "blob": _blob, "blobHash": _blob,
}


# ---------------------------------------------------------------------------------------------- dispatch
def _array(value: Any, base: str, coerce: Callable[[Any], Any]) -> list:
    word = "integer" if base in ("int", "number") else base
    if not isinstance(value, list):
        raise ValueError(f"not a{'n' if word[0] in 'aeiou' else ''} {word} array, but {_go_type(value)}")
    out = []
    for item in value:
        try:
            out.append(coerce(item))
        except ValueError:
            raise ValueError(f"invalid {word} array value: {_go_value(value)}") from None
    return out


def _object(value: Any, nested: dict[str, PropertySpec], path: str, class_name: str) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"object must be a map, but got: {_go_type(value)}")
    out = {}
    for key, item in value.items():
        if item is None:
            continue
        name = f"{path}.{key}"
        if key not in nested:
            raise ValueError(f"unknown property '{name}'")
        try:
            out[key] = _coerce_one(nested[key], item, name, class_name)
        except InvalidInput as exc:
            raise ValueError(f"property '{name}': {exc.message}") from None
    return out


def _object_array(value: Any, nested: dict[str, PropertySpec], path: str, class_name: str) -> list:
    if not isinstance(value, list):
        raise ValueError(f"not an object array, but {_go_type(value)}")
    out = []
    for i, item in enumerate(value):
        try:
            out.append(_object(item, nested, path, class_name))
        except ValueError as exc:
            raise ValueError(f"invalid object '{i}' in array: {exc}") from None
    return out


def _coerce_one(spec: PropertySpec, value: Any, name: str, class_name: str) -> Any:
    """One value against one spec; InvalidInput in Weaviate's 'invalid <type> property' wording."""
    dt = spec.data_type
    try:
        if spec.is_reference:
            return value                       # references are resolved by the reference layer, not here
        if dt == "object":
            return _object(value, spec.nested, name, class_name)
        if dt == "object[]":
            return _object_array(value, spec.nested, name, class_name)
        if spec.is_array:
            return _array(value, spec.base_type, _SCALARS[spec.base_type])
        return _SCALARS[dt](value)
    except ValueError as exc:
        word = _TYPE_WORDS.get(dt, dt)
        raise InvalidInput(f"invalid {word} property '{name}' on class '{class_name}': {exc}") from None


def split_unknown(specs: dict[str, PropertySpec], values: dict) -> tuple[dict, dict]:
    """(known, unknown) by property name, with a lower-cased first letter as Weaviate matches keys; None dropped."""
    known: dict[str, Any] = {}
    unknown: dict[str, Any] = {}
    for key, value in (values or {}).items():
        if value is None:
            continue
        name = key[:1].lower() + key[1:]
        (known if name in specs else unknown)[name if name in specs else key] = value
    return known, unknown


def coerce_properties(specs: dict[str, PropertySpec], values: dict, *, class_name: str = "",
                      references: ReferenceValues | None = None) -> dict:
    """Canonical property values of one object, splitting its keys once: UnknownProperties (naming the first
    unknown key) before anything else, then reference values through `references` (the caller's rules; without
    it they are kept as given), then the first value's coercion error."""
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise InvalidInput(f"could not recognize object's properties: {_go_value(values)}")
    known, unknown = split_unknown(specs, values)
    if unknown:
        names = list(unknown)
        raise UnknownProperties(f"invalid object: no such prop with name '{names[0]}' found in class '{class_name}' "
                                "in the schema. Check your schema files for which properties in this class are "
                                "available", names)
    if references is not None:
        known.update({name: references(specs[name], value) for name, value in known.items()
                      if specs[name].is_reference})
    return {name: _coerce_one(specs[name], value, name, class_name) for name, value in known.items()}
