"""Property values between protobuf and Python: batch inputs (Struct + typed array side-lists) in, typed
`Value`s out (an int property must come back as int_value, a date as date_value, ...)."""
from __future__ import annotations

import uuid as uuid_mod
from typing import Any

import numpy as np
from weaviate.proto.v1 import properties_pb2

from ...entities.errors import InvalidInput
from ...entities.projection import PropertyTypes


# ---- in: batch object properties ---------------------------------------------------------------------------
def struct_to_dict(st) -> dict[str, Any]:
    return {k: _struct_value(v) for k, v in st.fields.items()}


def _struct_value(v) -> Any:
    kind = v.WhichOneof("kind")
    if kind == "number_value":
        return v.number_value
    if kind == "string_value":
        return v.string_value
    if kind == "bool_value":
        return v.bool_value
    if kind == "struct_value":
        return struct_to_dict(v.struct_value)
    if kind == "list_value":
        return [_struct_value(x) for x in v.list_value.values]
    return None


def batch_properties(props) -> dict[str, Any]:
    """BatchObject.Properties / ObjectPropertiesValue -> plain dict (numbers from the Struct stay floats;
    the engine coerces by schema type)."""
    out = struct_to_dict(props.non_ref_properties) if props.HasField("non_ref_properties") else {}
    for p in props.number_array_properties:
        out[p.prop_name] = _float64s(p.prop_name, p.values_bytes) if p.values_bytes else list(p.values)
    for p in props.int_array_properties:
        out[p.prop_name] = list(p.values)
    for p in props.text_array_properties:
        out[p.prop_name] = list(p.values)
    for p in props.boolean_array_properties:
        out[p.prop_name] = list(p.values)
    for p in props.object_properties:
        out[p.prop_name] = batch_properties(p.value)
    for p in props.object_array_properties:
        out[p.prop_name] = [batch_properties(v) for v in p.values]
    for name in props.empty_list_props:
        out[name] = []
    return out


def _float64s(prop_name: str, data: bytes) -> list[float]:
    """A number[] property sent as packed little-endian float64s; a length that is no multiple of 8 fails this
    object only (the caller turns InvalidInput into the object's own error)."""
    if len(data) % 8:
        raise InvalidInput(f"property '{prop_name}': values_bytes length {len(data)} is not a multiple of 8")
    return np.frombuffer(data, dtype="<f8").tolist()


def vector_from_bytes(data: bytes) -> np.ndarray:
    if len(data) % 4:
        raise InvalidInput(f"vector bytes length {len(data)} is not a multiple of 4")
    return np.frombuffer(data, dtype="<f4")


def multi_vector_from_bytes(data: bytes) -> np.ndarray:
    """A VECTOR_TYPE_MULTI_FP32 matrix: little-endian uint16 token width, then the float32 token rows (Weaviate's
    byteops.Fp32SliceOfSlicesFromBytes; no bytes = no vector). A byte count that is not whole rows is refused
    where Weaviate silently drops the partial row."""
    if not data:
        return np.empty((0, 0), np.float32)
    width = int.from_bytes(data[:2], "little")
    if width == 0:
        raise InvalidInput("dimension cannot be 0")
    if (len(data) - 2) % (4 * width):
        raise InvalidInput("multi vector array consists of vectors with varying dimensions")
    return np.frombuffer(data, dtype="<f4", offset=2).reshape(-1, width)


def vectors_value(message) -> np.ndarray:
    """One weaviate.v1.Vectors message: a 1-D vector, or a token matrix when its type is MULTI_FP32."""
    if message.type == message.VECTOR_TYPE_MULTI_FP32:
        return multi_vector_from_bytes(message.vector_bytes)
    return vector_from_bytes(message.vector_bytes)


def multi_vector_bytes(matrix: np.ndarray) -> bytes:
    """The MULTI_FP32 packing of a token matrix (what the client's _Unpack.multi reads)."""
    return matrix.shape[1].to_bytes(2, "little") + float32_bytes(matrix)


# ---- out: search result properties -------------------------------------------------------------------------
def _set_scalar(out: properties_pb2.Value, value: Any, dtype: str) -> None:
    """Write one scalar into the reply's Value message in place (no temporary message and copy per value)."""
    if dtype == "text":
        out.text_value = str(value)
    elif dtype == "int":
        out.int_value = int(value)
    elif dtype == "number":
        out.number_value = float(value)
    elif dtype == "boolean":
        out.bool_value = bool(value)
    elif dtype == "date":
        out.date_value = str(value)
    elif dtype == "uuid":
        out.uuid_value = str(value)
    elif dtype == "blob":
        out.blob_value = str(value)
    elif dtype == "geoCoordinates":
        out.geo_value.latitude = value["latitude"]
        out.geo_value.longitude = value["longitude"]
    elif dtype == "phoneNumber":
        out.phone_value.CopyFrom(properties_pb2.PhoneNumber(
            country_code=int(value.get("countryCode") or 0), default_country=value.get("defaultCountry") or "",
            input=value.get("input") or "", international_formatted=value.get("internationalFormatted") or "",
            national=int(value.get("national") or 0), national_formatted=value.get("nationalFormatted") or "",
            valid=bool(value.get("valid"))))
    else:
        out.text_value = str(value)


def _set_array(out: properties_pb2.Value, values: list, base: str, nested: PropertyTypes | None) -> None:
    lv = out.list_value
    if base == "int":
        lv.int_values.values = np.asarray(values, dtype="<i8").tobytes()
        lv.int_values.SetInParent()
    elif base == "number":
        lv.number_values.values = np.asarray(values, dtype="<f8").tobytes()
        lv.number_values.SetInParent()
    elif base == "object":
        lv.object_values.SetInParent()
        for v in values:
            encode_properties(v, nested or {}, lv.object_values.values.add())
    else:          # repeated string/bool fields; SetInParent keeps an empty array an (empty) array
        target = {"boolean": lv.bool_values, "date": lv.date_values, "uuid": lv.uuid_values}.get(
            base, lv.text_values)
        target.SetInParent()
        target.values.extend(values if base in ("boolean", "date", "uuid") else [str(v) for v in values])


def encode_properties(props: dict[str, Any], types: PropertyTypes,
                      out: properties_pb2.Properties | None = None) -> properties_pb2.Properties:
    """Encode into `out` (a reply's own sub-message, filled in place) or a new message; `types` come from the
    collection's shape."""
    if out is None:
        out = properties_pb2.Properties()
    fields = out.fields
    for name, value in props.items():
        if value is None:
            continue
        dtype, nested = types.get(name) or (_guess_type(value), None)
        if dtype[:1].isupper():
            continue        # a reference property: returned through ref_props, never as a value
        if dtype.endswith("[]"):
            _set_array(fields[name], value, dtype[:-2], nested)
        elif dtype == "object":
            fields[name].object_value.SetInParent()
            encode_properties(value, nested or {}, fields[name].object_value)
        else:
            _set_scalar(fields[name], value, dtype)
    return out


def _guess_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return _guess_type(value[0]) + "[]" if value else "text[]"
    return "text"


def uuid_bytes(uuid_str: str) -> bytes:
    return uuid_mod.UUID(uuid_str).bytes


def float32_bytes(vec: np.ndarray) -> bytes:
    return np.asarray(vec, dtype="<f4").tobytes()

