"""Executes a validated operation over the rows our resolvers build. graphql-core's executor completes every
field of every row through its generic machinery (about 20 us a field: the better part of a nearVector query's
cost); our resolvers already return plain dicts shaped like the schema, so this walk only picks the selected
fields (aliases, fragments, @skip/@include, unions by the row's class, __typename), with graphql-core's own
variable and argument coercion. Introspection (`__schema`, `__type`) is left to graphql-core's executor."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    execute_sync,
    get_nullable_type,
    get_operation_ast,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
)
from graphql.execution.values import get_argument_values, get_directive_values, get_variable_values

from ...entities.errors import LoomError
from ...entities.principal import Principal
from .get_types import TYPE_KEY
from .selection import Call

log = logging.getLogger("loomdb.graphql")

# a class field's (or Explore's) resolver: (coerced arguments, its selection set, the request's Call) -> rows
Resolver = Callable[[dict[str, Any], SelectionSetNode | None, Call], Any]
# ("Get" | "Aggregate", class name) or ("Explore", "") -> its resolver
Resolvers = dict[tuple[str, str], Resolver]
_INTROSPECTION = ("__schema", "__type")
# one selected field of an object type: (response key, field name, its type, its nodes, is a leaf)
_Step = tuple[str, str, Any, list[FieldNode], bool]


def execute(schema: GraphQLSchema, resolvers: Resolvers, document: DocumentNode, variables: dict[str, Any],
            operation_name: str | None, headers: Mapping[str, str], principal: Principal | None) -> dict[str, Any]:
    """Weaviate's response body: {"data": ...} plus "errors" when any. `headers`: the request's (module keys)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        message = (f"Unknown operation named '{operation_name}'." if operation_name else
                   "Must provide operation name if query contains multiple operations.")
        return {"data": None, "errors": [GraphQLError(message).formatted]}
    if any(isinstance(s, FieldNode) and s.name.value in _INTROSPECTION for s in operation.selection_set.selections):
        result = execute_sync(schema, document, variable_values=variables, operation_name=operation_name,
                              context_value=Call({}, {}, headers, principal))
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [dict(e.formatted) for e in result.errors]
        return body
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables)
    if isinstance(coerced, list):
        return {"data": None, "errors": [dict(e.formatted) for e in coerced]}
    walk = _Walk(schema, resolvers, document, coerced, headers, principal)
    data = walk.operation(operation)
    body = {"data": data}
    if walk.errors:
        body["errors"] = walk.errors
    return body


