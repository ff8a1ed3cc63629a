"""The input object types of Weaviate's GraphQL arguments (where, nearVector, nearObject, nearText, bm25, hybrid,
sort, groupBy). Argument and field names are what clients send; the type names follow Weaviate's where they
are per class (`GetObjects<Class>WhereInpObj`, `Aggregate<Class>WhereInpObj`)."""
from __future__ import annotations

from typing import Any

import numpy as np
from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLFloat,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLString,
    ValueNode,
    value_from_ast_untyped,
)

from ...entities.filters import BOOLEAN_OPERATORS, LEAF_OPERATORS

_Strings = GraphQLList(GraphQLString)
_Floats = GraphQLList(GraphQLFloat)



def _enum(name: str, *values: str) -> GraphQLEnumType:
    """An enum whose values are their own names (what the parsers read)."""
    return GraphQLEnumType(name, {v: v for v in values})


_OPERATOR = _enum("WhereOperatorEnum", *BOOLEAN_OPERATORS, *LEAF_OPERATORS)
_GEO_RANGE = GraphQLInputObjectType("WhereGeoRangeInpObj", {
    "geoCoordinates": GraphQLInputField(GraphQLNonNull(GraphQLInputObjectType("WhereGeoRangeGeoCoordinatesInpObj", {
        "latitude": GraphQLInputField(GraphQLNonNull(GraphQLFloat)),
        "longitude": GraphQLInputField(GraphQLNonNull(GraphQLFloat))}))),
    "distance": GraphQLInputField(GraphQLNonNull(GraphQLInputObjectType("WhereGeoRangeDistanceInpObj", {
        "max": GraphQLInputField(GraphQLNonNull(GraphQLFloat))}))),
})
# the value fields of a where leaf (filters.py maps each to the entities' value type)
WHERE_VALUES: dict[str, GraphQLInputType] = {
    "valueInt": GraphQLInt, "valueNumber": GraphQLFloat, "valueBoolean": GraphQLBoolean,
    "valueString": GraphQLString, "valueText": GraphQLString, "valueDate": GraphQLString,
    "valueIntArray": GraphQLList(GraphQLInt), "valueNumberArray": _Floats,
    "valueBooleanArray": GraphQLList(GraphQLBoolean), "valueStringArray": _Strings, "valueTextArray": _Strings,
    "valueDateArray": _Strings, "valueGeoRange": _GEO_RANGE,
}


def where_input(name: str) -> GraphQLInputObjectType:
    """One where type (Weaviate names one per class and operation): operator, path, a value field, operands."""
    def fields() -> dict[str, GraphQLInputField]:
        out = {"operator": GraphQLInputField(_OPERATOR), "path": GraphQLInputField(_Strings),
               "operands": GraphQLInputField(GraphQLList(where))}
        out.update({key: GraphQLInputField(kind) for key, kind in WHERE_VALUES.items()})
        return out
    where = GraphQLInputObjectType(name, fields)
    return where


def _vector_value(value: Any) -> np.ndarray:
    """A query vector (a list of numbers, or of lists for a multi-vector space) as float32, in one numpy call."""
    if isinstance(value, np.ndarray):
        return value.astype(np.float32, copy=False)
    if not isinstance(value, list) or not value:
        raise TypeError(f"Vector cannot represent a non-list value: {value!r}")
    try:
        vector = np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError):
        raise TypeError("Vector must be a list of numbers or a list of lists of numbers") from None
    if vector.ndim not in (1, 2):
        raise TypeError("Vector must be a list of numbers or a list of lists of numbers")
    return vector


def _vector_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> np.ndarray:
    return _vector_value(value_from_ast_untyped(node, variables))


# Weaviate's `Vector` scalar: one vector or a multi-vector's rows; parsed in one numpy call, not per element
VECTOR = GraphQLScalarType("Vector", serialize=lambda v: np.asarray(v).tolist(), parse_value=_vector_value,
                           parse_literal=_vector_literal)

def _weights_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    return _weights_value(value_from_ast_untyped(node, variables))


def _weights_value(value: Any) -> dict[str, Any]:
    """`{target: weight or [weights]}`, numbers as floats (Weaviate's `Weights` scalar)."""
    def number(v: Any) -> float:
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise TypeError(f"Weights must map target names to numbers or lists of numbers, got {v!r}")
        return float(v)
    if not isinstance(value, dict):
        raise TypeError(f"Weights cannot represent a non-object value: {value!r}")
    return {name: [number(v) for v in w] if isinstance(w, list) else number(w) for name, w in value.items()}


