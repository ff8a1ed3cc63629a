"""References on the gRPC wire in: BatchObject single/multi target reference properties -> beacon lists, and
SearchRequest `ref_properties` (QueryReference / QueryReference.MultiTarget) -> RefQuery trees."""
from __future__ import annotations

from collections.abc import Callable

from weaviate.proto.v1 import search_get_pb2

from ...entities.beacons import PEER
from ...entities.projection import Projection, RefQuery

ProjectionParser = Callable[[search_get_pb2.PropertiesRequest | None, search_get_pb2.MetadataRequest | None],
                            Projection]


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


def ref_queries(pr: search_get_pb2.PropertiesRequest, projection: ProjectionParser) -> tuple[RefQuery, ...]:
    """The references a PropertiesRequest asks for; `projection(properties, metadata)` parses what each
    referenced object returns (search_parse.projection, which calls back here for the next level)."""
    return tuple(RefQuery(rp.reference_property[:1].lower() + rp.reference_property[1:], rp.target_collection or None,
                          projection(rp.properties if rp.HasField("properties") else None,
                                     rp.metadata if rp.HasField("metadata") else None))
                 for rp in pr.ref_properties)
