"""Resolved references -> `PropertiesResult.ref_props` (one RefPropertiesResult per reference property, each
referenced object a PropertiesResult carrying its own metadata and, recursively, its own references)."""
from __future__ import annotations

from collections.abc import Callable

from weaviate.proto.v1 import search_get_pb2

from ...entities.references import ResolvedRef
from .metadata_reply import object_metadata
from .values import encode_properties, property_types

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
    object_metadata(result.metadata, obj, ret, legacy)
    fill_ref_props(result, ref.refs, bool(ref.query.refs), doc_of, cache)
    return result
