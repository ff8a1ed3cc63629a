"""Resolved references -> `PropertiesResult.ref_props` (one RefPropertiesResult per reference property, each
referenced object a PropertiesResult carrying its own metadata and, recursively, its own references)."""
from __future__ import annotations

from weaviate.proto.v1 import search_get_pb2

from ...entities.projection import CollectionShape
from ...entities.references import ResolvedRef
from .metadata_reply import object_metadata
from .values import encode_properties


def fill_ref_props(out: search_get_pb2.PropertiesResult, resolved: dict[str, list[ResolvedRef]],
                   shapes: dict[str, CollectionShape]) -> None:
    """Add the references of one object (references were asked for) to its PropertiesResult. ref_props_requested
    makes the client show `{}` (not None) for an object without references; a property never set is not in
    `resolved`. `shapes`: by collection name."""
    out.ref_props_requested = True
    for prop, refs in resolved.items():      # an emptied list (or all targets gone): an empty entry, as in Weaviate
        entry = out.ref_props.add(prop_name=prop)
        for ref in refs:
            entry.properties.append(_ref_result(ref, shapes))


def _ref_result(ref: ResolvedRef, shapes: dict[str, CollectionShape]) -> search_get_pb2.PropertiesResult:
    projection = ref.query.projection
    shape = shapes[ref.collection]
    result = search_get_pb2.PropertiesResult(
        non_ref_props=encode_properties(projection.select(ref.obj.properties), shape.property_types),
        target_collection=ref.collection)
    object_metadata(result.metadata, ref.obj, projection, shape.legacy_vectors)
    if projection.references:
        fill_ref_props(result, ref.refs, shapes)
    return result
