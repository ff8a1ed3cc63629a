"""One query pipeline: allow-list first, then vector candidates or a listing order, then the page.

Objects are materialised by the caller only for the returned page.
"""
from __future__ import annotations

import uuid as uuid_mod
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from ...entities.errors import InvalidInput, Unsupported
from ...entities.search import (
    HYBRID_NEEDS_VECTOR,
    KEYWORD_SEARCH,
    OBJECT_SEARCH,
    VECTOR_SEARCH,
    Bm25,
    Group,
    Hit,
    Hybrid,
    SearchParams,
    TargetJoin,
)
from .allowlist import allow_list
from .autocut import apply_autocut
from .filter_context import FilterContext
from .grouping import check_group_by, group_hits
from .hybrid import Fused, ResultSet, fuse
from .keyword import KeywordConfig, bm25
from .multi_target import join_search
from .profile import OFF, StageTimer, note_vector_path, stage_timer
from .references import prepare_filters
from .sort import sort_slots, validate_sort

HYBRID_POOL = 100    # Weaviate's QUERY_HYBRID_MAXIMUM_RESULTS: candidates per hybrid sub-search

if TYPE_CHECKING:
    from ..shard import Shard


def select(shard: Shard, params: SearchParams, ctx: FilterContext, target: str | None,
           keyword: KeywordConfig | None = None) -> list[Hit]:
    """The page of hits for `params`, autocut applied. `target` names the vector space for near_vector / hybrid
    (already resolved); `keyword` carries the collection's BM25 settings. The caller has refused what Weaviate
    refuses before searching (sort with a search, certainty on a non-cosine space)."""
    if params.sort:
        validate_sort(shard.properties, params.sort, ctx.class_name)
    timer = stage_timer(params.profile)
    start = timer.now()
    hits = autocut_hits(_select_page(shard, params, ctx, target, keyword, timer), params.autocut)
    timer.finish(params.profile, shard.name, main_search(params), start)
    return hits


def autocut_hits(hits: list[Hit], cutoff: int) -> list[Hit]:
    """Weaviate's autocut over a ranked page: on distances (vector search) or scores (bm25 / hybrid); pages
    without either (listings) are left alone."""
    if cutoff <= 0 or not hits:
        return hits
    if hits[0].distance is not None:
        return hits[: apply_autocut([h.distance for h in hits], cutoff)]
    if hits[0].score is not None:
        return hits[: apply_autocut([h.score for h in hits], cutoff, higher_is_better=True)]
    return hits


def select_groups(shard: Shard, params: SearchParams, ctx: FilterContext, target: str | None,
                  keyword: KeywordConfig | None = None) -> list[Group]:
    """group_by: the search's top `limit` hits grouped by a property (query/grouping.py); autocut then keeps
    the leading groups by their best distance/score, as Weaviate cuts the grouped result list."""
    gb = params.group_by
    spec = check_group_by(shard.properties, gb, ctx.class_name)
    if params.near_vector is None and params.bm25 is None and params.hybrid is None:
        raise InvalidInput("groupBy needs a search (near_vector, near_object, bm25 or hybrid)")
    timer = stage_timer(params.profile)
    start = timer.now()
    main = main_search(params)
    hits = _select_page(shard, replace(params, group_by=None, autocut=0, offset=0), ctx, target, keyword, timer)
    grouping = timer.now()
    values = shard.property_values([h.doc for h in hits], spec.name)
    groups = group_hits(hits, values, gb.number_of_groups, gb.objects_per_group)
    if params.autocut > 0 and groups:
        leaders = autocut_hits([g.hits[0] for g in groups], params.autocut)
        groups = groups[: len(leaders)]
    timer.took(main, "group_by_took", grouping)
    timer.finish(params.profile, shard.name, main, start)
    return groups


def main_search(params: SearchParams) -> str:
    """The search type that produces the page (Weaviate's profile section holding the shard-wide stages)."""
    if params.bm25 is not None:
        return KEYWORD_SEARCH
    if params.hybrid is not None:
        return VECTOR_SEARCH if params.hybrid.alpha > 0 else KEYWORD_SEARCH
    return VECTOR_SEARCH if params.near_vector is not None else OBJECT_SEARCH


