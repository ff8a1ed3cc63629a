"""Weaviate's rules the engine applies while it writes objects (engine/collection.py WriteRules): auto-schema
(usecases/autoschema.py) and reference values (usecases/references.py). The objects use case hands one instance
to every write, and the collection calls it under its lock, after tenant and existence checks."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..entities.objects import IncomingObject
from .autoschema import name_problem, properties_to_add
from .ports import CollectionFinderPort, JsonObject, PropertyView
from .references import ReferenceTargets


class ObjectWriteRules:
    def __init__(self, db: CollectionFinderPort, autoschema: bool) -> None:
        self.autoschema = autoschema
        self._targets = ReferenceTargets(db)

    def inferred_properties(self, known: Mapping[str, PropertyView], objects: list[IncomingObject]) -> list[JsonObject]:
        """With auto-schema on, the properties the objects use that the collection lacks, typed by their values."""
        return properties_to_add(known, objects) if self.autoschema else []

    def name_problem(self, obj: IncomingObject) -> str | None:
        """With auto-schema on, the naming rule one of the object's property keys breaks (None: all fine, or
        auto-schema off, where an unknown key is the engine's "no such prop" error)."""
        return name_problem(obj.properties) if self.autoschema else None

    def reference_value(self, class_name: str, spec: PropertyView, value: Any, tenant: str = ""
                        ) -> list[JsonObject]:
        """A reference property's value inside an object written to `tenant` (targets looked up there)."""
        return self._targets.object_value(class_name, spec, value, tenant)
