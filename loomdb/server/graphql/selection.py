"""Walking a GraphQL selection set the way resolvers need it: the fields it selects (fragments flattened), and
for reference fields the selections per `... on Target`."""
from __future__ import annotations

from collections.abc import Iterator, Mapping

from graphql import FieldNode, FragmentDefinitionNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode

Fragments = Mapping[str, FragmentDefinitionNode]


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
    for f in fields(selection_set, fragments):
        if f.name.value == name:
            return f.selection_set
    return None
