"""The filter language as a small tree, built by wire adapters and evaluated by the engine.

Operators keep Weaviate's names so error messages read the same as Weaviate's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

COMPARISONS = ("Equal", "NotEqual", "GreaterThan", "GreaterThanEqual", "LessThan", "LessThanEqual")
LEAF_OPERATORS = COMPARISONS + ("Like", "IsNull", "ContainsAny", "ContainsAll", "ContainsNone", "WithinGeoRange")
BOOLEAN_OPERATORS = ("And", "Or", "Not")

ID_PROPERTY = "_id"
CREATION_TIME_PROPERTY = "_creationTimeUnix"
UPDATE_TIME_PROPERTY = "_lastUpdateTimeUnix"


@dataclass(frozen=True)
class FilterLeaf:
    """`property <operator> value`. `value_type` says which wire field carried the value ("text", "int",
    "number", "boolean", "text[]", "int[]", "number[]", "boolean[]", "geo")."""

    operator: str
    property: str
    value: Any
    value_type: str
    length: bool = False       # filter on len(property)
    # filters through references: hops (reference property, target collection or "") from the filtered
    # collection to the one `property` belongs to; `ref_count` = compare the number of references in `property`
    reference_path: tuple[tuple[str, str], ...] = ()
    ref_count: bool = False


@dataclass(frozen=True)
class FilterNode:
    """And / Or over operands, or Not over exactly one operand."""

    operator: str
    operands: tuple[Filter, ...]


Filter = FilterLeaf | FilterNode