class _Walk:
    def __init__(self, schema: GraphQLSchema, resolvers: Resolvers, document: DocumentNode, variables: Any,
                 headers: Mapping[str, str], principal: Principal | None) -> None:
        self.schema = schema
        self.resolvers = resolvers
        self.variables = variables
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.call = Call(self.fragments, variables.coerced, headers, principal)
        self.errors: list[dict[str, Any]] = []
        self._plans: dict[tuple[str, tuple[int, ...]], list[_Step]] = {}

    def operation(self, operation: OperationDefinitionNode) -> dict[str, Any]:
        root = self.schema.query_type
        assert root is not None
        data: dict[str, Any] = {}
        for key, nodes in self._collect(root, [operation.selection_set]).items():
            name = nodes[0].name.value
            if name == "__typename":
                data[key] = root.name
            elif name == "Explore":
                data[key] = self._resolve(("Explore", ""), root.fields[name], nodes, [key])
            else:
                branch = get_nullable_type(root.fields[name].type)
                assert isinstance(branch, GraphQLObjectType)
                data[key] = {}
                for sub_key, sub_nodes in self._collect(branch, [n.selection_set for n in nodes]).items():
                    sub_name = sub_nodes[0].name.value
                    data[key][sub_key] = (branch.name if sub_name == "__typename" else self._resolve(
                        (name, sub_name), branch.fields[sub_name], sub_nodes, [key, sub_key]))
        return data

    def _resolve(self, target: tuple[str, str], field: GraphQLField, nodes: list[FieldNode],
                 path: list[str | int]) -> Any:
        try:
            args = get_argument_values(field, nodes[0], self.variables)
            rows = self.resolvers[target](args, nodes[0].selection_set, self.call)
        except Exception as exc:  # noqa: BLE001  (a field's error is reported in GraphQL's shape, the rest goes on)
            if not isinstance(exc, (LoomError, GraphQLError)):
                log.exception("internal error resolving %s", ".".join(map(str, path)))
            message = exc.message if isinstance(exc, (LoomError, GraphQLError)) else str(exc)
            self.errors.append(dict(GraphQLError(message, nodes, path=path).formatted))
            return None
        return self._complete(rows, field.type, nodes)

    def _complete(self, value: Any, kind: Any, nodes: list[FieldNode]) -> Any:
        if value is None:
            return None
        kind = get_nullable_type(kind)
        if is_list_type(kind):
            item = get_nullable_type(kind.of_type)
            if is_leaf_type(item):
                return list(value)
            return [self._complete(v, item, nodes) for v in value]
        if is_leaf_type(kind):
            return value
        if is_abstract_type(kind):
            kind = self.schema.get_type(value[TYPE_KEY])
        out: dict[str, Any] = {}
        for key, name, field_type, sub_nodes, leaf in self._plan(kind, nodes):
            if name == "__typename":
                out[key] = kind.name
            elif leaf:
                out[key] = value.get(name)
            else:
                out[key] = self._complete(value.get(name), field_type, sub_nodes)
        return out

    def _plan(self, kind: GraphQLObjectType, nodes: list[FieldNode]) -> list[_Step]:
        """The selected fields of `kind` under `nodes`, worked out once per walk (every row shares them)."""
        cache_key = (kind.name, tuple(map(id, nodes)))
        plan = self._plans.get(cache_key)
        if plan is None:
            plan = []
            for key, sub_nodes in self._collect(kind, [n.selection_set for n in nodes]).items():
                name = sub_nodes[0].name.value
                field_type = kind.fields[name].type if name != "__typename" else None
                plan.append((key, name, field_type, sub_nodes,
                             field_type is not None and is_leaf_type(get_nullable_type(field_type))))
            self._plans[cache_key] = plan
        return plan

    def _collect(self, kind: GraphQLObjectType, selection_sets: Iterable[SelectionSetNode | None]
                 ) -> dict[str, list[FieldNode]]:
        """Response key -> the field nodes selecting it (merged, as GraphQL merges same-key fields)."""
        out: dict[str, list[FieldNode]] = {}
        for selection_set in selection_sets:
            if selection_set is not None:
                self._collect_into(kind, selection_set, out)
        return out

    def _collect_into(self, kind: GraphQLObjectType, selection_set: SelectionSetNode,
                      out: dict[str, list[FieldNode]]) -> None:
        for sel in selection_set.selections:
            if sel.directives and not self._included(sel):
                continue
            if isinstance(sel, FieldNode):
                out.setdefault(sel.alias.value if sel.alias else sel.name.value, []).append(sel)
            elif isinstance(sel, InlineFragmentNode):
                if sel.type_condition is None or self._applies(sel.type_condition.name.value, kind):
                    self._collect_into(kind, sel.selection_set, out)
            elif isinstance(sel, FragmentSpreadNode):
                fragment = self.fragments.get(sel.name.value)
                if fragment is not None and self._applies(fragment.type_condition.name.value, kind):
                    self._collect_into(kind, fragment.selection_set, out)

    def _applies(self, condition: str, kind: GraphQLObjectType) -> bool:
        if condition == kind.name:
            return True
        named = self.schema.get_type(condition)
        return named is not None and is_abstract_type(named) and self.schema.is_sub_type(named, kind)

    def _included(self, node: Any) -> bool:
        skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
        if skip is not None and skip.get("if") is True:
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        return not (include is not None and include.get("if") is False)
