"""The deprecated object paths without a class name (/v1/objects/{id}, /v1/objects/{id}/references/{prop}):
Weaviate finds the object's collection by looking the id up in every collection (db.ObjectByID, no tenant), then
runs the ordinary operation. Multi-tenant collections are never searched: these paths carry no tenant."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ..entities import permissions as perm
from ..entities.errors import NotFound
from ..entities.objects import IncomingObject
from ..entities.principal import Principal
from .authz import AllowAll, Authorizer
from .objects import Headers, ObjectService, ObjectView
from .references import ReferenceService


class OwnerCandidate(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def doc(self) -> dict[str, Any]: ...
    def exists(self, uuid: str, tenant: str = "") -> bool: ...


class OwnerDatabase(Protocol):
    def collections(self) -> Sequence[OwnerCandidate]: ...


class ClasslessObjects:
    def __init__(self, db: OwnerDatabase, objects: ObjectService, references: ReferenceService,
                 authz: Authorizer | None = None) -> None:
        self.db = db
        self._authz = authz or AllowAll()
        self.objects = objects
        self.references = references

    def owner(self, uuid: str) -> str | None:
        """The first collection (in name order) without multi-tenancy that holds `uuid`."""
        for collection in sorted(self.db.collections(), key=lambda c: c.name):
            if (collection.doc.get("multiTenancyConfig") or {}).get("enabled"):
                continue
            if collection.exists(uuid):
                return collection.name
        return None

    def _owner_or_404(self, uuid: str) -> str:
        name = self.owner(uuid)
        if name is None:
            raise NotFound(f"no object with id '{uuid}'")
        return name

    # Each path is authorized on the object id before its collection is looked up (Weaviate: Objects("", "", id)),
    # then again by the ordinary operation with the collection found.
    def get(self, principal: Principal | None, uuid: str, with_vector: bool) -> ObjectView:
        self._authz.authorize(principal, perm.READ, perm.objects(perm.ANY, "", uuid))
        return self.objects.get(principal, self._owner_or_404(uuid), uuid, with_vector)

    def exists(self, principal: Principal | None, uuid: str) -> bool:
        self._authz.authorize(principal, perm.READ, perm.objects(perm.ANY, "", uuid))
        name = self.owner(uuid)
        return name is not None and self.objects.exists(principal, name, uuid)

    def delete(self, principal: Principal | None, uuid: str) -> bool:
        self._authz.authorize(principal, perm.DELETE, perm.objects(perm.ANY, "", uuid))
        name = self.owner(uuid)
        return name is not None and self.objects.delete(principal, name, uuid)

    def replace(self, principal: Principal | None, collection: str | None, obj: IncomingObject, headers: Headers
                ) -> ObjectView:
        """PUT: the body's class (Weaviate takes it from there), else the collection holding the id."""
        self._authz.authorize(principal, perm.UPDATE, perm.objects(collection or perm.ANY, "", obj.uuid))
        return self.objects.replace(principal, collection or self._owner_or_404(obj.uuid), obj, headers)

    def merge(self, principal: Principal | None, collection: str | None, obj: IncomingObject, headers: Headers
              ) -> None:
        self._authz.authorize(principal, perm.UPDATE, perm.objects(collection or perm.ANY, "", obj.uuid))
        self.objects.merge(principal, collection or self._owner_or_404(obj.uuid), obj, headers)

    def change_reference(self, principal: Principal | None, action: str, uuid: str, prop: str, body: Any) -> None:
        """`action` is "add", "replace" or "delete", as on the class-qualified reference path."""
        self._authz.authorize(principal, perm.UPDATE, perm.objects(perm.ANY, "", uuid))
        getattr(self.references, action)(principal, self._owner_or_404(uuid), uuid, prop, body)
