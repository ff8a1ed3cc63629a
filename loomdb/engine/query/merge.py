"""Searches over several shards of one collection, run side by side and merged as Weaviate's index merges them
(adapters/repos/db/index.go objectSearch / objectVectorSearch, usecases/traverser/hybrid):

- near_vector: each shard's top offset+limit, merged by distance;
- bm25: each shard scores with its own statistics (document count, average property length: BM25 is computed
  per shard in Weaviate too), merged by score;
- hybrid: the keyword and the vector candidate pools are each merged over the shards first and fused once (the
  fusion runs above the shards);
- sort: each shard's sorted top offset+limit, merged by the same comparators (query/sort.py);
- listing, filtered or not, and the `after` cursor: each shard's first offset+limit, merged in uuid order
  (Weaviate sorts multi-shard listings by id);
- group_by: the merged ranked hits, grouped.

One shard is simply `pipeline.select`. Every per-shard search is `pipeline.select` (or `hybrid_sets`) on that
shard, with filters through references resolved once before.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ...entities.errors import InvalidInput
from ...entities.filters import CREATION_TIME_PROPERTY, ID_PROPERTY, UPDATE_TIME_PROPERTY
from ...entities.search import Group, Hit, SearchParams, SortBy
from ..sharding import fan_out
from .allowlist import allow_list
from .filter_context import FilterContext
from .grouping import check_group_by, group_hits
from .hybrid import ResultSet, fuse
from .keyword import KeywordConfig
from .pipeline import HYBRID_POOL, autocut_hits, hybrid_sets, select, select_groups
from .pipeline import count as count_one
from .references import prepare_filters
from .sort import comparable, validate_sort

if TYPE_CHECKING:
    from ..shard import Shard

_DOC_BITS = 48      # a hybrid candidate across shards is keyed shard << 48 | doc while the pools are fused


def search(shards: list[Shard], params: SearchParams, ctx: FilterContext, target: str | None,
           keyword: KeywordConfig | None = None) -> list[Hit]:
    """The page of hits over `shards` (each hit's `shard` = its index in `shards`), autocut applied."""
    if len(shards) == 1:
        return select(shards[0], params, ctx, target, keyword)
    if params.sort:
        validate_sort(shards[0].properties, params.sort, ctx.class_name)
    params = replace(params, filters=prepare_filters(params.filters, ctx, params.tenant))
    return autocut_hits(_page(shards, params, ctx, target, keyword), params.autocut)


def search_groups(shards: list[Shard], params: SearchParams, ctx: FilterContext, target: str | None,
                  keyword: KeywordConfig | None = None) -> list[Group]:
    """group_by over several shards: the merged top `limit` hits, grouped (query/grouping.py)."""
    if len(shards) == 1:
        return select_groups(shards[0], params, ctx, target, keyword)
    gb = params.group_by
    assert gb is not None
    spec = check_group_by(shards[0].properties, gb, ctx.class_name)
    if params.near_vector is None and params.bm25 is None and params.hybrid is None:
        raise InvalidInput("groupBy needs a search (near_vector, near_object, bm25 or hybrid)")
    params = replace(params, filters=prepare_filters(params.filters, ctx, params.tenant), group_by=None, autocut=0,
                     offset=0)
    hits = _page(shards, params, ctx, target, keyword)
    values: list[Any] = [None] * len(hits)
    for index, shard in enumerate(shards):
        mine = [i for i, h in enumerate(hits) if h.shard == index]
        for i, value in zip(mine, shard.property_values([hits[i].doc for i in mine], spec.name)):
            values[i] = value
    groups = group_hits(hits, values, gb.number_of_groups, gb.objects_per_group)
    if params.autocut > 0 and groups:
        groups = groups[: len(autocut_hits([g.hits[0] for g in groups], params.autocut))]
    return groups


def _page(shards: list[Shard], params: SearchParams, ctx: FilterContext, target: str | None,
          keyword: KeywordConfig | None) -> list[Hit]:
    if params.hybrid is not None:
        return _hybrid(shards, params, ctx, target, keyword)[params.offset: params.offset + params.limit]
    # the cursor refuses an offset itself (pipeline._after_cursor); every other search asks each shard for the
    # whole window up to offset+limit
    per_shard = replace(params, autocut=0) if params.after is not None else \
        replace(params, offset=0, limit=params.offset + params.limit, autocut=0)
    pages = fan_out(lambda shard: select(shard, per_shard, ctx, target, keyword), shards)
    hits = [_tagged(hit, index) for index, page in enumerate(pages) for hit in page]
    if params.near_vector is not None:
        hits.sort(key=lambda h: h.distance or 0.0)
    elif params.bm25 is not None:
        hits = _by_score(shards, hits)
    elif params.sort:
        hits = _sorted(shards, hits, params.sort)
    else:
        hits = _by_uuid(shards, hits)
    return hits[params.offset: params.offset + params.limit]


def _tagged(hit: Hit, shard: int) -> Hit:
    hit.shard = shard
    return hit


def _by_score(shards: list[Shard], hits: list[Hit]) -> list[Hit]:
    """Hits by score, best first; equal scores in uuid order (Weaviate's objectSearchByShard). Only tied hits'
    uuids are read."""
    hits.sort(key=lambda h: -(h.score or 0.0))
    scores = [h.score for h in hits]
    tied = [i for i in range(len(hits)) if (i and scores[i] == scores[i - 1]) or
            (i + 1 < len(hits) and scores[i] == scores[i + 1])]
    if not tied:
        return hits
    keys = dict(zip(tied, _uuid_keys(shards, [hits[i] for i in tied])))
    order = sorted(range(len(hits)), key=lambda i: (-(scores[i] or 0.0), keys.get(i, b"")))
    return [hits[i] for i in order]


def _by_uuid(shards: list[Shard], hits: list[Hit]) -> list[Hit]:
    """Hits in uuid order (Weaviate's sortByID over the shards' results)."""
    keys = _uuid_keys(shards, hits)
    return [hits[i] for i in sorted(range(len(hits)), key=keys.__getitem__)]


def _uuid_keys(shards: list[Shard], hits: list[Hit]) -> list[bytes]:
    """Each hit's uuid bytes (b"" for one deleted meanwhile: it is dropped when the page is fetched)."""
    return [row[0] if row else b"" for row in _stored_rows(shards, hits)]


def _sorted(shards: list[Shard], hits: list[Hit], sort: tuple[SortBy, ...]) -> list[Hit]:
    """Hits ordered by the sort clauses with Weaviate's comparators (query/sort.py): one stable pass per clause,
    last clause first; a null is below every value (first ascending, last descending)."""
    rows = _stored_rows(shards, hits)
    order = list(range(len(hits)))
    properties = shards[0].properties
    for clause in reversed(sort):
        keys = [_sort_key(properties, clause.path, row) for row in rows]
        order.sort(key=keys.__getitem__, reverse=not clause.ascending)
    return [hits[i] for i in order]


def _sort_key(properties: dict, path: str, row: tuple | None) -> tuple:
    if row is None:
        return (0,)
    uid, created, updated, props = row
    if path in (ID_PROPERTY, "id"):
        return (1, uid)
    if path in (CREATION_TIME_PROPERTY, UPDATE_TIME_PROPERTY):
        return (1, created if path == CREATION_TIME_PROPERTY else updated)
    value = props.get(path)
    if value is None:
        return (0,)
    spec = properties[path]
    return (1, 0) if spec.base_type == "object" else (1, comparable(spec, value))


def _stored_rows(shards: list[Shard], hits: list[Hit]) -> list[tuple | None]:
    """(uuid bytes, created, updated, properties) of each hit from its shard's store; None when it vanished."""
    rows: list[tuple | None] = [None] * len(hits)
    for index, shard in enumerate(shards):
        mine = [i for i, h in enumerate(hits) if h.shard == index]
        for i, row in zip(mine, shard.stored_rows([hits[i].doc for i in mine])):
            rows[i] = row
    return rows


def _hybrid(shards: list[Shard], params: SearchParams, ctx: FilterContext, target: str | None,
            keyword: KeywordConfig | None) -> list[Hit]:
    """Every fused hybrid candidate over the shards, best first: each shard's keyword and vector pools (up to
    max(100, offset+limit) each), merged per pool over the shards, then fused once."""
    h = params.hybrid
    assert h is not None and keyword is not None
    pool = max(HYBRID_POOL, params.offset + params.limit)
    uuids: dict[int, str] = {}

    def pools(index_shard: tuple[int, Shard]) -> list[ResultSet]:
        index, shard = index_shard
        with shard.read():
            allow = allow_list(shard, params.filters, ctx) if params.filters is not None else None
            sets = hybrid_sets(shard, h, allow, keyword, target, pool)
            keyed = [ResultSet(rs.name, rs.weight, (index << _DOC_BITS) | shard.docs_of(rs.slots), rs.raw)
                     for rs in sets]
            if params.explain_score:
                for rs, mine in zip(sets, keyed):
                    uuids.update(zip(mine.slots.tolist(), shard.uuids_of(rs.slots)))
            return keyed

    per_shard = fan_out(pools, list(enumerate(shards)))
    merged = []
    for position, first in enumerate(per_shard[0]):
        keys = np.concatenate([sets[position].slots for sets in per_shard])
        raw = np.concatenate([sets[position].raw for sets in per_shard])
        best = np.argsort(-raw, kind="stable")[:pool]
        merged.append(ResultSet(first.name, first.weight, keys[best], raw[best]))
    fused = fuse(merged, h.fusion, uuids.__getitem__ if params.explain_score else None)
    mask = (1 << _DOC_BITS) - 1
    return [Hit(f.slot & mask, score=f.score, explain_score=f.explain, shard=f.slot >> _DOC_BITS) for f in fused]


def count(shards: list[Shard], params: SearchParams, ctx: FilterContext) -> int:
    """Live objects matching the filters over the shards."""
    params = replace(params, filters=prepare_filters(params.filters, ctx, params.tenant))
    return sum(fan_out(lambda shard: count_one(shard, params, ctx), shards))
