"""The deprecated object paths without a class name (/v1/objects/{id}, /v1/objects/{id}/references/{prop}):
Weaviate finds the object's collection by looking the id up in every collection (db.ObjectByID, no tenant), then
runs the ordinary operation. Multi-tenant collections are never searched: these paths carry no tenant."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ..entities.errors import NotFound
from ..entities.objects import IncomingObject
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
    def __init__(self, db: OwnerDatabase, objects: ObjectService, references: ReferenceService) -> None:
        self.db = db
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

    def get(self, uuid: str, with_vector: bool) -> ObjectView:
        return self.objects.get(self._owner_or_404(uuid), uuid, with_vector)

    def exists(self, uuid: str) -> bool:
        return self.owner(uuid) is not None

    def delete(self, uuid: str) -> bool:
        name = self.owner(uuid)
        return name is not None and self.objects.delete(name, uuid)

    def replace(self, collection: str | None, obj: IncomingObject, headers: Headers) -> ObjectView:
        """PUT: the body's class (Weaviate takes it from there), else the collection holding the id."""
        return self.objects.replace(collection or self._owner_or_404(obj.uuid), obj, headers)

    def merge(self, collection: str | None, obj: IncomingObject, headers: Headers) -> None:
        self.objects.merge(collection or self._owner_or_404(obj.uuid), obj, headers)

    def change_reference(self, action: str, uuid: str, prop: str, body: Any) -> None:
        """`action` is "add", "replace" or "delete", as on the class-qualified reference path."""
        getattr(self.references, action)(self._owner_or_404(uuid), uuid, prop, body)
