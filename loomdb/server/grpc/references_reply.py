"""Resolved references -> `PropertiesResult.ref_props` (one RefPropertiesResult per reference property, each
referenced object a PropertiesResult carrying its own metadata and, recursively, its own references)."""
from __future__ import annotations

from typing import Callable

from weaviate.proto.v1 import search_get_pb2

from ...entities.references import ResolvedRef
from .values import encode_properties, float32_bytes, property_types, uuid_bytes

DocOf = Callable[[str], dict]


def fill_ref_props(out: search_get_pb2.PropertiesResult, resolved: dict[str, list[ResolvedRef]], requested: bool,
                   doc_of: DocOf, types_cache: dict | None = None) -> None:
    """Add the references of one object to its PropertiesResult. `requested` sets ref_props_requested so the
    client shows `{}` (not None) for an object without references."""
    if not requested:
        return
    cache = types_cache if types_cache is not None else {}
    out.ref_props_requested = True
    for prop, refs in resolved.items():
        if not refs:
            continue        # nothing stored (or every target gone): the property is left out, as Weaviate does
        entry = out.ref_props.add(prop_name=prop)
        for ref in refs:
            entry.properties.append(_ref_result(ref, doc_of, cache))


def _ref_result(ref: ResolvedRef, doc_of: DocOf, cache: dict) -> search_get_pb2.PropertiesResult:
    ret = ref.query.payload
    if ref.collection not in cache:
        doc = doc_of(ref.collection)
        cache[ref.collection] = (property_types(doc), "vectorConfig" not in doc or not doc.get("vectorConfig"))
    types, legacy = cache[ref.collection]
    obj = ref.obj
    props = obj.properties if ret is None or ret.properties is None else {
        k: obj.properties[k] for k in ret.properties if k in obj.properties}
    result = search_get_pb2.PropertiesResult(non_ref_props=encode_properties(props, types),
                                             target_collection=ref.collection)
    md = result.metadata
    md.id = obj.uuid
    md.id_as_bytes = uuid_bytes(obj.uuid)
    if ret is not None:
        if ret.creation_time:
            md.creation_time_unix = obj.created_ms
            md.creation_time_unix_present = True
        if ret.update_time:
            md.last_update_time_unix = obj.updated_ms
            md.last_update_time_unix_present = True
        if ret.is_consistent:
            md.is_consistent = True
            md.is_consistent_present = True
        for name, vec in obj.vectors.items():
            if legacy and ret.vector:
                md.vector_bytes = float32_bytes(vec)
            elif ret.vector or name in ret.vectors:
                md.vectors.add(name=name, vector_bytes=float32_bytes(vec), type=1)
    fill_ref_props(result, ref.refs, bool(ref.query.refs), doc_of, cache)
    return result
