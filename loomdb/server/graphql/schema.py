"""The GraphQL schema of the live collections (root `WeaviateObj` { Get, Aggregate, Explore }, Weaviate's names)
and the executor that serves queries with it. The schema is rebuilt only when a class document changes: the
engine replaces a class document on every change, never mutates it, so the identities of the current documents
(held by the cache, so none can be reused) are the schema's version. Parsed and validated query documents are
cached per schema version as well, by their text with inline query vectors lifted into variables
(vector_literals.py)."""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Protocol

from graphql import (
    DocumentNode,
    GraphQLArgument,
    GraphQLError,
    GraphQLField,
    GraphQLInt,
    GraphQLList,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLString,
    SelectionSetNode,
    parse,
    validate,
)

from ...entities.aggregate import AggregateParams, AggregateResult
from ...entities.search import SearchRequest, SearchResult
from . import inputs
from .aggregate import aggregate_args, aggregate_rows, aggregate_type, parse_aggregate
from .executor import Resolver, Resolvers, execute
from .explore import EXPLORE, explore_requests, explore_rows
from .get_parse import parse_get
from .get_reply import get_rows
from .get_types import ClassDoc, GetTypes, module_additional_fields
from .selection import Fragments
from .vector_literals import declare, lift_vectors

_DOCUMENT_CACHE_SIZE = 256


class SchemaSource(Protocol):
    def list(self) -> list[dict[str, Any]]: ...


class SearchUseCase(Protocol):
    default_limit: int

    def search(self, request: SearchRequest) -> SearchResult: ...
    def aggregate(self, params: AggregateParams) -> AggregateResult: ...


def _get_args(name: str) -> dict[str, GraphQLArgument]:
    return {
        "limit": GraphQLArgument(GraphQLInt), "offset": GraphQLArgument(GraphQLInt),
        "after": GraphQLArgument(GraphQLString), "autocut": GraphQLArgument(GraphQLInt),
        "where": GraphQLArgument(inputs.where_input(f"GetObjects{name}WhereInpObj")),
        "nearVector": GraphQLArgument(inputs.NEAR_VECTOR), "nearObject": GraphQLArgument(inputs.NEAR_OBJECT),
        "nearText": GraphQLArgument(inputs.NEAR_TEXT), "bm25": GraphQLArgument(inputs.BM25),
        "hybrid": GraphQLArgument(inputs.HYBRID), "sort": GraphQLArgument(inputs.SORT),
        "groupBy": GraphQLArgument(inputs.GROUP_BY), "tenant": GraphQLArgument(GraphQLString),
        "consistencyLevel": GraphQLArgument(inputs.CONSISTENCY_LEVEL)}


def build_schema(docs: list[ClassDoc], search: SearchUseCase) -> tuple[GraphQLSchema, Resolvers]:
    """Get / Aggregate with one field per class and Explore, each resolved by ONE use-case call (a resolver
    the executor calls; graphql-core's executor, serving introspection, calls the same through `resolve`)."""
    by_name = {d["class"]: d for d in docs}
    get_types = GetTypes(docs, module_additional_fields())

    def get_resolver(name: str) -> Resolver:
        def resolve(args: dict[str, Any], selection: SelectionSetNode | None, fragments: Fragments) -> Any:
            request = parse_get(name, by_name, args, selection, fragments)
            group = request.params.group_by
            return get_rows(search.search(request), group.property if group is not None else None)
        return resolve

    def aggregate_resolver(name: str) -> Resolver:
        def resolve(args: dict[str, Any], selection: SelectionSetNode | None, fragments: Fragments) -> Any:
            return aggregate_rows(search.aggregate(parse_aggregate(by_name[name], args, selection, fragments)))
        return resolve

    def explore(args: dict[str, Any], _selection: SelectionSetNode | None, _fragments: Fragments) -> Any:
        names = [d["class"] for d in docs if len(d.get("vectorConfig") or {}) <= 1]     # one vector space
        requests = explore_requests(names, args, search.default_limit)
        return explore_rows([search.search(r) for r in requests], args, search.default_limit)

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
        return resolver(args, info.field_nodes[0].selection_set, info.fragments)
    return resolve


def _branch(*_: Any) -> dict[str, Any]:
    return {}


_QUOTED = re.compile(r"'([^']*)'")


def _weaviate_wording(error: GraphQLError) -> dict[str, Any]:
    """graphql-core quotes names as 'x'; Weaviate's graphql-go as "x" (validation messages only)."""
    formatted = dict(error.formatted)
    formatted["message"] = _QUOTED.sub(r'"\1"', error.message)
    return formatted


# a parsed and validated document, its validation errors, or None: its lifted vectors could not be declared
Prepared = DocumentNode | list[GraphQLError] | None


def _prepare(schema: GraphQLSchema, text: str, lifted: list[str]) -> Prepared:
    try:
        parsed = parse(text)
    except GraphQLError as exc:
        return [exc]
    document = declare(parsed, lifted)
    if document is None:
        return None
    return validate(schema, document) or document


@dataclass
class _Version:
    docs: list[ClassDoc]
    schema: GraphQLSchema
    resolvers: Resolvers
    documents: OrderedDict[str, Prepared] = field(default_factory=OrderedDict)


class GraphQLExecutor:
    """Serves GraphQL requests against the schema of the current collections."""

    def __init__(self, schema: SchemaSource, search: SearchUseCase) -> None:
        self._schema_source = schema
        self._search = search
        self._version: _Version | None = None
        self._lock = threading.Lock()

    def _current(self) -> _Version:
        docs = self._schema_source.list()
        version = self._version
        if version is None or len(version.docs) != len(docs) or any(a is not b for a, b in zip(version.docs, docs)):
            version = _Version(docs, *build_schema(docs, self._search))
            self._version = version
        return version

    def _cached(self, version: _Version, key: str, text: str, lifted: list[str]) -> Prepared:
        """The prepared `text`, cached under `key` (its shape). A valid document is shared by the queries of its
        shape: only a field after an inline vector would see another query's column in an error location."""
        with self._lock:
            if key in version.documents:
                version.documents.move_to_end(key)
                return version.documents[key]
        prepared = _prepare(version.schema, text, lifted)
        if isinstance(prepared, list) and key != text:
            return prepared        # validation errors locate into this text: not shared with other vector lengths
        with self._lock:
            version.documents[key] = prepared
            if len(version.documents) > _DOCUMENT_CACHE_SIZE:
                version.documents.popitem(last=False)
        return prepared

    def _document(self, version: _Version, query: str) -> tuple[DocumentNode | list[GraphQLError], dict[str, Any]]:
        """The validated document (or the errors) of a query, with the values of its lifted vectors."""
        lifted = lift_vectors(query)
        if lifted.variables:
            prepared = self._cached(version, lifted.key, lifted.text, list(lifted.variables))
            if prepared is not None:
                return prepared, dict(lifted.variables)
        prepared = self._cached(version, query, query, [])
        assert prepared is not None
        return prepared, {}

    def run(self, query: str, variables: dict[str, Any] | None = None,
            operation_name: str | None = None) -> dict[str, Any]:
        """One GraphQL request -> Weaviate's response body {"data": ..., "errors": [...]} (errors only if any)."""
        version = self._current()
        document, vectors = self._document(version, query)
        if isinstance(document, list):
            return {"data": None, "errors": [_weaviate_wording(e) for e in document]}
        return execute(version.schema, version.resolvers, document, {**(variables or {}), **vectors}, operation_name)
