"""Deleting one inverted index of a property (collection.config.delete_property_index): Weaviate's rules for the
index name, the collection and the property, then the engine turns the flag off and frees the index. Filters and
keyword searches on that property then answer as Weaviate does for a property created without the index."""
from __future__ import annotations

from ..entities import permissions as perm
from ..entities.errors import InvalidInput, NotFound
from ..entities.principal import Principal
from .authz import AllowAll, Authorizer
from .ports import PropertyIndexDatabase

# the index names of the route, in the order Weaviate's OpenAPI enum lists them, and the flag each one clears
INDEX_FLAGS = {"filterable": "indexFilterable", "searchable": "indexSearchable", "rangeFilters": "indexRangeFilters"}


class PropertyIndexService:
    def __init__(self, db: PropertyIndexDatabase, authz: Authorizer | None = None) -> None:
        self.db = db
        self._authz = authz or AllowAll()

    def delete(self, principal: Principal | None, class_name: str, prop_name: str, index_name: str) -> None:
        """Every failure is a 422 in Weaviate (its handler maps all but Forbidden there), unknown class included.
        Deleting an index the property does not have changes nothing."""
        self._authz.authorize(principal, perm.UPDATE, perm.collection_metadata(class_name))
        flag = INDEX_FLAGS.get(index_name)
        if flag is None:
            raise InvalidInput(f"indexName in path should be one of [{' '.join(INDEX_FLAGS)}]")
        try:
            collection = self.db.collection(class_name)
        except NotFound as exc:
            raise InvalidInput(exc.message) from None
        prop = next((p for p in collection.doc.get("properties") or []
                     if p["name"].lower() == prop_name.lower()), None)
        if prop is None:
            raise InvalidInput(f"property {prop_name!r} not found in class {collection.name!r}")
        if prop.get(flag):
            collection.drop_property_index(prop["name"], flag)