WEIGHTS = GraphQLScalarType("Weights", serialize=lambda v: v, parse_value=_weights_value,
                            parse_literal=_weights_literal)
_COMBINATION = _enum("targetCombinationEnum", "minimum", "average", "sum", "manualWeights", "relativeScore")


def _targets(prefix: str) -> GraphQLInputField:
    """`targets: {targetVectors, combinationMethod, weights}`: the join of a multi-target search (Get only, as in
    Weaviate: Aggregate and Explore take `targetVectors` alone)."""
    return GraphQLInputField(GraphQLInputObjectType(f"{prefix}TargetInpObj", {
        "targetVectors": GraphQLInputField(_Strings), "combinationMethod": GraphQLInputField(_COMBINATION),
        "weights": GraphQLInputField(WEIGHTS)}))


_MOVE = GraphQLInputObjectType("NearTextMoveInpObj", {
    "concepts": GraphQLInputField(_Strings), "force": GraphQLInputField(GraphQLNonNull(GraphQLFloat)),
    "objects": GraphQLInputField(GraphQLList(GraphQLInputObjectType("NearTextMoveObjectInpObj", {
        "id": GraphQLInputField(GraphQLString), "beacon": GraphQLInputField(GraphQLString)})))})
_SEARCH_OPERATOR = GraphQLInputObjectType("SearchOperatorInpObj", {
    "operator": GraphQLInputField(_enum("SearchOperatorEnum", "And", "Or")),
    "minimumOrTokensMatch": GraphQLInputField(GraphQLInt)})
BM25 = GraphQLInputObjectType("Bm25InpObj", {
    "query": GraphQLInputField(GraphQLString), "properties": GraphQLInputField(_Strings),
    "searchOperator": GraphQLInputField(_SEARCH_OPERATOR)})
_FUSION = _enum("FusionEnum", "rankedFusion", "relativeScoreFusion")


class VectorSearchInputs:
    """The vector search input types of one operation: Get's take `targets` (named `Get...`), Aggregate's and
    Explore's do not (the plain names)."""

    def __init__(self, get: bool) -> None:
        prefix = "Get" if get else ""

        def search(kind: str, **own: GraphQLInputField) -> GraphQLInputObjectType:
            fields = {"certainty": GraphQLInputField(GraphQLFloat), "distance": GraphQLInputField(GraphQLFloat),
                      "targetVectors": GraphQLInputField(_Strings), **own}
            if get:
                fields["targets"] = _targets(f"{prefix}{kind}")
            return GraphQLInputObjectType(f"{prefix}{kind}InpObj", fields)

        self.near_vector = search("NearVector", vector=GraphQLInputField(VECTOR))
        self.near_object = search("NearObject", id=GraphQLInputField(GraphQLString),
                                  beacon=GraphQLInputField(GraphQLString))
        self.near_text = search("NearText", concepts=GraphQLInputField(GraphQLNonNull(_Strings)),
                                moveTo=GraphQLInputField(_MOVE), moveAwayFrom=GraphQLInputField(_MOVE))
        hybrid = {
            "query": GraphQLInputField(GraphQLString), "alpha": GraphQLInputField(GraphQLFloat),
            "vector": GraphQLInputField(VECTOR), "properties": GraphQLInputField(_Strings),
            "fusionType": GraphQLInputField(_FUSION),
            "targetVectors": GraphQLInputField(_Strings), "maxVectorDistance": GraphQLInputField(GraphQLFloat),
            "bm25SearchOperator": GraphQLInputField(_SEARCH_OPERATOR),
            "searches": GraphQLInputField(GraphQLList(GraphQLInputObjectType(f"{prefix}HybridSearchesInpObj", {
                "nearVector": GraphQLInputField(self.near_vector), "nearText": GraphQLInputField(self.near_text)})))}
        if get:
            hybrid["targets"] = _targets(f"{prefix}Hybrid")
        self.hybrid = GraphQLInputObjectType(f"{prefix}HybridInpObj", hybrid)


GET_SEARCHES = VectorSearchInputs(get=True)
SEARCHES = VectorSearchInputs(get=False)
SORT = GraphQLList(GraphQLInputObjectType("SortInpObj", {
    "path": GraphQLInputField(_Strings),
    "order": GraphQLInputField(_enum("SortOrderEnum", "asc", "desc"))}))
GROUP_BY = GraphQLInputObjectType("GroupByInpObj", {
    "path": GraphQLInputField(_Strings), "groups": GraphQLInputField(GraphQLInt),
    "objectsPerGroup": GraphQLInputField(GraphQLInt)})
CONSISTENCY_LEVEL = _enum("ConsistencyLevelEnum", "ONE", "QUORUM", "ALL")
