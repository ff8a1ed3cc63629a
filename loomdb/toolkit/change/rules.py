"""Which differences Weaviate changes in place and which need a new collection.

Learned from Weaviate 1.36 (`usecases/schema/class.go` validateImmutableFields and `parser.go` ParseClassUpdate:
class name, multi-tenancy switch, vectorizer, vector index type, indexTimestamps/indexNullState/indexPropertyLength,
property fields other than description, sharding counts; `adapters/repos/db/vector/hnsw/config_update.go` and
`vector/flat/index.go` ValidateUserConfigUpdate: efConstruction, maxConnections, cleanupIntervalSeconds, distance,
skip/trackDefaultQuantization for hnsw, distance and quantizers for flat, RQ bits once RQ runs) and from the official
client's `_CollectionConfigUpdate` (description, property descriptions, inverted bm25/stopwords/cleanup,
replication, multi-tenancy auto-tenant flags, vector index ef/dynamicEf*/filterStrategy/flatSearchCutoff/
vectorCacheMaxObjects/quantizer, generative/reranker modules, adding named vectors). Adding properties and tenants,
tenant states and aliases are their own API calls, also in place.
"""
from __future__ import annotations

import enum
from typing import Any


class Kind(enum.IntEnum):
    """Ordered by cost: a collection's action is its worst change's."""

    IN_PLACE = 1          # one schema/tenant/alias call, no data moves
    REBUILD = 2           # new collection + copy + alias swap
    DESTRUCTIVE = 3       # data is lost (removed property/vector values, tenants, collections)


_INVERTED_IMMUTABLE = {"indexTimestamps", "indexNullState", "indexPropertyLength"}
_INDEX_IMMUTABLE = {
    "hnsw": {("efConstruction",), ("maxConnections",), ("cleanupIntervalSeconds",), ("distance",),
             ("skipDefaultQuantization",), ("trackDefaultQuantization",)},
    "flat": {("distance",), ("pq",), ("bq",), ("rq",)},
    "dynamic": {("distance",)},
}
_REPLACEABLE_MODULES = ("generative-", "reranker-")


def classify(path: tuple[str, ...], live: dict[str, Any]) -> tuple[Kind, str]:
    """(kind, why) of changing the value at `path` of the live class document `live`."""
    head = path[0]
    if head == "properties":
        if len(path) == 2:
            return Kind.IN_PLACE, "new property (POST /v1/schema/{C}/properties)"
        if path[2] == "description":
            return Kind.IN_PLACE, "property descriptions are mutable"
        return Kind.REBUILD, f"property {path[2]} is immutable in Weaviate"
    if head == "invertedIndexConfig" and len(path) > 1 and path[1] in _INVERTED_IMMUTABLE:
        return Kind.REBUILD, f"invertedIndexConfig.{path[1]} is immutable"
    if head in ("vectorizer", "vectorIndexType"):
        return Kind.REBUILD, f"{head} is immutable"
    if head == "vectorIndexConfig":
        return _index_change(path[1:], live.get("vectorIndexType") or "hnsw", live.get("vectorIndexConfig") or {})
    if head == "vectorConfig":
        if len(path) == 2:
            return Kind.IN_PLACE, "new named vector (config.add_vector)"
        space = (live.get("vectorConfig") or {}).get(path[1]) or {}
        if path[2] == "vectorIndexConfig":
            return _index_change(path[3:], space.get("vectorIndexType") or "hnsw",
                                 space.get("vectorIndexConfig") or {})
        return Kind.REBUILD, f"vectorConfig.{path[1]}.{path[2]} is immutable"
    if head == "multiTenancyConfig" and path[1:2] == ("enabled",):
        return Kind.REBUILD, "multi-tenancy cannot be switched on an existing collection"
    if head == "shardingConfig":
        return Kind.REBUILD, "shard counts are immutable (re-sharding is not supported)"
    if head == "moduleConfig" and len(path) > 1:
        if path[1].startswith(_REPLACEABLE_MODULES) or path[1] not in (live.get("moduleConfig") or {}):
            return Kind.IN_PLACE, f"module {path[1]} may be added or replaced"
        return Kind.REBUILD, f"moduleConfig.{path[1]} is immutable (only generative/reranker modules change)"
    return Kind.IN_PLACE, "mutable in place"


def _index_change(path: tuple[str, ...], index_type: str, before: dict[str, Any]) -> tuple[Kind, str]:
    if not path:
        return Kind.REBUILD, "vector index config replaced"
    for immutable in _INDEX_IMMUTABLE.get(index_type, set()):
        if path[:len(immutable)] == immutable:
            return Kind.REBUILD, f"{index_type} {'.'.join(immutable)} is immutable"
    if index_type == "dynamic" and path[0] in ("hnsw", "flat"):
        return _index_change(path[1:], path[0], before.get(path[0]) or {})
    if index_type == "hnsw" and path[:2] == ("rq", "bits") and (before.get("rq") or {}).get("enabled"):
        return Kind.REBUILD, "rq bits are immutable once RQ is enabled"
    return Kind.IN_PLACE, f"{index_type} {'.'.join(path)} is mutable"


def removal(path: tuple[str, ...]) -> tuple[Kind, str]:
    """A live property or named vector the desired state leaves out: Weaviate cannot delete either."""
    what = "property" if path[0] == "properties" else "named vector"
    return Kind.DESTRUCTIVE, f"{what} {path[1]} cannot be deleted in Weaviate: a new collection without it, its " \
                             "values dropped"
