"""References on the gRPC wire in: BatchObject single/multi target reference properties -> beacon lists, and
SearchRequest `ref_properties` (QueryReference / QueryReference.MultiTarget) -> RefQuery trees."""
from __future__ import annotations

from weaviate.proto.v1 import search_get_pb2

from ...entities.beacons import PEER
from ...entities.references import RefQuery


def reference_properties(props) -> dict[str, list[dict]]:
    """`single_target_ref_props {prop_name, uuids}` become short beacons (the engine fills in the property's
    target collection, as Weaviate's batch parser does from the schema); `multi_target_ref_props` name it."""
    out: dict[str, list[dict]] = {}
    for ref in props.single_target_ref_props:
        out[ref.prop_name] = [{"beacon": f"weaviate://{PEER}/{u}"} for u in ref.uuids]
    for ref in props.multi_target_ref_props:
        target = ref.target_collection[:1].upper() + ref.target_collection[1:]
        out[ref.prop_name] = [{"beacon": f"weaviate://{PEER}/{target}/{u}"} for u in ref.uuids]
    return out


def ref_queries(pr: search_get_pb2.PropertiesRequest, level_return) -> tuple[RefQuery, ...]:
    """`level_return(properties_request | None, metadata_request | None)` builds the adapter's own view of what a
    level returns (search_parse.ReturnRequest); it becomes each RefQuery's payload."""
    out = []
    for rp in pr.ref_properties:
        props = rp.properties if rp.HasField("properties") else None
        md = rp.metadata if rp.HasField("metadata") else None
        ret = level_return(props, md)
        nested = ref_queries(props, level_return) if props is not None else ()
        vectors: bool | tuple[str, ...] = True if (md is not None and md.vector) else (
            tuple(md.vectors) if md is not None and md.vectors else False)
        out.append(RefQuery(rp.reference_property[:1].lower() + rp.reference_property[1:],
                            rp.target_collection or None, vectors, nested, ret))
    return tuple(out)
