"""GET /v1/objects: Weaviate's REST listing rules (usecases/objects/get.go and query.go) over the one search
pipeline. With a class it is a listing query of that collection (offset/limit, `after` cursor, sort); without one
it walks every collection, as Weaviate's deprecated class-less listing does."""
from __future__ import annotations

import uuid as uuid_mod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..entities import permissions as perm
from ..entities.errors import InvalidInput, LoomError
from ..entities.principal import Principal
from ..entities.projection import Projection
from ..entities.search import SearchParams, SearchRequest, SortBy
from .authz import AllowAll, Authorizer
from .objects import ObjectView
from .search import SearchService

_CURSOR_ERROR = "msg:cursor api: invalid 'after' parameter code:400 err:"   # usecases/objects Error, printed


class ListedCollection(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def doc(self) -> dict[str, Any]: ...


class ListingDatabase(Protocol):
    def collections(self) -> Sequence[ListedCollection]: ...


@dataclass(frozen=True)
class ListQuery:
    """GET /v1/objects's query parameters as given (None = not given)."""

    collection: str | None = None
    offset: int | None = None
    limit: int | None = None
    after: str | None = None
    sort: tuple[SortBy, ...] = ()
    tenant: str = ""
    with_vector: bool = False


class ObjectListService:
    def __init__(self, db: ListingDatabase, search: SearchService, authz: Authorizer | None = None) -> None:
        self.db = db
        self._authz = authz or AllowAll()
        self.search = search

    def list_objects(self, principal: Principal | None, query: ListQuery) -> list[ObjectView]:
        """The page of objects, each with its collection's shape (each collection read is authorized again by
        the search that reads it)."""
        self._authz.authorize(principal, perm.READ, perm.objects(query.collection or perm.ANY, query.tenant))
        offset = query.offset or 0
        limit = self.search.default_limit if query.limit is None else query.limit
        over = offset + limit > self.search.maximum_results
        if query.collection:
            if over:
                raise InvalidInput("msg:offset or limit code:400 err:query maximum results exceeded")
            return self._one(principal, query, offset, limit)
        if over:
            raise LoomError("list objects: query maximum results exceeded")
        if query.after is not None:
            raise LoomError("list objects: after parameter not allowed, cursor must be specific to one class, "
                            "set class query param")
        return self._all(principal, query, offset, limit)

    def _one(self, principal: Principal | None, query: ListQuery, offset: int, limit: int) -> list[ObjectView]:
        assert query.collection is not None
        after = query.after
        if after is not None:
            _check_cursor(after, offset, query.sort, query.limit)
        if limit == 0:
            return []
        return self._page(principal, query.collection, query, offset, limit, after or None)

    def _all(self, principal: Principal | None, query: ListQuery, offset: int, limit: int) -> list[ObjectView]:
        """Every collection the tenant fits, in name order, until offset+limit objects are found."""
        found: list[ObjectView] = []
        total = offset + limit
        for collection in sorted(self.db.collections(), key=lambda c: c.name):
            if len(found) >= total:
                break
            multi_tenant = bool((collection.doc.get("multiTenancyConfig") or {}).get("enabled"))
            if multi_tenant != bool(query.tenant):
                continue        # Weaviate skips collections the tenant does not fit
            try:
                found += self._page(principal, collection.name, query, 0, total, None)
            except InvalidInput:
                if not multi_tenant:
                    raise
                # the tenant is not one of this collection's (or not active): skipped as Weaviate does
        return found[offset:total]

    def _page(self, principal: Principal | None, name: str, query: ListQuery, offset: int, limit: int,
              after: str | None) -> list[ObjectView]:
        params = SearchParams(collection=name, limit=limit, offset=offset, after=after, sort=query.sort,
                              tenant=query.tenant)
        projection = Projection(uuid=True, creation_time=True, update_time=True, vector=query.with_vector)
        result = self.search.search(principal, SearchRequest(params, projection), {})     # a listing calls no module
        return [ObjectView(result.shape, o.obj) for o in result.objects]


def _check_cursor(after: str, offset: int, sort: tuple[SortBy, ...], limit: int | None) -> None:
    """Weaviate's filters.ValidateCursor for the REST cursor: no offset or sort beside it, a uuid, a limit."""
    clashes = [name for name, present in (("offset", offset > 0), ("sort", bool(sort))) if present]
    if clashes:
        raise InvalidInput(f"{_CURSOR_ERROR}{','.join(clashes)} cannot be set with after and limit parameters")
    if after:
        try:
            uuid_mod.UUID(after)
        except ValueError:
            raise InvalidInput(f"{_CURSOR_ERROR}after parameter '{after}' is not a valid uuid: "
                               f"invalid UUID length: {len(after)}") from None
    if limit is None:
        raise InvalidInput(f"{_CURSOR_ERROR}limit parameter must be set")
