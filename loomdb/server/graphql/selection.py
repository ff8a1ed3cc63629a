"""Walking a GraphQL selection set the way resolvers need it: the fields it selects (fragments flattened), and
for reference fields the selections per `... on Target`."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
    value_from_ast_untyped,
)

from ...entities.principal import Principal

Fragments = Mapping[str, FragmentDefinitionNode]


@dataclass(frozen=True)
class Call:
    """What a resolver needs of its request besides its own arguments: the document's fragments, the coerced
    variables (arguments of `_additional` fields are read from the selection) and the HTTP headers (lower-cased
    names; the modules' API keys)."""

    fragments: Fragments
    variables: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    principal: Principal | None = None        # who asks: every use-case call of the request carries it

    def arguments(self, node: FieldNode) -> dict[str, Any]:
        """A selected field's arguments as plain values (the document is validated: their types are right)."""
        return {arg.name.value: value_from_ast_untyped(arg.value, dict(self.variables)) for arg in node.arguments or ()}


def fields(selection_set: SelectionSetNode | None, fragments: Fragments) -> Iterator[FieldNode]:
    """Every field selected, through fragment spreads and inline fragments (whatever their type condition)."""
    if selection_set is None:
        return
    for sel in selection_set.selections:
        if isinstance(sel, FieldNode):
            yield sel
        elif isinstance(sel, InlineFragmentNode):
            yield from fields(sel.selection_set, fragments)
        elif isinstance(sel, FragmentSpreadNode) and sel.name.value in fragments:
            yield from fields(fragments[sel.name.value].selection_set, fragments)


def on_types(selection_set: SelectionSetNode | None, fragments: Fragments
             ) -> Iterator[tuple[str, SelectionSetNode]]:
    """(type condition, selection set) of each typed fragment under a reference field (`... on Target {}`)."""
    if selection_set is None:
        return
    for sel in selection_set.selections:
        fragment: InlineFragmentNode | FragmentDefinitionNode | None = None
        if isinstance(sel, InlineFragmentNode):
            fragment = sel
        elif isinstance(sel, FragmentSpreadNode):
            fragment = fragments.get(sel.name.value)
        if fragment is not None and fragment.type_condition is not None:
            yield fragment.type_condition.name.value, fragment.selection_set


def names(selection_set: SelectionSetNode | None, fragments: Fragments) -> set[str]:
    return {f.name.value for f in fields(selection_set, fragments)}


def child(selection_set: SelectionSetNode | None, name: str, fragments: Fragments) -> SelectionSetNode | None:
    """The selection set under the (first) field `name`, None when it is not selected."""
    node = field_node(selection_set, name, fragments)
    return node.selection_set if node is not None else None


def field_node(selection_set: SelectionSetNode | None, name: str, fragments: Fragments) -> FieldNode | None:
    """The (first) field `name` selected, None when it is not."""
    return next((f for f in fields(selection_set, fragments) if f.name.value == name), None)
