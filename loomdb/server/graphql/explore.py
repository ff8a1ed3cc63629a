"""`Explore { nearVector | nearObject | nearText }` as one Weaviate node serves it: the same search run over every
class with one vector space (class-level or a single named one; for nearText: one with a vectorizer module, whose
module embeds the concepts), merged by distance, each hit as {beacon, className, distance, certainty}."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLFloat,
    GraphQLInt,
    GraphQLList,
    GraphQLObjectType,
    GraphQLString,
)

from ...entities import beacons
from ...entities.beacons import PEER
from ...entities.projection import Projection
from ...entities.search import SearchParams, SearchRequest, SearchResult, certainty_from_distance
from . import inputs
from .get_parse import near_object_arg, near_text_arg, near_vector_arg

Row = dict[str, Any]
ClassDoc = dict[str, Any]
EXPLORE = GraphQLField(
    GraphQLList(GraphQLObjectType("ExploreObj", {
        "beacon": GraphQLField(GraphQLString), "className": GraphQLField(GraphQLString),
        "certainty": GraphQLField(GraphQLFloat), "distance": GraphQLField(GraphQLFloat)})),
    args={"nearVector": GraphQLArgument(inputs.SEARCHES.near_vector),
          "nearObject": GraphQLArgument(inputs.SEARCHES.near_object),
          "nearText": GraphQLArgument(inputs.SEARCHES.near_text), "limit": GraphQLArgument(GraphQLInt),
          "offset": GraphQLArgument(GraphQLInt)})


def explore_requests(docs: list[ClassDoc], args: dict[str, Any], default_limit: int,
                     object_vector: Callable[[list[str], str], np.ndarray]) -> list[SearchRequest]:
    """One nearVector / nearObject / nearText search per class (`docs`: the classes with one vector space), each
    asked for the first offset+limit hits; nearObject searches with `object_vector(classes, id)`: the object's
    vector in the beacon's class, else in whichever class holds it (Weaviate's cross-class lookup)."""
    wanted = (args.get("offset") or 0) + (args.get("limit") or default_limit)
    projection = Projection(properties=(), uuid=True, distance=True)
    if args.get("nearText") is not None:
        near_text = near_text_arg(args["nearText"])
        return [SearchRequest(SearchParams(collection=d["class"], limit=wanted), projection, near_text=near_text)
                for d in docs if _vectorized(d)]
    if args.get("nearObject") is not None:
        spec = args["nearObject"]
        thresholds, uuid = near_object_arg(spec)
        named = beacons.parse(spec["beacon"]).collection if not spec.get("id") and spec.get("beacon") else ""
        vector = object_vector([named] if named else [d["class"] for d in docs], uuid)
        near_vector = replace(thresholds, vector=vector)
    else:
        near_vector = near_vector_arg(args.get("nearVector") or {})
    return [SearchRequest(SearchParams(collection=d["class"], limit=wanted, near_vector=replace(near_vector)),
                          projection) for d in docs]


def _vectorized(doc: ClassDoc) -> bool:
    """Whether the class's one vector space has a vectorizer module (one that can embed nearText concepts)."""
    named = list((doc.get("vectorConfig") or {}).values())
    module = next(iter(named[0].get("vectorizer") or {}), "none") if named else doc.get("vectorizer")
    return module not in (None, "", "none")


def explore_rows(results: list[SearchResult], args: dict[str, Any], default_limit: int) -> list[Row]:
    rows = []
    for result in results:
        for item in result.objects:
            distance = float(item.hit.distance or 0.0)
            row: Row = {"beacon": f"weaviate://{PEER}/{result.shape.name}/{item.obj.uuid}",
                        "className": result.shape.name, "distance": distance}
            if result.metric == "cosine":
                row["certainty"] = certainty_from_distance(distance)
            rows.append(row)
    rows.sort(key=lambda r: r["distance"])
    offset = args.get("offset") or 0
    return rows[offset:offset + (args.get("limit") or default_limit)]
