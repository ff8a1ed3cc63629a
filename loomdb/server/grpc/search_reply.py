"""Results -> weaviate.v1.SearchReply, with every field the official client reads (id_as_bytes, the
*_present flags, timestamps in milliseconds, vectors as float32 bytes)."""
from __future__ import annotations

import time

from weaviate.proto.v1 import search_get_pb2

from ...entities.objects import StoredObject
from ...entities.search import Group, Hit, certainty_from_distance
from .metadata_reply import object_metadata
from .references_reply import fill_ref_props
from .search_parse import ReturnRequest
from .values import encode_properties, property_types


def build_search_reply(results: list[tuple[Hit, StoredObject]], ret: ReturnRequest, class_doc: dict,
                       metric: str | None, started: float, refs: list[dict] | None = None,
                       doc_of=None) -> search_get_pb2.SearchReply:
    """`refs`: resolved references per result (same order), `doc_of`: class document by collection name."""
    types = property_types(class_doc)
    legacy = "vectorConfig" not in class_doc or not class_doc.get("vectorConfig")
    reply = search_get_pb2.SearchReply(took=time.perf_counter() - started)
    cache: dict = {}
    for i, (hit, obj) in enumerate(results):
        result = reply.results.add()
        props = obj.properties if ret.properties is None else {
            k: obj.properties[k] for k in ret.properties if k in obj.properties}
        _fill_properties(result.properties, props, types, class_doc["class"])
        if refs is not None:
            fill_ref_props(result.properties, refs[i], bool(ret.refs), doc_of, cache)
        _metadata(result.metadata, hit, obj, ret, metric, legacy)
    return reply


def build_group_by_reply(groups: list[tuple[Group, list[tuple[Hit, StoredObject]]]], ret: ReturnRequest,
                         class_doc: dict, metric: str | None, started: float) -> search_get_pb2.SearchReply:
    """group_by: `group_by_results[]{name, min_distance, max_distance, number_of_objects, objects[]}`; every
    grouped object carries its distance (Weaviate's GroupHitAdditional always holds id and distance)."""
    types = property_types(class_doc)
    legacy = "vectorConfig" not in class_doc or not class_doc.get("vectorConfig")
    reply = search_get_pb2.SearchReply(took=time.perf_counter() - started)
    for group, results in groups:
        out = reply.group_by_results.add(name=group.name, min_distance=group.min_distance,
                                         max_distance=group.max_distance, number_of_objects=len(results))
        for hit, obj in results:
            result = out.objects.add()
            props = obj.properties if ret.properties is None else {
                k: obj.properties[k] for k in ret.properties if k in obj.properties}
            _fill_properties(result.properties, props, types, class_doc["class"])
            _metadata(result.metadata, hit, obj, ret, metric, legacy)
            if hit.distance is not None:
                result.metadata.distance = hit.distance
                result.metadata.distance_present = True
    return reply


def _fill_properties(out: search_get_pb2.PropertiesResult, props: dict, types: dict, collection: str) -> None:
    out.target_collection = collection
    out.non_ref_props.SetInParent()
    encode_properties(props, types, out.non_ref_props)


def _metadata(md: search_get_pb2.MetadataResult, hit: Hit, obj: StoredObject, ret: ReturnRequest,
              metric: str | None, legacy: bool) -> None:
    object_metadata(md, obj, ret, legacy)
    if hit.distance is not None:
        if ret.distance:
            md.distance = hit.distance
            md.distance_present = True
        if ret.certainty and metric == "cosine":
            md.certainty = certainty_from_distance(hit.distance)
            md.certainty_present = True
    if hit.score is not None:
        if ret.score:
            md.score = hit.score
            md.score_present = True
        if ret.explain_score:
            md.explain_score = hit.explain_score
            md.explain_score_present = True
