"""Queries, one call per request: Weaviate's checks and the server-wide paging policy, then the engine's pipeline,
then the objects (and references) of the returned page only, with what the reply needs to encode them."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from time import perf_counter
from typing import Any

import numpy as np

from ..entities import permissions as perm
from ..entities.aggregate import AggregateParams, AggregateResult
from ..entities.errors import InvalidInput, LoomError, NotFound
from ..entities.filters import Filter
from ..entities.principal import Principal
from ..entities.projection import CollectionShape, Projection, RefQuery, collection_shape
from ..entities.references import ResolvedRef
from ..entities.search import (
    Hit,
    Hybrid,
    Move,
    NearText,
    NearVector,
    QueryProfile,
    ResultGroup,
    ResultObject,
    SearchParams,
    SearchRequest,
    SearchResult,
    certainty_unsupported,
)
from .authz import AllowAll, Authorizer
from .filter_rules import check_filters
from .module_steps import run_module_steps
from .multi_target import (
    is_multi_target,
    is_multi_target_hybrid,
    refuse_multi_target_aggregation,
    resolve_hybrid,
    resolve_near_vector,
)
from .object_ttl import unexpired
from .ports import SearchCollection, SearchDatabase
from .projection import project_features
from .query_modules import NO_MODULES, QueryModules
from .query_vectors import check_query_vectors
from .read_scope import read_resources
from .vectorize import Vectorization, no_vectorizer

SORT_WITH_SEARCH = "sorting cannot be combined with search"    # Weaviate's grpc/v1/parse_search_request.go


class SearchService:
    def __init__(self, db: SearchDatabase, query_defaults_limit: int, query_maximum_results: int,
                 vectorization: Vectorization | None = None, modules: QueryModules = NO_MODULES,
                 authz: Authorizer | None = None) -> None:
        self.db = db
        self._authz = authz or AllowAll()
        self.default_limit = query_defaults_limit
        self.maximum_results = query_maximum_results
        self.vectorization = vectorization      # near_text and text-only hybrid: the target vector's module
        self.modules = modules      # rerankers and generative modules for the steps after the search

    def search(self, principal: Principal | None, request: SearchRequest, headers: Mapping[str, str]
               ) -> SearchResult:
        """The page (or the groups) of a search with their objects, their requested references, and the shapes
        of every collection among them. Objects deleted meanwhile are dropped. `headers` carry module API keys."""
        params, projection = request.params, request.projection
        self._authz.authorize(principal, perm.READ, perm.objects(params.collection, params.tenant))
        searching = request.near_text is not None or params.near_vector is not None
        if params.sort and (searching or params.bm25 is not None or params.hybrid is not None):
            raise InvalidInput(SORT_WITH_SEARCH)
        collection = self.db.collection(params.collection)
        self._authorize_reads(principal, collection, params.tenant, projection.references, params.filters)
        check_filters(collection.doc, params.filters)
        params = replace(params, near_vector=self._near_text(collection, request.near_text, params.tenant, headers)
                         if request.near_text is not None else params.near_vector,
                         hybrid=self._embedded_hybrid(collection, params.hybrid, params.tenant, headers))
        check_query_vectors(params.near_vector, params.hybrid)
        near_vector, hybrid, metric = _vector_search(collection, params.near_vector, params.hybrid,
                                                     request.near_object, params.tenant, projection.certainty)
        profile = QueryProfile() if projection.query_profile else None
        read = replace(projection, vector=True) if request.feature_projection is not None else projection
        params = self._paged(replace(params, near_vector=near_vector, hybrid=hybrid, profile=profile))
        groups = None
        if params.group_by is None:
            objects = _objects(collection, collection.search(params), params.tenant, read, profile)
        else:
            found = collection.search_groups(params)
            unique = list({id(h): h for g in found for h in g.hits}.values())   # a hit may sit in several groups
            objects = _objects(collection, unique, params.tenant, read, profile)
            by_hit = {id(o.hit): o for o in objects}
            groups = [ResultGroup(g.name, g.min_distance, g.max_distance,
                                  [by_hit[id(h)] for h in g.hits if id(h) in by_hit]) for g in found]
        result = SearchResult(
            shape=collection_shape(collection.doc), projection=projection, objects=objects, groups=groups,
            metric=metric if projection.distance or projection.certainty else None,
            referenced=self._referenced_shapes(objects), profile=profile.shards if profile is not None else None)
        if request.feature_projection is not None:
            project_features(objects, request.feature_projection)
        return run_module_steps(result, request, collection.doc, self.modules, headers)

    def aggregate(self, principal: Principal | None, params: AggregateParams, headers: Mapping[str, str]
                  ) -> AggregateResult:
        """Aggregate metrics over all / the filtered / the nearest objects (near_object: the object's vector;
        near_text: the concepts' vector)."""
        self._authz.authorize(principal, perm.READ, perm.objects(params.collection, params.tenant))
        collection = self.db.collection(params.collection)
        self._authorize_reads(principal, collection, params.tenant, (), params.filters)
        check_filters(collection.doc, params.filters)
        if params.near_text is not None:
            params = replace(params, near_vector=self._near_text(collection, params.near_text, params.tenant,
                                                                 headers), near_text=None)
        params = replace(params, hybrid=self._embedded_hybrid(collection, params.hybrid, params.tenant, headers))
        check_query_vectors(params.near_vector, params.hybrid)
        refuse_multi_target_aggregation(params.near_vector, params.hybrid)
        near_vector, hybrid, _ = _vector_search(collection, params.near_vector, params.hybrid, params.near_object,
                                                params.tenant, certainty_returned=False)
        return collection.aggregate(replace(params, near_vector=near_vector, hybrid=hybrid, near_object=None))

    def explore_vector(self, principal: Principal | None, collections: Sequence[str], uuid: str) -> np.ndarray:
        """Explore's nearObject (Weaviate's crossClassFindVector): the vector of the object `uuid` in the one of
        `collections` (each with one vector space) that holds it, the mean when several do."""
        found = []
        for name in collections:
            self._authz.authorize(principal, perm.READ, perm.objects(name, ""))
            collection = self.db.collection(name)
            try:
                obj = collection.get(uuid, with_vectors=True)
            except LoomError:               # a multi-tenant class: no object without a tenant
                continue
            if obj is not None and obj.vectors:
                found.append(next(iter(obj.vectors.values())))
        if not found:
            raise NotFound("nearObject params: vector not found")
        if len({v.shape for v in found}) > 1:
            raise InvalidInput("nearObject params: vectors with incompatible dimensions found")
        mean: np.ndarray = np.stack(found).mean(axis=0, dtype=np.float32)
        return mean

    def _authorize_reads(self, principal: Principal | None, collection: SearchCollection, tenant: str,
                         refs: tuple[RefQuery, ...], flt: Filter | None) -> None:
        """READ on every collection the query reaches through references (returned or filtered through)."""
        resources = read_resources(collection.doc, tenant, refs, flt, self._doc_of)
        if len(resources) > 1:
            self._authz.authorize(principal, perm.READ, *resources)

    def _doc_of(self, name: str) -> dict[str, Any] | None:
        try:
            return self.db.collection(name).doc
        except NotFound:
            return None

    # ---- module-embedded queries (usecases/modulecomponents/arguments/nearText in Weaviate) --------------------
    def _embed(self, collection: SearchCollection, target: str, texts: tuple[str, ...],
               headers: Mapping[str, str], search_type: str) -> np.ndarray:
        if self.vectorization is None or not self.vectorization.has_module(collection.doc, target):
            raise InvalidInput(no_vectorizer(collection.doc["class"], search_type))
        return self.vectorization.query_vector(collection.doc, target, texts, headers, search_type)

    def _near_text(self, collection: SearchCollection, near_text: NearText, tenant: str,
                   headers: Mapping[str, str], search_type: str = "nearText") -> NearVector:
        """The NearVector a near_text means: its concepts' vector in the target space, or with several targets
        one such vector per target (each space's own module), joined like near_vector's vectors per target."""
        if near_text.targets is not None:
            per_target = tuple((name, (self._concepts_vector(collection, name, near_text, tenant, headers,
                                                             search_type),)) for name in near_text.targets.names)
            return NearVector(np.empty(0, np.float32), None, near_text.distance, near_text.certainty,
                              near_text.targets, per_target)
        target = collection.resolve_target(near_text.target)
        vector = self._concepts_vector(collection, target, near_text, tenant, headers, search_type)
        return NearVector(vector, target, near_text.distance, near_text.certainty)

    def _concepts_vector(self, collection: SearchCollection, target: str, near_text: NearText, tenant: str,
                         headers: Mapping[str, str], search_type: str) -> np.ndarray:
        """The mean of the concepts' vectors (one module call), moved towards moveTo (v(1 - f/2) + t f/2) and
        then away from moveAwayFrom (v + (v - t) f/2), where t is the mean of the move's concepts vector and its
        objects' stored vectors."""
        vector = self._embed(collection, target, near_text.concepts, headers, search_type)
        if near_text.move_to is not None and (towards := self._move_target(
                collection, target, near_text.move_to, tenant, headers, search_type)) is not None:
            half = near_text.move_to.force / 2
            vector = vector * (1 - half) + towards * half
        if near_text.move_away is not None and (away := self._move_target(
                collection, target, near_text.move_away, tenant, headers, search_type)) is not None:
            vector = vector + (vector - away) * (near_text.move_away.force / 2)
        return vector.astype(np.float32)

    def _move_target(self, collection: SearchCollection, target: str, move: Move, tenant: str,
                     headers: Mapping[str, str], search_type: str) -> np.ndarray | None:
        if move.force <= 0 or not (move.concepts or move.uuids):
            return None
        parts = [self._embed(collection, target, move.concepts, headers, search_type)] if move.concepts else []
        parts += [_object_vector(collection, uuid, target, tenant) for uuid in move.uuids]
        mean: np.ndarray = np.mean(np.stack(parts), axis=0)
        return mean

    def _embedded_hybrid(self, collection: SearchCollection, hybrid: Hybrid | None, tenant: str,
                         headers: Mapping[str, str]) -> Hybrid | None:
        """A hybrid without a vector embeds its near_text, or else its query, with the target vector's module."""
        if hybrid is None or hybrid.alpha <= 0 or hybrid.vector is not None or hybrid.near_vector is not None:
            return hybrid
        if hybrid.near_text is not None:
            return replace(hybrid, near_text=None,
                           near_vector=self._near_text(collection, hybrid.near_text, tenant, headers, "hybrid"))
        if not hybrid.query:
            return hybrid
        if hybrid.targets is not None:      # several targets: the query embedded in each one's space
            per_target = tuple((name, (self._embed(collection, name, (hybrid.query,), headers, "hybrid"),))
                               for name in hybrid.targets.names)
            return replace(hybrid, near_vector=NearVector(np.empty(0, np.float32), None, targets=hybrid.targets,
                                                          per_target=per_target))
        target = collection.resolve_target(hybrid.target)
        return replace(hybrid, vector=self._embed(collection, target, (hybrid.query,), headers, "hybrid"))

    def _paged(self, params: SearchParams) -> SearchParams:
        limit = params.limit if params.limit > 0 else self.default_limit
        if params.after is None and params.offset + limit > self.maximum_results:
            raise InvalidInput("query maximum results exceeded")
        return replace(params, limit=limit)

    def _referenced_shapes(self, objects: list[ResultObject]) -> dict[str, CollectionShape]:
        """The shape of every collection a returned reference (at any depth) points into."""
        names: set[str] = set()
        pending = [o.references for o in objects]
        while pending:
            for refs in pending.pop().values():
                for ref in refs:
                    names.add(ref.collection)
                    pending.append(ref.refs)
        return {name: collection_shape(self.db.collection(name).doc) for name in names}


def _vector_search(collection: SearchCollection, near_vector: NearVector | None, hybrid: Hybrid | None,
                   near_object: str | None, tenant: str, certainty_returned: bool
                   ) -> tuple[NearVector | None, Hybrid | None, str | None]:
    """The vector side of a search or aggregation, resolved once: the target vector space named in the query
    (near_object: the object's own vector in it), certainty refused unless that space is cosine (as a threshold,
    or returned with near_vector results: Weaviate's message either way). Returns the query with the target
    filled in and the space's distance metric (None when no vector search runs)."""
    if is_multi_target(near_vector):
        assert near_vector is not None
        given = near_vector.vector
        near_vector, metric = resolve_near_vector(
            collection, near_vector, (lambda name: _object_vector(collection, near_object, name, tenant))
            if near_object is not None else (lambda _: given), certainty_returned)
        return near_vector, hybrid, metric
    if hybrid is not None and hybrid.alpha > 0 and is_multi_target_hybrid(hybrid):
        hybrid, metric = resolve_hybrid(collection, hybrid)
        return near_vector, hybrid, metric
    if near_vector is not None:
        target = collection.resolve_target(near_vector.target)
        vector = (_object_vector(collection, near_object, target, tenant) if near_object is not None
                  else near_vector.vector)
        near_vector = replace(near_vector, vector=vector, target=target)
        certainty = near_vector.certainty is not None or certainty_returned
    elif hybrid is not None and hybrid.alpha > 0:
        target = collection.resolve_target(hybrid.target_vector)
        sub = hybrid.near_vector
        hybrid = replace(hybrid, target=target, near_vector=replace(sub, target=target) if sub is not None else None)
        certainty = sub is not None and sub.certainty is not None
    else:
        return near_vector, hybrid, None
    metric = collection.vectors[target].distance
    if certainty and metric != "cosine":
        raise InvalidInput(certainty_unsupported(metric))
    return near_vector, hybrid, metric


def _object_vector(collection: SearchCollection, uuid: str, target: str, tenant: str) -> np.ndarray:
    """near_object: the vector of an existing object of the same collection."""
    obj = collection.get(uuid, with_vectors=[target], tenant=tenant)
    if obj is None or target not in obj.vectors:
        raise NotFound(f"near_object: object {uuid} not found or has no vector {target!r}")
    return obj.vectors[target]


def _objects(collection: SearchCollection, hits: list[Hit], tenant: str, projection: Projection,
             profile: QueryProfile | None = None) -> list[ResultObject]:
    """The hits' objects (those deleted meanwhile, and expired ones when the collection filters them, dropped),
    with their references resolved when asked for. Profiled, the object read is Weaviate's objects_took."""
    started = perf_counter()
    fetched = collection.fetch(hits, projection.with_vectors, tenant=tenant)
    if profile is not None:
        profile.add_took("objects_took", perf_counter() - started)
    objects = unexpired(collection.doc, [ResultObject(h, o) for h, o in zip(hits, fetched) if o is not None])
    if projection.references:
        resolved: list[dict[str, list[ResolvedRef]]] = collection.resolve_references(
            [o.obj for o in objects], projection.references, tenant)
        for obj, refs in zip(objects, resolved):
            obj.references = refs
    return objects
