"""The target vectors of a vector search message (NearVector, NearObject, Hybrid, ...): `targets{target_vectors,
combination, weights_for_targets}` or the deprecated `target_vectors`, and near_vector's vectors per target
(`vector_for_targets`, or the deprecated `vector_per_target` map), with Weaviate's parse errors
(grpc/v1 parse_search_request.go extractTargets / extractWeights / parseNearVec)."""
from __future__ import annotations

from weaviate.proto.v1 import base_search_pb2

from ...entities.errors import InvalidInput
from ...entities.search import (
    AVERAGE,
    MANUAL_WEIGHTS,
    MINIMUM,
    RELATIVE_SCORE,
    SUM,
    PerTargetVectors,
    TargetVectors,
)
from .values import vector_from_bytes, vectors_value

_COMBINATIONS = {
    base_search_pb2.COMBINATION_METHOD_UNSPECIFIED: MINIMUM,     # Weaviate's DefaultTargetCombinationType
    base_search_pb2.COMBINATION_METHOD_TYPE_MIN: MINIMUM,
    base_search_pb2.COMBINATION_METHOD_TYPE_SUM: SUM,
    base_search_pb2.COMBINATION_METHOD_TYPE_AVERAGE: AVERAGE,
    base_search_pb2.COMBINATION_METHOD_TYPE_MANUAL: MANUAL_WEIGHTS,
    base_search_pb2.COMBINATION_METHOD_TYPE_RELATIVE_SCORE: RELATIVE_SCORE,
}


def target_names(msg) -> TargetVectors | None:
    """The names a search message targets (None when it names none) with their join."""
    if msg.HasField("targets"):
        return _targets(msg.targets)
    return TargetVectors(tuple(msg.target_vectors)) if msg.target_vectors else None


def _targets(pb: base_search_pb2.Targets) -> TargetVectors | None:
    names = tuple(pb.target_vectors)
    if pb.combination not in _COMBINATIONS:
        raise InvalidInput(f"unknown combination method {pb.combination}")
    combination = _COMBINATIONS[pb.combination]
    weights: tuple[float, ...] = ()
    if combination in (MANUAL_WEIGHTS, RELATIVE_SCORE):
        if len(pb.weights_for_targets) != len(names):
            raise InvalidInput(f"number of weights ({len(pb.weights_for_targets)}) does not match number of "
                               f"targets ({len(names)})")
        for given, name in zip(pb.weights_for_targets, names):
            if given.target != name:
                raise InvalidInput(f"target vector {given.target} not found in target vectors")
        weights = tuple(float(w.weight) for w in pb.weights_for_targets)
    return TargetVectors(names, combination, weights) if names else None


def per_target_vectors(nv: base_search_pb2.NearVector, names: tuple[str, ...]) -> PerTargetVectors:
    """near_vector's query vectors per target, in request order (empty when it has one vector for all); the
    deprecated `vector_per_target` map is taken in the order of the target `names`."""
    if nv.vector_for_targets:
        return tuple((entry.name, tuple(vectors_value(v) for v in entry.vectors) if entry.vectors
                      else (vector_from_bytes(entry.vector_bytes),)) for entry in nv.vector_for_targets)
    if not nv.vector_per_target:
        return ()
    given = dict(nv.vector_per_target)
    if len(given) != len(names):
        raise InvalidInput("near_vector: vector per target must be provided for all targets")
    for name in names:
        if name not in given:
            raise InvalidInput(f"near_vector: vector for target {name} is required. All target vectors: "
                               f"[{' '.join(names)}] all vectors for targets [{' '.join(given)}]")
    return tuple((name, (vector_from_bytes(given[name]),)) for name in names)


def single_or_multi(targets: TargetVectors | None, per_target: PerTargetVectors
                    ) -> tuple[str | None, TargetVectors | None]:
    """(the one target of a plain search, None) or (None, the targets of a multi-target one: several names, or
    vectors given per target)."""
    if targets is not None and (len(targets.names) > 1 or per_target):
        return None, targets
    if targets is None and per_target:
        return None, TargetVectors(())
    return (targets.names[0] if targets is not None else None), None
