"""SearchResult -> weaviate.v1.SearchReply, with every field the official client reads (id_as_bytes, the
*_present flags, timestamps in milliseconds, vectors as float32 bytes)."""
from __future__ import annotations

from weaviate.proto.v1 import search_get_pb2

from ...entities.search import ResultObject, SearchResult, certainty_from_distance
from .generative_reply import fill_generative_reply
from .metadata_reply import object_metadata
from .profile_reply import fill_query_profile
from .references_reply import fill_ref_props
from .values import encode_properties


def build_search_reply(result: SearchResult, took: float, node: str) -> search_get_pb2.SearchReply:
    """`results[]`, or for group_by `group_by_results[]{name, min_distance, max_distance, number_of_objects,
    objects[]}`; `query_profile` when asked for and there are results (Weaviate hangs it on the first one)."""
    reply = search_get_pb2.SearchReply(took=took)
    if result.profile is not None and (result.objects or result.groups):
        fill_query_profile(reply.query_profile, result.profile, node)
    if result.groups is None:
        for obj in result.objects:
            _fill_result(reply.results.add(), obj, result)
        if result.grouped_generation is not None:
            fill_generative_reply(reply.generative_grouped_results.values.add(), result.grouped_generation)
        return reply
    if result.grouped_generation is not None:     # the client reads only the deprecated string for group_by
        reply.generative_grouped_result = result.grouped_generation.text
    for group in result.groups:
        out = reply.group_by_results.add(name=group.name, min_distance=group.min_distance,
                                         max_distance=group.max_distance, number_of_objects=len(group.objects))
        if group.rerank_score is not None:
            out.rerank.score = group.rerank_score
        if group.generation is not None:
            out.generative.result = group.generation.text
        for obj in group.objects:
            grouped = out.objects.add()
            _fill_result(grouped, obj, result)
            if obj.hit.distance is not None:   # Weaviate's GroupHitAdditional always holds id and distance
                grouped.metadata.distance = obj.hit.distance
                grouped.metadata.distance_present = True
    return reply


def _fill_result(out: search_get_pb2.SearchResult, item: ResultObject, result: SearchResult) -> None:
    projection, shape = result.projection, result.shape
    props = out.properties
    props.target_collection = shape.name
    props.non_ref_props.SetInParent()
    encode_properties(projection.select(item.obj.properties), shape.property_types, props.non_ref_props)
    if projection.references:
        fill_ref_props(props, item.references, result.referenced)
    md = out.metadata
    object_metadata(md, item.obj, projection, shape.legacy_vectors)
    hit = item.hit
    if hit.distance is not None:
        if projection.distance:
            md.distance = hit.distance
            md.distance_present = True
        if projection.certainty and result.metric == "cosine":
            md.certainty = certainty_from_distance(hit.distance)
            md.certainty_present = True
    # Weaviate's explorer sets score and explainScore on every result when asked, whatever the search: 0 and ""
    # where nothing was scored or explained (a listing, a vector search)
    if projection.score:
        md.score = hit.score or 0.0
        md.score_present = True
    if projection.explain_score:
        md.explain_score = hit.explain_score
        md.explain_score_present = True
    if item.rerank_score is not None:
        md.rerank_score = item.rerank_score
        md.rerank_score_present = True
    if item.generation is not None:
        fill_generative_reply(out.generative.values.add(), item.generation)
