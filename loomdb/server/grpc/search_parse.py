"""weaviate.v1.SearchRequest -> SearchRequest (the query, its Projection, a near_object id). Every request field
this loomdb version cannot serve yet is refused with a clear UNIMPLEMENTED error instead of being silently
ignored."""
from __future__ import annotations

import numpy as np
from weaviate.proto.v1 import search_get_pb2

from ...entities.errors import InvalidInput, Unsupported
from ...entities.projection import NestedSelection, Projection
from ...entities.search import (
    Bm25,
    GroupBy,
    Hybrid,
    Move,
    NearText,
    NearVector,
    SearchParams,
    SearchRequest,
    SortBy,
)
from ...usecases.vectorize import no_vectorizer
from .filters_parse import parse_filters
from .generative_parse import parse_generative, parse_rerank
from .references_parse import ref_queries
from .targets_parse import per_target_vectors, single_or_multi, target_names
from .values import vector_from_bytes, vectors_value

# the media searches (gRPC field -> Weaviate's search type) only a multi2vec / img2vec module embeds: loomdb has
# none (no packaged image or audio model), so each gets Weaviate's answer for a collection without such a module
MEDIA_SEARCHES = {"near_image": "nearImage", "near_audio": "nearAudio", "near_video": "nearVideo",
                  "near_depth": "nearDepth", "near_thermal": "nearThermal", "near_imu": "nearIMU"}


def media_refusal(collection: str, field: str) -> InvalidInput:
    return InvalidInput(no_vectorizer(collection, MEDIA_SEARCHES[field]))


def parse_search(req: search_get_pb2.SearchRequest) -> SearchRequest:
    for field in MEDIA_SEARCHES:
        if req.HasField(field):
            raise media_refusal(req.collection, field)
    if req.HasField("boost"):
        raise Unsupported("boost is not supported by loomdb yet")
    near_vector = parse_near_vector(req.near_vector) if req.HasField("near_vector") else None
    near_object = None
    if req.HasField("near_object"):
        near_vector, near_object = parse_near_object(req.near_object)
    params = SearchParams(
        collection=req.collection, limit=req.limit, offset=req.offset, after=req.after or None,
        filters=parse_filters(req.filters) if req.HasField("filters") else None,
        near_vector=near_vector, tenant=req.tenant,
        bm25=_bm25(req.bm25_search) if req.HasField("bm25_search") else None,
        hybrid=parse_hybrid(req.hybrid_search) if req.HasField("hybrid_search") else None,
        explain_score=req.metadata.explain_score, sort=_sort(req.sort_by), autocut=req.autocut,
        group_by=_group_by(req.group_by) if req.HasField("group_by") else None)
    return SearchRequest(params, projection(req.properties if req.HasField("properties") else None, req.metadata),
                         near_object, parse_near_text(req.near_text) if req.HasField("near_text") else None,
                         rerank=parse_rerank(req.rerank) if req.HasField("rerank") else None,
                         generative=parse_generative(req.generative) if req.HasField("generative") else None)


def _sort(sort_by) -> tuple[SortBy, ...]:
    """SortBy{ascending, path=[prop]}; a path of any other length is Weaviate's validation error."""
    out = []
    for i, sb in enumerate(sort_by):
        if len(sb.path) != 1:
            reason = ("path parameter cannot be empty" if not sb.path else
                      "sorting by reference not supported, path must have exactly one argument")
            raise InvalidInput(f"invalid 'sort' parameter: sort parameter at position {i}: {reason}")
        out.append(SortBy(sb.path[0], sb.ascending))
    return tuple(out)


def _group_by(gb) -> GroupBy:
    if len(gb.path) != 1:
        raise InvalidInput(f"groupby path can only have one entry, received [{' '.join(gb.path)}]")
    return GroupBy(gb.path[0], gb.number_of_groups, gb.objects_per_group)


def _operator(opts) -> tuple[str, int]:
    """SearchOperatorOptions -> ("Or" | "And", minimum_or_tokens_match)."""
    if opts.operator == opts.OPERATOR_AND_CROSS:
        raise Unsupported("the bm25 operator and_cross is not supported by loomdb yet")
    operator = "And" if opts.operator == opts.OPERATOR_AND else "Or"
    return operator, opts.minimum_or_tokens_match if opts.HasField("minimum_or_tokens_match") else 0


def _bm25(pb) -> Bm25:
    operator, minimum = _operator(pb.search_operator) if pb.HasField("search_operator") else ("Or", 0)
    return Bm25(pb.query, tuple(pb.properties), operator, minimum)


_DEFAULT_ALPHA = 0.75    # Weaviate's server default when the client leaves alpha to the server (>= 1.36.6)


