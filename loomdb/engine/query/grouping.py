"""group_by for searches: bucket ranked hits by a property value, as Weaviate's shard grouper does
(adapters/repos/db/shard_group_by.go).

The candidates are the search's own top `limit` hits, best first. Walking them in order, each value of the
property (every element for arrays; an empty array counts as the value "") puts the hit into that value's group,
unless the group already holds `objects_per_group` hits (then the next value is tried); a value that would open a
group beyond `number_of_groups` ends the walk for that hit. Hits without the property are skipped. Groups come
out in the order they were opened (so by their best hit); a group's min/max distance are its first/last hit's.
Group names are the values as Weaviate's property extractor renders them: text as is, numbers in Go's shortest
float form ("3", "2.5"), booleans "true"/"false", dates as stored.

Pure function over (hits, values): reusable for bm25 / hybrid (their hits carry a score, no distance).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import orjson

from ...entities.errors import InvalidInput
from ...entities.search import Group, GroupBy, Hit
from ..schema.model import PropertySpec


def check_group_by(properties: dict[str, PropertySpec], group_by: GroupBy, class_name: str) -> PropertySpec:
    """The grouped property, or Weaviate's errors for an unusable request."""
    spec = properties.get(group_by.property)
    if spec is None:
        raise InvalidInput(f"no such prop with name '{group_by.property}' found in class '{class_name}' in the "
                           "schema. Check your schema files for which properties in this class are available")
    if spec.is_reference:
        raise InvalidInput("grouping by cross-references is not supported by loomdb yet")
    if group_by.number_of_groups <= 0 or group_by.objects_per_group <= 0:
        raise InvalidInput("group_by: number_of_groups and objects_per_group must be positive")
    return spec


def group_name(value: Any) -> str:
    """One property value as Weaviate names its group."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    if isinstance(value, (dict, list)):
        return orjson.dumps(value).decode()
    return str(value)


def group_hits(hits: Sequence[Hit], values: Sequence[Any], number_of_groups: int,
               objects_per_group: int) -> list[Group]:
    """Groups of `hits` (best first) by `values[i]` (the property value of hit i; None = not set)."""
    groups: dict[str, Group] = {}
    for hit, value in zip(hits, values):
        if value is None:
            continue
        names = [group_name(v) for v in value] if isinstance(value, list) else [group_name(value)]
        for name in names or [""]:
            group = groups.get(name)
            if group is not None and len(group.hits) >= objects_per_group:
                continue
            if group is None:
                if len(groups) >= number_of_groups:
                    break
                group = groups[name] = Group(name=name, value=value, hits=[])
            if hit not in group.hits:
                group.hits.append(hit)
    for group in groups.values():
        first, last = group.hits[0], group.hits[-1]
        group.min_distance = first.distance if first.distance is not None else 0.0
        group.max_distance = last.distance if last.distance is not None else 0.0
    return list(groups.values())
