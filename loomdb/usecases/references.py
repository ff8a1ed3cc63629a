"""Cross-reference writes as the REST endpoints expose them: add / replace / delete on one object, and
`/v1/batch/references` with one result per item, in order. Every write goes through the source collection
(read-modify-write of the object under its lock, then the shard's single write path)."""
from __future__ import annotations

from collections import defaultdict

from ..entities import beacons
from ..entities.errors import InvalidInput, LoomError, NotFound
from .ports import DatabasePort


class ReferenceService:
    def __init__(self, db: DatabasePort) -> None:
        self.db = db

    def _source(self, name: str):
        """Weaviate's getAuthorizedFromClass: a missing source collection is a 422, not a 404."""
        try:
            return self.db.collection(name)
        except NotFound:
            raise InvalidInput(f'msg:collection not found code:400 err:collection "{name}" not found in schema') \
                from None

    @staticmethod
    def _prop(name: str) -> str:
        return name[:1].lower() + name[1:]

    def add(self, collection: str, uuid: str, prop: str, body, tenant: str = "") -> None:
        self._source(collection).add_reference(uuid, self._prop(prop), body, tenant=tenant)

    def replace(self, collection: str, uuid: str, prop: str, body, tenant: str = "") -> None:
        self._source(collection).replace_references(uuid, self._prop(prop), body, tenant=tenant)

    def delete(self, collection: str, uuid: str, prop: str, body, tenant: str = "") -> None:
        self._source(collection).delete_reference(uuid, self._prop(prop), body, tenant=tenant)

    def batch(self, items: list) -> list[str | None]:
        """One error message (None = stored) per item, in request order (usecases/objects/
        batch_references_add.go wording for what it validates)."""
        if not items:
            raise InvalidInput("invalid params: length cannot be 0, need at least one reference for batching")
        results: list[str | None] = [None] * len(items)
        grouped: dict[tuple[str, str], list[tuple[int, str, str, str]]] = defaultdict(list)
        for i, item in enumerate(items):
            item = item if isinstance(item, dict) else {}
            errors: list[str] = []
            source = None
            try:
                peer, cls, uid, prop = beacons.parse_source(item.get("from"))
                if peer != beacons.PEER:
                    errors.append(f"source class must always point to the local peer, but got {peer}")
                source = (cls, uid, prop)
            except InvalidInput as exc:
                errors.append(exc.message)
            try:
                target = beacons.parse(item.get("to"))
                if not target.local:
                    errors.append("importing network references in batch is not possible. Please perform a regular "
                                  f"non-batch import for network references, got peer {target.peer}")
            except InvalidInput as exc:
                errors.append(exc.message)
            if errors:
                results[i] = ", ".join(errors)
                continue
            cls, uid, prop = source
            if not self.db.has_collection(cls):
                results[i] = f"class {cls} does not exist"
                continue
            collection = self.db.collection(cls)
            prop = self._prop(prop)
            if prop not in collection.properties:
                results[i] = f"property {prop} does not exist for class {cls}"
                continue
            try:
                beacon = collection.batch_reference_beacon(prop, item["to"])
            except LoomError as exc:
                results[i] = exc.message
                continue
            grouped[(collection.name, item.get("tenant") or "")].append((i, uid, prop, beacon))
        for (name, tenant), entries in grouped.items():
            try:
                errs = self.db.collection(name).add_references([(u, p, b) for _, u, p, b in entries], tenant=tenant)
            except LoomError as exc:
                errs = [exc.message] * len(entries)
            for (i, _, _, _), err in zip(entries, errs):
                results[i] = err
        return results
