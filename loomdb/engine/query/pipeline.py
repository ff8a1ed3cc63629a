"""One query pipeline: allow-list first, then vector candidates or a listing order, then the page.

Objects are materialised by the caller only for the returned page.
"""
from __future__ import annotations

import uuid as uuid_mod
from typing import TYPE_CHECKING

import numpy as np

from ...entities.errors import InvalidInput
from ...entities.search import Hit, SearchParams, certainty_unsupported
from .allowlist import FilterContext, allow_list

if TYPE_CHECKING:
    from ..shard import Shard


def select(shard: "Shard", params: SearchParams, ctx: FilterContext, target: str | None) -> list[Hit]:
    """The page of hits for `params`. `target` names the vector space for near_vector (already resolved)."""
    with shard.read():
        allow = allow_list(shard, params.filters, ctx) if params.filters is not None else None
        if params.near_vector is not None:
            return _near_vector(shard, params, allow, target)
        if params.after is not None:
            return _after_cursor(shard, params, allow)
        return _listing(shard, params, allow)


def count(shard: "Shard", params: SearchParams, ctx: FilterContext) -> int:
    """Number of live objects matching the filters (all when there are none)."""
    with shard.read():
        if params.filters is None:
            return shard.object_count()
        return int(allow_list(shard, params.filters, ctx).sum())


def _near_vector(shard: "Shard", params: SearchParams, allow: np.ndarray | None, target: str) -> list[Hit]:
    nv = params.near_vector
    max_distance = nv.distance
    if nv.certainty is not None:
        if shard.indexes[target].metric != "cosine":
            raise InvalidInput(certainty_unsupported(shard.indexes[target].metric))
        max_distance = 2.0 * (1.0 - nv.certainty)
    if allow is None:
        allow = shard.alive_mask()
    slots, dists = shard.indexes[target].search(nv.vector, params.offset + params.limit, allow, max_distance)
    page = range(params.offset, min(len(slots), params.offset + params.limit))
    docs = shard.docs_of(slots)
    return [Hit(int(docs[i]), float(dists[i])) for i in page]


def _listing(shard: "Shard", params: SearchParams, allow: np.ndarray | None) -> list[Hit]:
    """Unfiltered listing walks uuid order (Weaviate's object bucket order); filtered results come in
    insertion order (Weaviate's doc-id order)."""
    if allow is None:
        slots = shard.uuid_order()
    else:
        slots = np.flatnonzero(allow)
    page = slots[params.offset: params.offset + params.limit]
    return [Hit(int(d)) for d in shard.docs_of(page)]


def _after_cursor(shard: "Shard", params: SearchParams, allow: np.ndarray | None) -> list[Hit]:
    """Objects with uuid strictly greater than `after`, in uuid order: what collection.iterator() walks."""
    if allow is not None or params.offset:
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
