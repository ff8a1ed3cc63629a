"""SearchResult -> the list a `Get { <Class> }` field returns: one dict per object (its properties, references as
lists of typed dicts, `_additional`), or for groupBy one per group carrying `_additional { group { hits } }`, as
Weaviate's GraphQL renders them: creation/update times as strings of milliseconds, score as a string."""
from __future__ import annotations

from typing import Any

import numpy as np

from ...entities.objects import StoredObject
from ...entities.projection import Projection
from ...entities.references import ResolvedRef
from ...entities.search import Generation, ResultGroup, ResultObject, SearchResult, certainty_from_distance
from .get_types import TYPE_KEY

Row = dict[str, Any]


def go_float32(value: float) -> str:
    """A float32 as Go's %v prints it (shortest digits, no trailing .0): Weaviate's GraphQL score strings."""
    return np.format_float_positional(np.float32(value), unique=True, trim="-")


def get_rows(result: SearchResult, group_path: str | None = None) -> list[Row]:
    """`group_path`: the groupBy property of a grouped search."""
    if result.groups is None:
        rows = [_row(item, result) for item in result.objects]
    else:
        rows = [_group_row(i, group, result, group_path or "") for i, group in enumerate(result.groups)
                if group.objects]
    grouped = result.grouped_generation
    if grouped is not None and rows:
        first = rows[0]["_additional"]
        generate = first["generate"] = {**(first.get("generate") or {"error": None}),
                                        "groupedResult": None if grouped.error else grouped.text}
        if grouped.error:             # Weaviate keeps the task's error over the first result's own
            generate["error"] = grouped.error
    return rows


def _row(item: ResultObject, result: SearchResult) -> Row:
    projection = result.projection
    row = projection.select(item.obj.properties)
    row.update(_references(item.references))
    row["_additional"] = _additional(item, projection, result.metric)
    return row


def _group_row(index: int, group: ResultGroup, result: SearchResult, path: str) -> Row:
    """Weaviate answers a group as its first object carrying the group (with every hit) in `_additional`."""
    row = _row(group.objects[0], result)
    row["_additional"].update(_module_fields(group.rerank_score, group.generation))
    hits = []
    for item in group.objects:
        hit = result.projection.select(item.obj.properties)
        hit["_additional"] = {"id": item.obj.uuid, "distance": item.hit.distance, **_vectors(item.obj)}
        hits.append(hit)
    row["_additional"]["group"] = {
        "id": index, "count": len(group.objects), "maxDistance": group.max_distance,
        "minDistance": group.min_distance, "groupedBy": {"value": group.name, "path": [path]}, "hits": hits}
    return row


def _vectors(obj: StoredObject) -> Row:
    """`vector` (the legacy vector, else the first named one) and `vectors { name }` of an object read with its
    vectors (none read: neither is returned)."""
    if not obj.vectors:
        return {}
    named = {name: v.tolist() for name, v in obj.vectors.items()}
    return {"vector": next(iter(named.values())), "vectors": named}


def _additional(item: ResultObject, projection: Projection, metric: str | None) -> Row:
    obj, hit = item.obj, item.hit
    out: Row = {"id": obj.uuid, "creationTimeUnix": str(obj.created_ms), "lastUpdateTimeUnix": str(obj.updated_ms),
                "isConsistent": True, **_vectors(obj)}
    if hit.distance is not None:
        out["distance"] = float(hit.distance)
        if metric == "cosine":
            out["certainty"] = certainty_from_distance(float(hit.distance))
    if projection.score:
        out["score"] = go_float32(hit.score or 0.0)
    if projection.explain_score:
        out["explainScore"] = hit.explain_score
    out.update(_module_fields(item.rerank_score, item.generation))
    if item.feature_projection is not None:
        out["featureProjection"] = {"vector": item.feature_projection}
    return out


def _module_fields(rerank_score: float | None, generation: Generation | None) -> Row:
    """`rerank { score }` (a list, as Weaviate's) and `generate { singleResult error }` of one result; the
    grouped task's text goes on the first result only (get_rows)."""
    out: Row = {}
    if rerank_score is not None:
        out["rerank"] = [{"score": rerank_score}]
    if generation is not None:
        out["generate"] = {"singleResult": None if generation.error else generation.text,
                           "error": generation.error}
    return out


def _references(resolved: dict[str, list[ResolvedRef]]) -> Row:
    return {prop: [_ref_row(ref) for ref in refs] for prop, refs in resolved.items()}


def _ref_row(ref: ResolvedRef) -> Row:
    row = ref.query.projection.select(ref.obj.properties)
    row.update(_references(ref.refs))
    row[TYPE_KEY] = ref.collection
    row["_additional"] = {"id": ref.obj.uuid, "creationTimeUnix": str(ref.obj.created_ms),
                          "lastUpdateTimeUnix": str(ref.obj.updated_ms), **_vectors(ref.obj)}
    return row
