"""Serving GraphQL requests: the schema of the current collections, rebuilt only when a class document changes
(the engine replaces a class document on every change, never mutates it, so the identities of the current
documents, held here so none can be reused, are the schema's version), and the parsed and validated query
documents cached per schema version by their text with inline query vectors lifted into variables
(vector_literals.py). Execution: executor.py."""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, validate

from ...entities.principal import Principal
from .executor import Resolvers, execute
from .get_types import ClassDoc
from .schema import SchemaSource, SearchUseCase, build_schema
from .vector_literals import declare, float_lists_as_vectors, lift_vectors

_DOCUMENT_CACHE_SIZE = 256

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
    document = declare(float_lists_as_vectors(parsed), lifted)
    if document is None:
        return None
    return validate(schema, document) or document


@dataclass
class _Version:
    docs: list[ClassDoc]
    schema: GraphQLSchema
    resolvers: Resolvers
    documents: OrderedDict[str, Prepared] = field(default_factory=OrderedDict)


class GraphQLService:
    """Serves GraphQL requests against the schema of the current collections."""

    def __init__(self, schema: SchemaSource, search: SearchUseCase) -> None:
        self._schema_source = schema
        self._search = search
        self._version: _Version | None = None
        self._lock = threading.Lock()

    def _current(self) -> _Version:
        docs = self._schema_source.documents()
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

    def run(self, principal: Principal | None, query: str, variables: dict[str, Any] | None = None,
            operation_name: str | None = None, headers: Mapping[str, str] | None = None) -> dict[str, Any]:
        """One GraphQL request -> Weaviate's response body {"data": ..., "errors": [...]} (errors only if any).
        `headers`: the HTTP request's (lower-cased names), which carry the modules' API keys."""
        version = self._current()
        document, vectors = self._document(version, query)
        if isinstance(document, list):
            return {"data": None, "errors": [_weaviate_wording(e) for e in document]}
        return execute(version.schema, version.resolvers, document, {**(variables or {}), **vectors}, operation_name,
                       headers or {}, principal)
