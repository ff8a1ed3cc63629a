"""Stage timings of one shard's search for MetadataQuery(query_profile=True), under the metric names Weaviate's
slow-query annotations use (filters_build_allow_list_took, vector_search_took, kwd_*_time, sort_took, ...).

A query that does not ask gets `OFF`: every call is a no-op method of one shared object (no clock read, no
dict), so profiling costs a few calls per query when off and a perf_counter read per stage when on."""
from __future__ import annotations

from time import perf_counter
from typing import TYPE_CHECKING

from ...entities.search import QueryProfile, ShardProfile

if TYPE_CHECKING:
    from ...entities.search import ProfileValue
    from ..vector.index import VectorIndex


class StageTimer:
    """Durations (seconds) and notes per search type of one shard's search."""

    enabled = True

    def __init__(self) -> None:
        self.searches: dict[str, dict[str, ProfileValue]] = {}

    def now(self) -> float:
        return perf_counter()

    def took(self, search: str, key: str, since: float) -> float:
        """Add the time since `since` to `key` of `search`; returns now, the next stage's start."""
        now = perf_counter()
        details = self.searches.setdefault(search, {})
        details[key] = float(details.get(key, 0.0)) + (now - since)
        return now

    def note(self, search: str, key: str, value: ProfileValue) -> None:
        self.searches.setdefault(search, {})[key] = value

    def finish(self, profile: QueryProfile | None, shard_name: str, main: str, start: float) -> None:
        """Close the shard's profile: `main` (the search type that produced the page) gets the wall time since
        `start` not spent in the other search types as its total_took; the profile joins the query's."""
        if profile is None:
            return
        elapsed = perf_counter() - start
        others = sum(float(d.get("total_took", 0.0)) for name, d in self.searches.items() if name != main)
        self.note(main, "total_took", elapsed - others)
        profile.add(ShardProfile(shard_name, main, self.searches))


class _Off(StageTimer):
    """The timer of a query that did not ask for a profile."""

    enabled = False

    def now(self) -> float:
        return 0.0

    def took(self, search: str, key: str, since: float) -> float:
        return 0.0

    def note(self, search: str, key: str, value: ProfileValue) -> None:
        return None

    def finish(self, profile: QueryProfile | None, shard_name: str, main: str, start: float) -> None:
        return None


OFF: StageTimer = _Off()


def stage_timer(profile: QueryProfile | None) -> StageTimer:
    return OFF if profile is None else StageTimer()


def note_vector_path(timer: StageTimer, search: str, index: VectorIndex, took: float) -> None:
    """Weaviate's hnsw_flat_search flag for an HNSW index (whether the search ran exactly over the allowed
    vectors instead of through the graph). faiss walks all graph layers in one call, so a graph search is
    reported as knn_search_layer_0_took, the layer that holds nearly all of its work."""
    path = getattr(index, "last_path", None)     # HnswIndex / DynamicIndex over HNSW: how its latest search ran
    if not timer.enabled or not path:
        return
    timer.note(search, "hnsw_flat_search", path != "graph")
    if path == "graph":
        timer.note(search, "knn_search_layer_0_took", took)
