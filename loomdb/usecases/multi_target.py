"""Weaviate's rules for a multi-target vector search (grpc/v1 parse_search_request.go extractTargetVectors,
extractTargets and parseNearVec; configvalidation's certainty rule): which searches run (one per target and query
vector) and with which weights. Where the query vectors come from is the caller's business (near_vector's own,
near_object's object, a vectorizer for near_text), so every search type resolves its targets here; the engine
joins the distances (engine/query/multi_target.py).

- names: the request's target list (a name repeats once per weight when it has several query vectors); none
  given = the collection's only vector space; each must exist;
- one query vector for every name, or vectors per target (near_vector={name: vectors}): then the names are taken
  once each, in the order of the given vectors, and a target's vectors are expanded into one search each (a list
  of vectors for a multi-vector space is one token matrix);
- weights: minimum none, sum 1 each, average 1/n (n = the searches when vectors came per target, else the names),
  manualWeights and relativeScore the request's own, one per search;
- one search left = a plain single-target search.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from ..entities.errors import InvalidInput, Unsupported
from ..entities.search import (
    AVERAGE,
    HYBRID_NEEDS_VECTOR,
    MANUAL_WEIGHTS,
    MINIMUM,
    RELATIVE_SCORE,
    SUM,
    Hybrid,
    NearVector,
    PerTargetVectors,
    TargetJoin,
    TargetVectors,
    certainty_unsupported,
)
from .ports import SearchCollection

AGGREGATE_MULTI_TARGET = "found more than one target vector for aggregation"   # parse_aggregate_request.go
WEIGHTS_MISMATCH = "number of weights in join does not match number of idsPerTarget"   # CombineMultiTargetResults


def is_multi_target(near_vector: NearVector | None) -> bool:
    """Whether the request names several targets or gives vectors per target (a join to resolve)."""
    return near_vector is not None and (near_vector.targets is not None or bool(near_vector.per_target))


def target_join(collection: SearchCollection, targets: TargetVectors | None, per_target: PerTargetVectors = (),
                vector_for: Callable[[str], np.ndarray] | None = None) -> TargetJoin:
    """The searches a vector query runs: `per_target` vectors when given, else `vector_for(name)` for every named
    target (near_vector's single vector, near_object's object vector, near_text's vectorised text)."""
    requested = targets.names if targets is not None else ()
    names = [collection.resolve_target(name) for name in requested] or [collection.resolve_target(None)]
    combination = targets.combination if targets is not None else MINIMUM
    if per_target:
        entries = _expand(collection, names, per_target)
        count = len(entries)
    else:
        if vector_for is None:
            raise InvalidInput("near_vector: vector is required")
        entries = [(name, vector_for(name)) for name in names]
        count = len(names)
    if combination in (MANUAL_WEIGHTS, RELATIVE_SCORE):
        weights = targets.weights if targets is not None else ()
    elif combination == SUM:
        weights = (1.0,) * count
    elif combination == AVERAGE:
        weights = (1.0 / count,) * count
    else:
        weights = (0.0,) * count
    if len(entries) > 1 and len(weights) != len(entries):
        raise InvalidInput(WEIGHTS_MISMATCH)
    return TargetJoin(tuple(n for n, _ in entries), tuple(v for _, v in entries), combination, tuple(weights))


def _expand(collection: SearchCollection, names: list[str], per_target: PerTargetVectors
            ) -> list[tuple[str, np.ndarray]]:
    """One (target, query vector) per search, checking the per-target vectors against the names."""
    unique = list(dict.fromkeys(names))
    if len(per_target) != len(unique):
        raise InvalidInput("near_vector: vector for target must have the same lengths as target vectors")
    for name, (given, _) in zip(unique, per_target):
        if given != name:
            raise InvalidInput(f"near_vector: vector for target {name} is required. All target vectors: "
                               f"[{' '.join(unique)}] all vectors for targets [{' '.join(n for n, _ in per_target)}]")
    entries: list[tuple[str, np.ndarray]] = []
    for name, vectors in per_target:
        multi = collection.vectors[name].multi_vector
        if any(v.ndim == 2 for v in vectors):        # token matrices: one search each, or one per row
            for matrix in vectors:
                entries.extend([(name, matrix)] if multi else [(name, row) for row in np.atleast_2d(matrix)])
        elif multi:                                  # plain vectors for a multi-vector space: one token matrix
            entries.append((name, np.stack(vectors)))
        else:
            entries.extend((name, vector) for vector in vectors)
    return entries


def with_join(near_vector: NearVector, join: TargetJoin) -> NearVector:
    """The near_vector search running `join`: a plain single-target search when only one search is left."""
    if len(join.targets) == 1:
        return replace(near_vector, vector=join.vectors[0], target=join.targets[0], targets=None, per_target=(),
                       join=None)
    return replace(near_vector, target=None, targets=None, per_target=(), join=join)


def _check_join_certainty(collection: SearchCollection, targets: Sequence[str]) -> None:
    """A certainty threshold needs every joined space to be cosine (Weaviate's validateGetDistanceParams)."""
    for name in targets:
        metric = collection.vectors[name].distance
        if metric != "cosine":
            raise InvalidInput(certainty_unsupported(metric))


def _returns_certainty(targets: TargetVectors | None) -> bool:
    """Weaviate returns no certainty for a search naming more than one target (it silently drops the field)."""
    return targets is None or len(targets.names) <= 1


def resolve_near_vector(collection: SearchCollection, near_vector: NearVector,
                        vector_for: Callable[[str], np.ndarray], certainty_returned: bool
                        ) -> tuple[NearVector, str | None]:
    """A multi-target near_vector / near_object resolved: the search to run and the distance metric the reply
    computes certainty with (None when Weaviate returns none: more than one target named)."""
    join = target_join(collection, near_vector.targets, near_vector.per_target,
                       None if near_vector.per_target else vector_for)
    returned = certainty_returned and _returns_certainty(near_vector.targets)
    return with_join(near_vector, join), _metric(collection, join, near_vector.certainty is not None, returned)


def resolve_hybrid(collection: SearchCollection, hybrid: Hybrid,
                   vector_for: Callable[[str], np.ndarray] | None = None) -> tuple[Hybrid, str | None]:
    """A multi-target hybrid's vector side resolved: its single vector (or its near_vector sub-search's vectors
    per target, or `vector_for(target)`: the query text vectorised per target) searched on every target, joined."""
    sub = hybrid.near_vector
    vector = sub.vector if sub is not None and len(sub.vector) else hybrid.vector
    per_target = sub.per_target if sub is not None else ()
    source = (lambda _: vector) if vector is not None else vector_for
    if source is None and not per_target:
        raise Unsupported(HYBRID_NEEDS_VECTOR)
    join = target_join(collection, hybrid.targets, per_target, source)
    metric = _metric(collection, join, sub is not None and sub.certainty is not None, False)
    if len(join.targets) > 1:
        return replace(hybrid, targets=None, target=None, join=join,
                       near_vector=replace(sub, per_target=(), targets=None) if sub is not None else None), metric
    target, single = join.targets[0], join.vectors[0]
    if sub is not None:
        return replace(hybrid, targets=None, target=target,
                       near_vector=replace(sub, vector=single, target=target, per_target=(), targets=None)), metric
    return replace(hybrid, targets=None, target=target, vector=single), metric


def is_multi_target_hybrid(hybrid: Hybrid) -> bool:
    """Whether a hybrid's vector side names several targets or gets vectors per target."""
    return hybrid.targets is not None or is_multi_target(hybrid.near_vector)


def refuse_multi_target_aggregation(near_vector: NearVector | None, hybrid: Hybrid | None) -> None:
    """Aggregations search one target vector only (Weaviate's message)."""
    if is_multi_target(near_vector) or (hybrid is not None and is_multi_target_hybrid(hybrid)):
        raise InvalidInput(AGGREGATE_MULTI_TARGET)


def _metric(collection: SearchCollection, join: TargetJoin, certainty_threshold: bool, certainty_returned: bool
            ) -> str | None:
    """Certainty as a threshold needs every joined space cosine; returned, the one target's space must be (the
    single-target rule); the metric the reply uses, None when no certainty is returned."""
    if certainty_threshold:
        _check_join_certainty(collection, join.targets)
    metric = collection.vectors[join.targets[0]].distance
    if certainty_returned and metric != "cosine":
        raise InvalidInput(certainty_unsupported(metric))
    return metric if certainty_returned else None
