"""Query vectors written inline (`nearVector: {vector: [0.12, -0.3, ...]}`, what GraphQL clients send) lifted
into variables before graphql-core sees the query. graphql-core parses, validates and coerces a literal list
node by node in Python (a 1536-d vector: tens of ms); as a variable the list is one token in the document, the
document of every query of the same shape is parsed and validated once (schema.py caches it by the lifted
text), and the variable's value is one numpy array. A regex pass (strings and comments skipped) finds the
`vector:` lists; the variable token is padded to the literal's length with its newlines kept, so error
locations stay those of the original text."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import orjson
from graphql import (
    DocumentNode,
    ListTypeNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    TypeNode,
    VariableDefinitionNode,
    VariableNode,
)

PREFIX = "_loomdbVector"
_NOT_LINE_BREAK = re.compile(r"[^\n\r]+")
_SCAN = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*'
                   r'|\bvector\s*:\s*(\[[-+0-9.eE,\s]*\])')


@dataclass
class LiftedQuery:
    text: str                               # the query with each lifted vector replaced by its padded variable
    key: str                                # the same without the padding: one per query shape
    variables: dict[str, np.ndarray]        # variable name -> the vector


def _numbers(literal: str) -> np.ndarray | None:
    """A `[...]` literal's numbers: orjson for the usual comma-separated list (7x faster than splitting a
    1536-d vector by hand), else GraphQL's own separators (commas are optional); None if not all numbers."""
    try:
        values = orjson.loads(literal)
    except orjson.JSONDecodeError:
        try:
            values = list(map(float, literal[1:-1].replace(",", " ").split()))
        except ValueError:
            return None
    return np.asarray(values, dtype=np.float32)


def lift_vectors(query: str) -> LiftedQuery:
    parts: list[str] = []
    keys: list[str] = []
    variables: dict[str, np.ndarray] = {}
    last = 0
    for match in _SCAN.finditer(query):
        literal = match.group(1)
        if literal is None:
            continue
        values = _numbers(literal)
        if values is None:
            continue                        # not a plain list of numbers: graphql-core reports it
        if not len(values):
            continue
        name = f"{PREFIX}{len(variables)}"
        token = f"${name}"
        if len(token) > len(literal):
            continue                        # too short to hold the variable (and cheap for graphql-core anyway)
        variables[name] = values
        start, end = match.span(1)
        padding = _NOT_LINE_BREAK.sub(lambda run: " " * len(run.group()), literal[len(token):])
        parts += [query[last:start], token, padding]
        keys += [query[last:start], token]
        last = end
    if not variables:
        return LiftedQuery(query, query, {})
    parts.append(query[last:])
    keys.append(query[last:])
    return LiftedQuery("".join(parts), "".join(keys), variables)


def _float_list_as_vector(node: TypeNode) -> TypeNode:
    """`[Float]`, `[Float!]!`, `[[Float]]` (a multi-vector) ... -> `Vector` (`Vector!` when the list was
    non-null); any other type unchanged. Every list-of-floats position in Weaviate's schema is a query vector."""
    inner = node.type if isinstance(node, NonNullTypeNode) else node
    item: TypeNode = inner
    while isinstance(item, (ListTypeNode, NonNullTypeNode)):
        item = item.type
    if not isinstance(inner, ListTypeNode) or not isinstance(item, NamedTypeNode) or item.name.value != "Float":
        return node
    vector = NamedTypeNode(name=NameNode(value="Vector"))
    return NonNullTypeNode(type=vector) if isinstance(node, NonNullTypeNode) else vector


def float_lists_as_vectors(document: DocumentNode) -> DocumentNode:
    """Variables a client declares as Weaviate's GraphQL types them (`$v: [Float]!`) re-declared `Vector`, the
    scalar loomdb's schema reads query vectors with (one numpy call instead of per-element coercion)."""
    definitions = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.variable_definitions:
            variables = tuple(VariableDefinitionNode(
                variable=v.variable, type=_float_list_as_vector(v.type), default_value=v.default_value,
                directives=v.directives, loc=v.loc) for v in definition.variable_definitions)
            definition = OperationDefinitionNode(
                operation=definition.operation, name=definition.name, directives=definition.directives,
                selection_set=definition.selection_set, variable_definitions=variables, loc=definition.loc)
        definitions.append(definition)
    return DocumentNode(definitions=tuple(definitions), loc=document.loc)


def declare(document: DocumentNode, names: list[str]) -> DocumentNode | None:
    """The document with each lifted variable declared `Vector` (inputs.VECTOR) on the operation that uses it;
    None when one sits outside every operation (in a fragment): the caller then parses the original text."""
    if not names:
        return document
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    body = document.loc.source.body if document.loc is not None else ""
    wanted: dict[int, list[str]] = {}
    for name in names:
        at = body.find(f"${name}")
        owner = next((i for i, op in enumerate(operations)
                      if op.loc is not None and op.loc.start <= at < op.loc.end), None)
        if owner is None:
            return None
        wanted.setdefault(owner, []).append(name)
    definitions = list(document.definitions)
    for i, op in enumerate(operations):
        if i not in wanted:
            continue
        extra = tuple(VariableDefinitionNode(
            variable=VariableNode(name=NameNode(value=name)),
            type=NamedTypeNode(name=NameNode(value="Vector")), directives=())
            for name in wanted[i])
        new_op = OperationDefinitionNode(
            operation=op.operation, name=op.name, directives=op.directives, selection_set=op.selection_set,
            variable_definitions=tuple(op.variable_definitions or ()) + extra, loc=op.loc)
        definitions[definitions.index(op)] = new_op
    return DocumentNode(definitions=tuple(definitions), loc=document.loc)
