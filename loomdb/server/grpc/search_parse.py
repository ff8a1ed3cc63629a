"""weaviate.v1.SearchRequest -> SearchParams + what to return. Every request field this loomdb version cannot
serve yet is refused with a clear UNIMPLEMENTED error instead of being silently ignored."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from weaviate.proto.v1 import search_get_pb2

from ...entities.errors import InvalidInput, Unsupported
from ...entities.search import NearVector, SearchParams
from .filters_parse import parse_filters
from .values import vector_from_bytes

_NOT_YET = {
    "hybrid_search": "hybrid search", "bm25_search": "bm25 search", "near_text": "near_text",
    "near_image": "near_image", "near_audio": "near_audio", "near_video": "near_video",
    "near_depth": "near_depth", "near_thermal": "near_thermal", "near_imu": "near_imu",
    "generative": "generative search", "rerank": "rerank", "group_by": "group_by", "boost": "boost",
}


@dataclass
class ReturnRequest:
    """Which properties and metadata each result carries."""

    properties: list[str] | None        # None = every non-reference property
    nested: dict[str, object]           # object property -> nested selection (returned whole for now)
    vector: bool = False                 # the unnamed/default vector
    vectors: tuple[str, ...] = ()        # named vectors
    creation_time: bool = False
    update_time: bool = False
    distance: bool = False
    certainty: bool = False
    is_consistent: bool = False


def parse_search(req: search_get_pb2.SearchRequest) -> tuple[SearchParams, ReturnRequest, str | None]:
    """(params, what to return, near_object id or None)."""
    for field, label in _NOT_YET.items():
        if req.HasField(field):
            raise Unsupported(f"{label} is not supported by loomdb yet")
    if req.sort_by:
        raise Unsupported("sort is not supported by loomdb yet")
    if req.autocut:
        raise Unsupported("autocut is not supported by loomdb yet")
    if req.tenant:
        raise Unsupported("multi-tenancy is not supported by loomdb yet")
    near_vector = _near_vector(req.near_vector) if req.HasField("near_vector") else None
    near_object = None
    if req.HasField("near_object"):
        no = req.near_object
        if not no.id:
            raise InvalidInput("near_object: id is required")
        _exclusive_thresholds("near_object", no)
        near_object = no.id
        near_vector = NearVector(np.empty(0, np.float32), _single_target(no.targets, no.target_vectors),
                                 no.distance if no.HasField("distance") else None,
                                 no.certainty if no.HasField("certainty") else None)
    params = SearchParams(
        collection=req.collection, limit=req.limit, offset=req.offset, after=req.after or None,
        filters=parse_filters(req.filters) if req.HasField("filters") else None,
        near_vector=near_vector, tenant=req.tenant)
    return params, _return_request(req), near_object


def _exclusive_thresholds(name: str, msg) -> None:
    if msg.HasField("distance") and msg.HasField("certainty"):
        raise InvalidInput(f"{name}: cannot provide distance and certainty")


def _single_target(targets, target_vectors) -> str | None:
    names = list(targets.target_vectors) if targets is not None and targets.target_vectors else list(target_vectors)
    if len(names) > 1:
        raise Unsupported("multi-target vector search is not supported by loomdb yet")
    return names[0] if names else None


def _near_vector(nv) -> NearVector:
    _exclusive_thresholds("near_vector", nv)
    target = _single_target(nv.targets if nv.HasField("targets") else None, nv.target_vectors)
    if nv.vector_for_targets or nv.vector_per_target:
        entries = ([(v.name, v.vectors[0].vector_bytes if v.vectors else v.vector_bytes)
                    for v in nv.vector_for_targets]
                   or [(k, b) for k, b in nv.vector_per_target.items()])
        if len(entries) > 1:
            raise Unsupported("multi-target vector search is not supported by loomdb yet")
        target, raw = entries[0]
        vector = vector_from_bytes(raw)
    elif nv.vectors:
        if len(nv.vectors) > 1 or nv.vectors[0].type == nv.vectors[0].VECTOR_TYPE_MULTI_FP32:
            raise Unsupported("multi-vector queries are not supported by loomdb yet")
        vector = vector_from_bytes(nv.vectors[0].vector_bytes)
    elif nv.vector_bytes:
        vector = vector_from_bytes(nv.vector_bytes)
    elif nv.vector:
        vector = np.asarray(nv.vector, dtype=np.float32)
    else:
        raise InvalidInput("near_vector: a vector is required")
    return NearVector(vector, target, nv.distance if nv.HasField("distance") else None,
                      nv.certainty if nv.HasField("certainty") else None)


def _return_request(req: search_get_pb2.SearchRequest) -> ReturnRequest:
    md = req.metadata
    props: list[str] | None = None
    nested: dict[str, object] = {}
    if req.HasField("properties"):
        pr = req.properties
        if pr.ref_properties:
            raise Unsupported("returning cross-references is not supported by loomdb yet")
        if not pr.return_all_nonref_properties:
            props = list(pr.non_ref_properties)
            for op in pr.object_properties:
                nested[op.prop_name] = op
                props.append(op.prop_name)
    return ReturnRequest(properties=props, nested=nested, vector=md.vector, vectors=tuple(md.vectors),
                         creation_time=md.creation_time_unix, update_time=md.last_update_time_unix,
                         distance=md.distance, certainty=md.certainty, is_consistent=md.is_consistent)