def parse_hybrid(pb) -> Hybrid:
    if pb.HasField("selection"):
        raise Unsupported("diversity selection (MMR) is not supported by loomdb yet")
    if pb.use_alpha_param:
        alpha = pb.alpha_param if pb.HasField("alpha_param") else _DEFAULT_ALPHA
    else:
        alpha = pb.alpha
    if not 0.0 <= alpha <= 1.0:
        raise InvalidInput(f"alpha must be between 0 and 1, got {alpha}")
    vector = query_vector(pb)
    near_vector = parse_near_vector(pb.near_vector, pb) if pb.HasField("near_vector") else None
    near_text = parse_near_text(pb.near_text, targets_of=pb) if pb.HasField("near_text") else None
    if near_vector is not None and vector is not None:
        raise InvalidInput("cannot combine nearVector and vector in hybrid search")
    operator, minimum = (_operator(pb.bm25_search_operator) if pb.HasField("bm25_search_operator")
                         else ("Or", 0))
    fusion = "rankedFusion" if pb.fusion_type == pb.FUSION_TYPE_RANKED else "relativeScoreFusion"
    target, targets = single_or_multi(target_names(pb), near_vector.per_target if near_vector is not None else ())
    return Hybrid(
        query=pb.query, alpha=float(alpha), fusion=fusion, properties=tuple(pb.properties), vector=vector,
        near_vector=near_vector, target=target, targets=targets,
        max_vector_distance=pb.vector_distance if pb.HasField("vector_distance") else None,
        operator=operator, minimum_or_tokens_match=minimum, near_text=near_text)


def exclusive_thresholds(name: str, msg) -> None:
    if msg.HasField("distance") and msg.HasField("certainty"):
        raise InvalidInput(f"{name}: cannot provide distance and certainty")


def query_vector(msg) -> np.ndarray | None:
    """The single query vector of a NearVector / Hybrid message, in any of the encodings clients have used:
    `vectors` (>= 1.29), deprecated `vector_bytes`, or the oldest repeated-float `vector`."""
    if msg.vectors:
        if len(msg.vectors) > 1:
            raise Unsupported("several query vectors for one target are not supported by loomdb yet")
        return vectors_value(msg.vectors[0])      # a token matrix for a multi-vector space
    if msg.vector_bytes:
        return vector_from_bytes(msg.vector_bytes)
    if msg.vector:
        return np.asarray(msg.vector, dtype=np.float32)
    return None


def parse_near_object(no) -> tuple[NearVector, str]:
    """NearObject -> (thresholds and target as a NearVector without its vector yet, the object's id); the use
    case reads the object's vector."""
    if not no.id:
        raise InvalidInput("near_object: id is required")
    exclusive_thresholds("near_object", no)
    target, targets = single_or_multi(target_names(no), ())
    return NearVector(np.empty(0, np.float32), target, no.distance if no.HasField("distance") else None,
                      no.certainty if no.HasField("certainty") else None, targets=targets), no.id


def parse_near_text(nt, targets_of=None) -> NearText:
    """NearTextSearch -> NearText; hybrid's own near_text takes the hybrid's targets (`targets_of`)."""
    exclusive_thresholds("near_text", nt)
    if nt.HasField("selection"):
        raise Unsupported("diversity selection (MMR) is not supported by loomdb yet")
    target, targets = single_or_multi(target_names(targets_of if targets_of is not None else nt), ())
    return NearText(tuple(nt.query), target, nt.distance if nt.HasField("distance") else None,
                    nt.certainty if nt.HasField("certainty") else None,
                    _move(nt.move_to) if nt.HasField("move_to") else None,
                    _move(nt.move_away) if nt.HasField("move_away") else None, targets)


def _move(mv) -> Move:
    return Move(mv.force, tuple(mv.concepts), tuple(mv.uuids))


def parse_near_vector(nv, targets_of=None) -> NearVector:
    """NearVector -> its vector(s) and targets; a hybrid's sub-search takes the hybrid's targets (`targets_of`)."""
    exclusive_thresholds("near_vector", nv)
    vector = query_vector(nv)
    if vector is not None and nv.vector_per_target:
        raise InvalidInput("near_vector: either vector or VectorPerTarget must be provided, not both")
    named = target_names(targets_of if targets_of is not None else nv)
    per_target = () if vector is not None else per_target_vectors(nv, named.names if named is not None else ())
    if vector is None and not per_target:
        raise InvalidInput("near_vector: a vector is required")
    target, targets = single_or_multi(named, per_target)
    return NearVector(vector if vector is not None else np.empty(0, np.float32), target,
                      nv.distance if nv.HasField("distance") else None,
                      nv.certainty if nv.HasField("certainty") else None, targets, per_target)


def projection(pr: search_get_pb2.PropertiesRequest | None, md: search_get_pb2.MetadataRequest | None
               ) -> Projection:
    """What one level returns: the results themselves, or the objects behind a reference (same shapes)."""
    props: list[str] | None = None
    nested: tuple[NestedSelection, ...] = ()
    if pr is not None and not pr.return_all_nonref_properties:
        nested = tuple(_nested(op) for op in pr.object_properties)
        props = list(pr.non_ref_properties) + [sel.name for sel in nested]
    if md is None:
        md = search_get_pb2.MetadataRequest()
    return Projection(
        properties=tuple(props) if props is not None else None, nested=nested, uuid=md.uuid, vector=md.vector,
        vectors=tuple(md.vectors), creation_time=md.creation_time_unix, update_time=md.last_update_time_unix,
        distance=md.distance, certainty=md.certainty, score=md.score, explain_score=md.explain_score,
        is_consistent=md.is_consistent, query_profile=md.query_profile,
        references=ref_queries(pr, projection) if pr is not None else ())


def _nested(op: search_get_pb2.ObjectPropertiesRequest) -> NestedSelection:
    """ObjectPropertiesRequest{prop_name, primitive_properties, object_properties} -> its NestedSelection."""
    return NestedSelection(op.prop_name, tuple(op.primitive_properties),
                           tuple(_nested(o) for o in op.object_properties))
