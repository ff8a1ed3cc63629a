"""AggregateResult -> weaviate.v1.AggregateReply (Weaviate: adapters/handlers/grpc/v1/prepare_aggregate_reply.go).

The client reads optional fields with HasField, so a metric is set only when it was computed: numeric and date
metrics only when asked for (and, except count, only when there were values); boolean and text results carry
every metric, as Weaviate's reply does."""
from __future__ import annotations

from weaviate.proto.v1 import aggregate_pb2

from ...entities.aggregate import AggregateGroup, AggregateResult, PropertyResult

_Agg = aggregate_pb2.AggregateReply.Aggregations.Aggregation
_NUMERIC_FIELDS = ("count", "mean", "median", "mode", "maximum", "minimum", "sum")
_DATE_FIELDS = ("count", "median", "mode", "maximum", "minimum")
_BOOLEAN_FIELDS = ("count", "total_true", "total_false", "percentage_true", "percentage_false")


def _fields(res: PropertyResult, names: tuple[str, ...], cast=None) -> dict:
    out = {}
    for name in names:
        value = getattr(res, name)
        if value is not None:
            out[name] = cast(name, value) if cast else value
    if "type" in res.metrics:
        out["type"] = res.data_type
    return out


def _int_cast(name: str, value):
    # Integer: mean/median are doubles, everything else int64 (Weaviate truncates with int64(float64))
    return float(value) if name in ("mean", "median") else int(value)


def _aggregation(res: PropertyResult) -> _Agg:
    if res.kind == "int":
        return _Agg(property=res.property, int=_Agg.Integer(**_fields(res, _NUMERIC_FIELDS, _int_cast)))
    if res.kind == "number":
        return _Agg(property=res.property, number=_Agg.Number(
            **_fields(res, _NUMERIC_FIELDS, lambda n, v: int(v) if n == "count" else float(v))))
    if res.kind == "date":
        return _Agg(property=res.property, date=_Agg.Date(**_fields(res, _DATE_FIELDS)))
    if res.kind == "boolean":
        return _Agg(property=res.property, boolean=_Agg.Boolean(**_fields(res, _BOOLEAN_FIELDS)))
    if res.kind == "text":
        text = _Agg.Text(**_fields(res, ("count",)))
        if res.top_occurrences:
            text.top_occurences.items.extend(
                _Agg.Text.TopOccurrences.TopOccurrence(value=v, occurs=c) for v, c in res.top_occurrences)
        return _Agg(property=res.property, text=text)
    if res.kind == "reference":
        return _Agg(property=res.property, reference=_Agg.Reference(
            pointing_to=res.pointing_to or [], **({"type": res.data_type} if "type" in res.metrics else {})))
    raise AssertionError(f"unknown aggregation result kind {res.kind!r}")


def _aggregations(results: list[PropertyResult]) -> aggregate_pb2.AggregateReply.Aggregations | None:
    if not results:
        return None
    return aggregate_pb2.AggregateReply.Aggregations(aggregations=[_aggregation(r) for r in results])


def _grouped_by(group: AggregateGroup) -> aggregate_pb2.AggregateReply.Group.GroupedBy:
    g = aggregate_pb2.AggregateReply.Group.GroupedBy(path=[group.property])
    if group.value_type == "text":
        g.text = str(group.value)
    elif group.value_type == "boolean":
        g.boolean = bool(group.value)
    elif group.value_type == "int":
        g.int = int(group.value)
    else:
        g.number = float(group.value)
    return g


def build_aggregate_reply(result: AggregateResult, total_count: bool, took: float) -> aggregate_pb2.AggregateReply:
    if result.groups is None:
        single = aggregate_pb2.AggregateReply.Single(aggregations=_aggregations(result.properties))
        if total_count:
            single.objects_count = result.total_count
        return aggregate_pb2.AggregateReply(took=took, single_result=single)
    groups = [aggregate_pb2.AggregateReply.Group(objects_count=g.count, aggregations=_aggregations(g.properties),
                                                 grouped_by=_grouped_by(g))
              for g in result.groups]
    return aggregate_pb2.AggregateReply(took=took, grouped_results=aggregate_pb2.AggregateReply.Grouped(
        groups=groups))
