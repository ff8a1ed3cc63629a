"""weaviate.v1.AggregateRequest -> AggregateParams (Weaviate: adapters/handlers/grpc/v1/parse_aggregate_request.go).
Media searches (near_image, ...) get Weaviate's answer for a collection without a module to embed them."""
from __future__ import annotations

from weaviate.proto.v1 import aggregate_pb2

from ...entities.aggregate import AggregateParams, PropertyAggregation
from ...entities.errors import InvalidInput, Unsupported
from .filters_parse import parse_filters
from .search_parse import (
    MEDIA_SEARCHES,
    media_refusal,
    parse_hybrid,
    parse_near_object,
    parse_near_text,
    parse_near_vector,
)

# proto field name -> metric name (the proto spells top occurrences "top_occurences")
_FIELD_METRIC = {"top_occurences": "top_occurrences"}


def _aggregation(pb: aggregate_pb2.AggregateRequest.Aggregation) -> PropertyAggregation:
    kind = pb.WhichOneof("aggregation")
    if kind is None:
        raise InvalidInput(f"aggregate: property {pb.property}: no aggregation type (int, number, text, boolean, "
                           "date or reference) given")
    msg = getattr(pb, kind)
    metrics = set()
    for fd, value in msg.ListFields():
        if fd.name == "top_occurences_limit":
            continue
        if value is True:
            metrics.add(_FIELD_METRIC.get(fd.name, fd.name))
    limit = msg.top_occurences_limit if kind == "text" and msg.HasField("top_occurences_limit") else None
    return PropertyAggregation(pb.property, kind, frozenset(metrics), limit)


def parse_aggregate(req: aggregate_pb2.AggregateRequest) -> AggregateParams:
    search = req.WhichOneof("search")
    if search in MEDIA_SEARCHES:
        raise media_refusal(req.collection, search)
    near_vector = None
    near_object = None
    if search == "near_vector":
        near_vector = parse_near_vector(req.near_vector)
    elif search == "near_object":
        near_vector, near_object = parse_near_object(req.near_object)
    group_by = None
    if req.HasField("group_by"):
        if req.group_by.collection and req.group_by.collection != req.collection:
            raise Unsupported("grouping by cross-references is not supported by loomdb yet")
        group_by = req.group_by.property
        if not group_by:
            raise InvalidInput("aggregate: group by requires a property")
    return AggregateParams(
        collection=req.collection,
        aggregations=tuple(_aggregation(a) for a in req.aggregations),
        total_count=req.objects_count,
        filters=parse_filters(req.filters) if req.HasField("filters") else None,
        near_vector=near_vector, near_object=near_object,
        near_text=parse_near_text(req.near_text) if search == "near_text" else None,
        hybrid=parse_hybrid(req.hybrid) if search == "hybrid" else None,
        object_limit=req.object_limit if req.HasField("object_limit") else None,
        group_by=group_by,
        group_limit=req.limit if req.HasField("limit") else None,
        tenant=req.tenant)
