"""The GraphQL schema of the live collections: root `WeaviateObj` { Get, Aggregate, Explore } with Weaviate's
names, and the resolver of each class field (ONE search / aggregate use-case call each)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np
from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLInt,
    GraphQLList,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLString,
    SelectionSetNode,
)

from ...entities.aggregate import AggregateParams, AggregateResult
from ...entities.principal import Principal
from ...entities.search import SearchRequest, SearchResult
from . import inputs
from .aggregate import aggregate_args, aggregate_rows, aggregate_type, parse_aggregate
from .executor import Resolver, Resolvers
from .explore import EXPLORE, explore_requests, explore_rows
from .get_parse import parse_get
from .get_reply import get_rows
from .get_types import ClassDoc, GetTypes, module_additional_fields
from .selection import Call


class SchemaSource(Protocol):
    def documents(self) -> list[dict[str, Any]]: ...


class SearchUseCase(Protocol):
    default_limit: int

    def search(self, principal: Principal | None, request: SearchRequest, headers: Mapping[str, str]
               ) -> SearchResult: ...
    def aggregate(self, principal: Principal | None, params: AggregateParams, headers: Mapping[str, str]
                  ) -> AggregateResult: ...
    def explore_vector(self, principal: Principal | None, collections: Sequence[str], uuid: str) -> np.ndarray: ...


def _get_args(name: str) -> dict[str, GraphQLArgument]:
    return {
        "limit": GraphQLArgument(GraphQLInt), "offset": GraphQLArgument(GraphQLInt),
        "after": GraphQLArgument(GraphQLString), "autocut": GraphQLArgument(GraphQLInt),
        "where": GraphQLArgument(inputs.where_input(f"GetObjects{name}WhereInpObj")),
        "nearVector": GraphQLArgument(inputs.GET_SEARCHES.near_vector),
        "nearObject": GraphQLArgument(inputs.GET_SEARCHES.near_object),
        "nearText": GraphQLArgument(inputs.GET_SEARCHES.near_text), "bm25": GraphQLArgument(inputs.BM25),
        "hybrid": GraphQLArgument(inputs.GET_SEARCHES.hybrid), "sort": GraphQLArgument(inputs.SORT),
        "groupBy": GraphQLArgument(inputs.GROUP_BY), "tenant": GraphQLArgument(GraphQLString),
        "consistencyLevel": GraphQLArgument(inputs.CONSISTENCY_LEVEL)}


def build_schema(docs: list[ClassDoc], search: SearchUseCase) -> tuple[GraphQLSchema, Resolvers]:
    """Get / Aggregate with one field per class and Explore, each resolved by ONE use-case call (a resolver
    the executor calls; graphql-core's executor, serving introspection, calls the same through `resolve`)."""
    by_name = {d["class"]: d for d in docs}
    get_types = GetTypes(docs, module_additional_fields())

    def get_resolver(name: str) -> Resolver:
        def resolve(args: dict[str, Any], selection: SelectionSetNode | None, call: Call) -> Any:
            request = parse_get(name, by_name, args, selection, call)
            group = request.params.group_by
            found = search.search(call.principal, request, call.headers)
            return get_rows(found, group.property if group is not None else None)
        return resolve

    def aggregate_resolver(name: str) -> Resolver:
        def resolve(args: dict[str, Any], selection: SelectionSetNode | None, call: Call) -> Any:
            return aggregate_rows(search.aggregate(call.principal, parse_aggregate(by_name[name], args, selection,
                                                                                   call.fragments), call.headers))
        return resolve

    def explore(args: dict[str, Any], _selection: SelectionSetNode | None, call: Call) -> Any:
        single_space = [d for d in docs if len(d.get("vectorConfig") or {}) <= 1]     # one vector space
        requests = explore_requests(single_space, args, search.default_limit,
                                    lambda classes, uuid: search.explore_vector(call.principal, classes, uuid))
        results = [search.search(call.principal, r, call.headers) for r in requests]
        return explore_rows(results, args, search.default_limit)

    resolvers: Resolvers = {("Explore", ""): explore}
    root: dict[str, GraphQLField] = {}
    if docs:
        resolvers.update({("Get", name): get_resolver(name) for name in by_name})
        resolvers.update({("Aggregate", name): aggregate_resolver(name) for name in by_name})
        root["Get"] = GraphQLField(GraphQLObjectType("GetObjectsObj", {
            name: GraphQLField(GraphQLList(get_types.types[name]), args=_get_args(name),
                               resolve=_core_resolver(resolvers[("Get", name)])) for name in by_name}),
            resolve=_branch)
        root["Aggregate"] = GraphQLField(GraphQLObjectType("AggregateObjectsObj", {
            name: GraphQLField(GraphQLList(aggregate_type(doc)), args=aggregate_args(name),
                               resolve=_core_resolver(resolvers[("Aggregate", name)]))
            for name, doc in by_name.items()}), resolve=_branch)
    root["Explore"] = GraphQLField(EXPLORE.type, args=EXPLORE.args, resolve=_core_resolver(explore))
    return GraphQLSchema(GraphQLObjectType("WeaviateObj", root)), resolvers


def _core_resolver(resolver: Resolver):
    def resolve(_root: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        context: Call = info.context
        call = Call(info.fragments, info.variable_values.coerced, context.headers, context.principal)
        return resolver(args, info.field_nodes[0].selection_set, call)
    return resolve


def _branch(*_: Any) -> dict[str, Any]:
    return {}