def _select_page(shard: Shard, params: SearchParams, ctx: FilterContext, target: str | None,
                 keyword: KeywordConfig | None, timer: StageTimer) -> list[Hit]:
    start = timer.now()
    flt = prepare_filters(params.filters, ctx, params.tenant)      # through references: before our read lock
    with shard.read():
        allow = allow_list(shard, flt, ctx) if flt is not None else None
        if allow is not None and timer.enabled:
            main = main_search(params)
            timer.took(main, "filters_build_allow_list_took", start)
            timer.note(main, "filters_ids_matched", int(np.count_nonzero(allow)))
        if params.bm25 is not None:
            return _bm25(shard, params, allow, keyword, timer)
        if params.hybrid is not None:
            return _hybrid(shard, params, allow, keyword, target, timer)
        if params.near_vector is not None:
            return _near_vector(shard, params, allow, target, timer)
        if params.after is not None:
            return _after_cursor(shard, params, allow)
        return _listing(shard, params, allow, timer)


def count(shard: Shard, params: SearchParams, ctx: FilterContext) -> int:
    """Number of live objects matching the filters (all when there are none)."""
    flt = prepare_filters(params.filters, ctx, params.tenant)
    with shard.read():
        if flt is None:
            return shard.object_count()
        return int(allow_list(shard, flt, ctx).sum())


def _bm25(shard: Shard, params: SearchParams, allow: np.ndarray | None, cfg: KeywordConfig,
          timer: StageTimer) -> list[Hit]:
    res = bm25(shard, params.bm25, allow, params.offset + params.limit, cfg, explain=params.explain_score,
               timer=timer)
    page = range(params.offset, min(len(res.slots), params.offset + params.limit))
    docs = shard.docs_of(res.slots)
    return [Hit(int(docs[i]), score=float(res.scores[i]),
                explain_score=res.explain(int(res.slots[i])) if params.explain_score else "") for i in page]


def _hybrid(shard: Shard, params: SearchParams, allow: np.ndarray | None, cfg: KeywordConfig,
            target: str | None, timer: StageTimer) -> list[Hit]:
    """Weaviate's hybrid: keyword and vector candidate pools (each max(100, offset+limit)), fused."""
    fused = hybrid_fused(shard, params.hybrid, allow, cfg, target, max(HYBRID_POOL, params.offset + params.limit),
                         explain=params.explain_score, timer=timer)
    page = fused[params.offset: params.offset + params.limit]
    docs = shard.docs_of([f.slot for f in page])
    return [Hit(int(d), score=f.score, explain_score=f.explain) for d, f in zip(docs, page)]


def hybrid_fused(shard: Shard, h: Hybrid, allow: np.ndarray | None, cfg: KeywordConfig, target: str | None,
                 pool: int, explain: bool = False, timer: StageTimer = OFF) -> list[Fused]:
    """Every fused hybrid candidate, best first (each sub-search contributes up to `pool` hits). Call inside
    `shard.read()`. Profiled, each sub-search has its own section and total; the fusion goes to the main one."""
    sets = hybrid_sets(shard, h, allow, cfg, target, pool, timer)
    started = timer.now()
    fused = fuse(sets, h.fusion, shard.uuids_of_one if explain else None)
    timer.took(VECTOR_SEARCH if h.alpha > 0 else KEYWORD_SEARCH, "fusion_took", started)
    return fused


def hybrid_sets(shard: Shard, h: Hybrid, allow: np.ndarray | None, cfg: KeywordConfig, target: str | None,
                pool: int, timer: StageTimer = OFF) -> list[ResultSet]:
    """The keyword and vector result sets a hybrid search fuses (up to `pool` slots each, best first). Call
    inside `shard.read()`."""
    sets: list[ResultSet] = []
    if h.alpha < 1 and h.query:
        started = timer.now()
        kw = bm25(shard, Bm25(h.query, h.properties, h.operator, h.minimum_or_tokens_match), allow, pool, cfg,
                  timer=timer)
        if h.alpha > 0:       # otherwise keyword is the main search: its total is the shard's
            timer.took(KEYWORD_SEARCH, "total_took", started)
        sets.append(ResultSet("keyword", 1.0 - h.alpha, kw.slots, kw.scores))
    if h.alpha > 0:
        vector = h.near_vector.vector if h.near_vector is not None else h.vector
        if h.join is None and (vector is None or len(vector) == 0):
            raise Unsupported(HYBRID_NEEDS_VECTOR)
        bound = h.near_vector.max_distance if h.near_vector is not None else None
        slots, dists = _vector_candidates(shard, target, vector, h.join, pool, allow, bound, timer)
        if h.max_vector_distance is not None:
            beyond = dists > h.max_vector_distance
            if beyond.any() and sets:       # keyword hits that the vector side ranks beyond the cut go too
                sets[0] = _without(sets[0], slots[beyond])
            slots, dists = slots[~beyond], dists[~beyond]
        sets.append(ResultSet("vector", h.alpha, slots, 1.0 - dists))
    return sets


