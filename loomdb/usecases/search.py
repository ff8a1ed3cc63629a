"""Queries: server-wide paging policy, then the engine's pipeline, then objects for the page only."""
from __future__ import annotations

from dataclasses import replace

from ..entities.aggregate import AggregateParams, AggregateResult
from ..entities.errors import InvalidInput, NotFound
from ..entities.objects import StoredObject
from ..entities.search import Group, Hit, SearchParams, certainty_unsupported
from .ports import DatabasePort


class SearchService:
    def __init__(self, db: DatabasePort, query_defaults_limit: int, query_maximum_results: int) -> None:
        self.db = db
        self.default_limit = query_defaults_limit
        self.maximum_results = query_maximum_results

    def _paged(self, params: SearchParams) -> SearchParams:
        limit = params.limit if params.limit > 0 else self.default_limit
        if params.after is None and params.offset + limit > self.maximum_results:
            raise InvalidInput("query maximum results exceeded")
        return replace(params, limit=limit)

    def search(self, params: SearchParams, with_vectors: bool | list[str] = False
               ) -> list[tuple[Hit, StoredObject]]:
        """Hits of the page with their objects (objects deleted meanwhile are dropped)."""
        collection = self.db.collection(params.collection)
        hits = collection.search(self._paged(params))
        objects = collection.fetch(hits, with_vectors, tenant=params.tenant)
        return [(h, o) for h, o in zip(hits, objects) if o is not None]

    def resolve_references(self, collection: str, objects: list[StoredObject], queries) -> list[dict]:
        """The referenced objects of a page (only the page), per reference property, depth as requested."""
        return self.db.collection(collection).resolve_references(objects, queries)

    def search_groups(self, params: SearchParams, with_vectors: bool | list[str] = False
                      ) -> list[tuple[Group, list[tuple[Hit, StoredObject]]]]:
        """group_by: each group with its hits' objects (objects deleted meanwhile are dropped)."""
        collection = self.db.collection(params.collection)
        groups = collection.search_groups(self._paged(params))
        hits = [h for g in groups for h in g.hits]
        objects = dict(zip((id(h) for h in hits), collection.fetch(hits, with_vectors, tenant=params.tenant)))
        return [(g, [(h, objects[id(h)]) for h in g.hits if objects[id(h)] is not None]) for g in groups]

    def count(self, params: SearchParams) -> int:
        return self.db.collection(params.collection).count(params)

    def aggregate(self, params: AggregateParams) -> AggregateResult:
        """Aggregate metrics; near_object becomes near_vector with the object's own vector first."""
        collection = self.db.collection(params.collection)
        if params.near_object is not None:
            target = collection.resolve_target(params.near_vector.target)
            obj = collection.get(params.near_object, with_vectors=[target], tenant=params.tenant)
            if obj is None or target not in obj.vectors:
                raise NotFound(f"near_object: object {params.near_object} not found or has no vector {target!r}")
            params = replace(params, near_object=None,
                             near_vector=replace(params.near_vector, vector=obj.vectors[target], target=target))
        return collection.aggregate(params)

    def near_object_params(self, params: SearchParams, uuid: str) -> SearchParams:
        """near_object is near_vector with the vector of an existing object of the same collection."""
        collection = self.db.collection(params.collection)
        target = collection.resolve_target(params.near_vector.target)
        obj = collection.get(uuid, with_vectors=[target], tenant=params.tenant)
        if obj is None or target not in obj.vectors:
            raise NotFound(f"near_object: object {uuid} not found or has no vector {target!r}")
        return replace(params, near_vector=replace(params.near_vector, vector=obj.vectors[target], target=target))

    def check_certainty(self, collection: str, target: str | None) -> None:
        """Returning certainty from a vector search needs a cosine index (Weaviate refuses it otherwise)."""
        metric = self.vector_distance_metric(collection, target)
        if metric != "cosine":
            raise InvalidInput(certainty_unsupported(metric))

    def vector_distance_metric(self, collection: str, target: str | None) -> str:
        """The distance metric a vector query runs with (needed to report certainty)."""
        c = self.db.collection(collection)
        return c.vectors[c.resolve_target(target)].distance
