"""A `Get { <Class>(...) { ... } }` field -> SearchRequest: its arguments become SearchParams, its selections
the Projection (properties, `... on Target` references, `_additional`), exactly the entities gRPC builds."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from graphql import SelectionSetNode

from ...entities import beacons
from ...entities.errors import InvalidInput
from ...entities.projection import Projection, RefQuery
from ...entities.search import (
    MANUAL_WEIGHTS,
    MINIMUM,
    RELATIVE_SCORE,
    Bm25,
    FeatureProjection,
    GenerativeSearch,
    GroupBy,
    GroupedTask,
    Hybrid,
    Move,
    NearText,
    NearVector,
    Rerank,
    SearchParams,
    SearchRequest,
    SinglePrompt,
    SortBy,
    TargetVectors,
)
from .filters import parse_where
from .get_types import is_reference
from .selection import Call, Fragments, child, field_node, fields, names, on_types

ClassDocs = dict[str, dict[str, Any]]
_SEARCHES = ("nearVector", "nearObject", "nearText", "bm25", "hybrid")
_DEFAULT_ALPHA = 0.75


def parse_get(class_name: str, docs: ClassDocs, args: dict[str, Any], selection: SelectionSetNode | None,
              call: Call) -> SearchRequest:
    fragments = call.fragments
    additional = child(selection, "_additional", fragments)
    searches = [name for name in _SEARCHES if args.get(name) is not None]
    if len(searches) > 1:
        raise InvalidInput(f"parameters which are conflicting: {', '.join(searches)}")
    projection = parse_projection(class_name, docs, selection, fragments)
    near_vector = near_vector_arg(args["nearVector"]) if args.get("nearVector") is not None else None
    near_object = None
    if args.get("nearObject") is not None:
        near_vector, near_object = near_object_arg(args["nearObject"])
    group_by = args.get("groupBy")
    params = SearchParams(
        collection=class_name, limit=max(args.get("limit") or 0, 0), offset=args.get("offset") or 0,
        after=args.get("after") or None,
        filters=parse_where(args["where"], docs[class_name]) if args.get("where") is not None else None,
        near_vector=near_vector,
        bm25=bm25_arg(args["bm25"]) if args.get("bm25") is not None else None,
        hybrid=hybrid_arg(args["hybrid"]) if args.get("hybrid") is not None else None,
        sort=tuple(_sort(i, s) for i, s in enumerate(args.get("sort") or [])),
        autocut=args.get("autocut") or 0,
        group_by=_group_by(group_by) if group_by is not None else None,
        explain_score=projection.explain_score, tenant=args.get("tenant") or "")
    rerank = field_node(additional, "rerank", fragments)
    generate = field_node(additional, "generate", fragments)
    projected = field_node(additional, "featureProjection", fragments)
    return SearchRequest(params, projection, near_object,
                         near_text_arg(args["nearText"]) if args.get("nearText") is not None else None,
                         rerank=_rerank(call.arguments(rerank)) if rerank is not None else None,
                         generative=_generative(call.arguments(generate)) if generate is not None else None,
                         feature_projection=(_feature_projection(call.arguments(projected))
                                             if projected is not None else None))


def _target(spec: dict[str, Any]) -> tuple[str | None, TargetVectors | None]:
    """`targets: {targetVectors, combinationMethod, weights}` or the older `targetVectors` (joined by minimum,
    Weaviate's default): (the one target, None), or with several (None, their TargetVectors)."""
    targets = _targets(spec["targets"]) if spec.get("targets") is not None else None
    if targets is None and spec.get("targetVectors"):
        targets = TargetVectors(tuple(spec["targetVectors"]))
    if targets is not None and len(targets.names) > 1:
        return None, targets
    return (targets.names[0] if targets is not None and targets.names else None), None


def _targets(spec: dict[str, Any]) -> TargetVectors:
    """Weaviate's ExtractTargets: the listed names (a name repeats once per query vector), the join, and for
    manualWeights / relativeScore one weight per listed name, from `weights: {name: w or [w, ...]}`."""
    if spec.get("targetVectors") is None:
        raise InvalidInput(f"targetVectors is required field, got {_go_map(spec)}")
    names = tuple(spec["targetVectors"])
    combination = spec.get("combinationMethod") or MINIMUM
    if combination not in (MANUAL_WEIGHTS, RELATIVE_SCORE):
        return TargetVectors(names, combination)
    given = spec.get("weights") or {}
    weights = [0.0] * len(names)
    for i, name in enumerate(names):
        if name in names[:i]:
            continue
        if name not in given:
            raise InvalidInput(f"weight for target {name} is not provided")
        for j, weight in enumerate(given[name] if isinstance(given[name], list) else [given[name]]):
            if i + j < len(weights):
                weights[i + j] = weight
    return TargetVectors(names, combination, tuple(weights))


def _go_map(spec: dict[str, Any]) -> str:
    """A Go `%v` of a map (sorted `map[key:value]`), for the texts that print the argument."""
    return "map[" + " ".join(f"{k}:{v}" for k, v in sorted(spec.items())) + "]"


def _thresholds(name: str, spec: dict[str, Any]) -> tuple[float | None, float | None]:
    distance, certainty = spec.get("distance"), spec.get("certainty")
    if distance is not None and certainty is not None:
        raise InvalidInput(f"{name}: cannot provide distance and certainty")
    return distance, certainty


def near_vector_arg(spec: dict[str, Any]) -> NearVector:
    vector = spec.get("vector")
    if vector is None or not len(vector):
        raise InvalidInput("nearVector: a vector is required")
    distance, certainty = _thresholds("nearVector", spec)
    target, targets = _target(spec)
    return NearVector(np.asarray(vector, dtype=np.float32), target, distance, certainty, targets)


def near_object_arg(spec: dict[str, Any]) -> tuple[NearVector, str]:
    """(thresholds and target without a vector, the object's id): the use case reads the object's vector."""
    uuid = spec.get("id")
    if not uuid and spec.get("beacon"):
        uuid = beacons.parse(spec["beacon"]).uuid
    if not uuid:
        raise InvalidInput("nearObject: id or beacon needs to be set")
    distance, certainty = _thresholds("nearObject", spec)
    target, targets = _target(spec)
    return NearVector(np.empty(0, np.float32), target, distance, certainty, targets), uuid


def near_text_arg(spec: dict[str, Any], outer: tuple[str | None, TargetVectors | None] = (None, None)
                  ) -> NearText:
    """nearText {concepts, distance | certainty, moveTo, moveAwayFrom, targetVectors}; `outer`: the targets of
    the hybrid search it sits in, when it names none itself."""
    distance, certainty = _thresholds("nearText", spec)
    target, targets = _target(spec) if spec.get("targetVectors") or spec.get("targets") else outer
    return NearText(tuple(spec.get("concepts") or ()), target, distance, certainty,
                    _move(spec["moveTo"]) if spec.get("moveTo") is not None else None,
                    _move(spec["moveAwayFrom"]) if spec.get("moveAwayFrom") is not None else None, targets)


def _move(spec: dict[str, Any]) -> Move:
    """moveTo / moveAwayFrom: objects by id, or by beacon (`weaviate://localhost/Class/uuid`)."""
    uuids = []
    for ref in spec.get("objects") or []:
        uuid = ref.get("id") or (beacons.parse(ref["beacon"]).uuid if ref.get("beacon") else None)
        if not uuid:
            raise InvalidInput("objects: id or beacon needs to be set")
        uuids.append(uuid)
    return Move(float(spec["force"]), tuple(spec.get("concepts") or ()), tuple(uuids))


def _rerank(args: dict[str, Any]) -> Rerank:
    """`_additional { rerank(property:, query:) { score } }`."""
    return Rerank(args.get("property") or "", args.get("query") or "")


def _generative(args: dict[str, Any]) -> GenerativeSearch:
    """`_additional { generate(singleResult: {prompt:}, groupedResult: {task:, properties:}) { ... } }`."""
    single, grouped = args.get("singleResult"), args.get("groupedResult")
    if not single and not grouped:
        raise InvalidInput("generate: singleResult or groupedResult needs to be set")
    return GenerativeSearch(
        SinglePrompt(single.get("prompt") or "") if single else None,
        GroupedTask(grouped.get("task") or "", tuple(grouped.get("properties") or ())) if grouped else None,
        errors_in_results=True)


def _feature_projection(args: dict[str, Any]) -> FeatureProjection:
    """`_additional { featureProjection(algorithm:, dimensions:, perplexity:, iterations:, learningRate:) }`."""
    return FeatureProjection(args.get("algorithm"), args.get("dimensions"), args.get("perplexity"),
                             args.get("iterations"), args.get("learningRate"))


def _operator(spec: dict[str, Any] | None) -> tuple[str, int]:
    if not spec:
        return "Or", 0
    return spec.get("operator") or "Or", spec.get("minimumOrTokensMatch") or 0


def bm25_arg(spec: dict[str, Any]) -> Bm25:
    operator, minimum = _operator(spec.get("searchOperator"))
    return Bm25(spec.get("query") or "", tuple(spec.get("properties") or ()), operator, minimum)


def hybrid_arg(spec: dict[str, Any]) -> Hybrid:
    alpha = spec.get("alpha")
    alpha = _DEFAULT_ALPHA if alpha is None else alpha
    if not 0.0 <= alpha <= 1.0:
        raise InvalidInput(f"alpha must be between 0 and 1, got {alpha}")
    vector = spec.get("vector")       # a float32 array (inputs.VECTOR) or None
    searches = spec.get("searches") or []
    vector_search = next((s["nearVector"] for s in searches if s.get("nearVector") is not None), None)
    text_search = next((s["nearText"] for s in searches if s.get("nearText") is not None), None)
    near_vector = near_vector_arg(vector_search) if vector_search is not None else None
    if near_vector is not None and vector is not None:
        raise InvalidInput("cannot combine nearVector and vector in hybrid search")
    target, targets = _target(spec)
    operator, minimum = _operator(spec.get("bm25SearchOperator"))
    return Hybrid(query=spec.get("query") or "", alpha=float(alpha),
                  fusion=spec.get("fusionType") or "relativeScoreFusion",
                  properties=tuple(spec.get("properties") or ()), vector=vector, near_vector=near_vector,
                  target=target, targets=targets, max_vector_distance=spec.get("maxVectorDistance"),
                  operator=operator, minimum_or_tokens_match=minimum,
                  near_text=near_text_arg(text_search, (target, targets)) if text_search is not None else None)


def _sort(i: int, spec: dict[str, Any]) -> SortBy:
    path = spec.get("path") or []
    if len(path) != 1:
        reason = ("path parameter cannot be empty" if not path else
                  "sorting by reference not supported, path must have exactly one argument")
        raise InvalidInput(f"invalid 'sort' parameter: sort parameter at position {i}: {reason}")
    return SortBy(path[0], spec.get("order") != "desc")


def _group_by(spec: dict[str, Any]) -> GroupBy:
    path = spec.get("path") or []
    if len(path) != 1:
        raise InvalidInput(f"groupby path can only have one entry, received [{' '.join(path)}]")
    return GroupBy(path[0], spec.get("groups") or 0, spec.get("objectsPerGroup") or 0)


_ADDITIONAL_FLAGS = {"id": "uuid", "vector": "vector", "creationTimeUnix": "creation_time",
                     "lastUpdateTimeUnix": "update_time", "distance": "distance", "certainty": "certainty",
                     "score": "score", "explainScore": "explain_score", "isConsistent": "is_consistent"}


def parse_projection(class_name: str, docs: ClassDocs, selection: SelectionSetNode | None,
                     fragments: Fragments) -> Projection:
    """What one level returns: the selected properties, the references per `... on Target`, `_additional`."""
    props = {p["name"]: p for p in docs[class_name].get("properties") or []}
    selected: list[str] = []
    refs: list[RefQuery] = []
    flags: dict[str, Any] = {}
    vectors: tuple[str, ...] = ()
    for f in fields(selection, fragments):
        name = f.name.value
        if name == "_additional":
            additional = f.selection_set
            wanted = names(additional, fragments)
            flags = {_ADDITIONAL_FLAGS[n]: True for n in wanted if n in _ADDITIONAL_FLAGS}
            vectors = tuple(sorted(names(child(additional, "vectors", fragments), fragments)))
            hits = child(child(additional, "group", fragments), "hits", fragments)
            hit_additional = names(child(hits, "_additional", fragments), fragments)
            flags.update({_ADDITIONAL_FLAGS[n]: True for n in hit_additional if n in _ADDITIONAL_FLAGS})
            if "vectors" in hit_additional:
                flags["vector"] = True
            selected.extend(n for n in names(hits, fragments) if n in props)
        elif name in props and is_reference(props[name]["dataType"]):
            for target, sub in on_types(f.selection_set, fragments):
                refs.append(RefQuery(name, target, parse_projection(target, docs, sub, fragments)))
        elif name in props:
            selected.append(name)
    return replace(Projection(properties=tuple(dict.fromkeys(selected)), vectors=vectors, references=tuple(refs)),
                   **flags)