def _timed_vector_search(shard: Shard, target: str, vector: np.ndarray, k: int, allow: np.ndarray | None,
                         bound: float | None, timer: StageTimer) -> tuple[np.ndarray, np.ndarray]:
    """The vector index's search, profiled as Weaviate's vector_search_took (+ how an HNSW index ran it)."""
    index = shard.indexes[target]
    started = timer.now()
    found = index.search(vector, k, allow, bound)
    if timer.enabled:
        took = timer.took(VECTOR_SEARCH, "vector_search_took", started) - started
        note_vector_path(timer, VECTOR_SEARCH, index, took)
    return found


def _vector_candidates(shard: Shard, target: str | None, vector: np.ndarray | None, join: TargetJoin | None,
                       k: int, allow: np.ndarray | None, bound: float | None, timer: StageTimer
                       ) -> tuple[np.ndarray, np.ndarray]:
    """A vector search's candidates: one target's index, or a multi-target search's joined distances
    (query/multi_target.py), each target's search profiled as a vector search."""
    if join is None:
        assert target is not None and vector is not None
        return _timed_vector_search(shard, target, vector, k, allow, bound, timer)
    return join_search(shard.indexes, shard.slot_count, join, k, allow, bound,
                       lambda name, query, n, mask: _timed_vector_search(shard, name, query, n, mask, None, timer))


def _without(rs: ResultSet, slots: np.ndarray) -> ResultSet:
    keep = ~np.isin(rs.slots, slots)
    return ResultSet(rs.name, rs.weight, rs.slots[keep], rs.raw[keep])


def _near_vector(shard: Shard, params: SearchParams, allow: np.ndarray | None, target: str,
                 timer: StageTimer) -> list[Hit]:
    nv = params.near_vector
    slots, dists = _vector_candidates(shard, target, nv.vector, nv.join, params.offset + params.limit, allow,
                                      nv.max_distance, timer)
    page = range(params.offset, min(len(slots), params.offset + params.limit))
    docs = shard.docs_of(slots)
    return [Hit(int(docs[i]), float(dists[i])) for i in page]


def _listing(shard: Shard, params: SearchParams, allow: np.ndarray | None, timer: StageTimer) -> list[Hit]:
    """Unfiltered listing walks uuid order (Weaviate's object bucket order); filtered results come in
    insertion order (Weaviate's doc-id order)."""
    if allow is None:
        slots = shard.uuid_order()
    else:
        slots = np.flatnonzero(allow)
    if params.sort:
        started = timer.now()
        slots = sort_slots(shard, slots, params.sort)
        timer.took(OBJECT_SEARCH, "sort_took", started)
    page = slots[params.offset: params.offset + params.limit]
    return [Hit(int(d)) for d in shard.docs_of(page)]


def _after_cursor(shard: Shard, params: SearchParams, allow: np.ndarray | None) -> list[Hit]:
    """Objects with uuid strictly greater than `after`, in uuid order: what collection.iterator() walks."""
    if allow is not None or params.offset or params.sort:
        raise InvalidInput("cursor api: invalid 'after' parameter: other params cannot be set along with "
                           "after: offset, sort, where and nearVector are not supported")
    try:
        key = uuid_mod.UUID(params.after).bytes
    except ValueError:
        raise InvalidInput(f"cursor api: invalid 'after' parameter: '{params.after}' is not a valid uuid") from None
    order = shard.uuid_order()
    keys = shard.uuid_keys()[order]
    start = int(np.searchsorted(keys, np.array(key, dtype="S16"), side="right"))
    return [Hit(int(d)) for d in shard.docs_of(order[start: start + params.limit])]
