"""Collection lifecycle as the REST schema endpoints expose it, with Weaviate's wording for name clashes and shard
statuses. Tenants and aliases have their own use cases (tenants.py, aliases.py); the methods here that forward to
them are the entry points the wire adapters call."""
from __future__ import annotations

from ..entities.errors import AlreadyExists, InvalidInput, NameTaken, NotFound
from .aliases import AliasService
from .async_indexing import check_dynamic_allowed
from .module_config import ModuleConfig
from .ports import JsonObject, SchemaDatabasePort
from .tenants import TenantRequests, TenantService, TenantStates

_SHARD_STATUSES = ("READY", "READONLY")
ShardStatuses = list[tuple[str, str]]     # (shard name, READY | READONLY)
TenantNames = list[str]
JsonObjects = list[JsonObject]


class SchemaService:
    def __init__(self, db: SchemaDatabasePort, module_config: ModuleConfig | None = None,
                 async_indexing: bool = True) -> None:
        self.db = db
        self.module_config = module_config      # vectorizer modules checked, their defaults written (create)
        self.async_indexing = async_indexing    # ASYNC_INDEXING: without it a dynamic index is refused
        self.tenant_service = TenantService(db)
        self.alias_service = AliasService(db)

    def create(self, body: JsonObject) -> JsonObject:
        check_dynamic_allowed(body, self.async_indexing)
        if self.module_config is not None:
            body = self.module_config.prepare_class(body)
        try:
            return self.db.create_collection(body)
        except NameTaken as exc:
            raise AlreadyExists(_name_taken(exc)) from None

    def get(self, name: str) -> JsonObject:
        return self.db.collection(name).doc

    def exists(self, name: str) -> bool:
        return self.db.has_collection(name)

    def list(self) -> JsonObjects:
        return [c.doc for c in self.db.collections()]

    def delete(self, name: str) -> None:
        self.db.delete_collection(name)

    def add_property(self, name: str, prop: JsonObject) -> JsonObject:
        if self.module_config is not None and isinstance(prop, dict):
            prop = self.module_config.prepare_property(self.db.collection(name).doc, prop)
        return self.db.add_property(name, prop)

    def update(self, name: str, body: JsonObject) -> JsonObject:
        """PUT /v1/schema/{C} (config.update, config.add_vector): the whole class; immutable changes -> 422."""
        collection = self.db.collection(name)
        check_dynamic_allowed(body, self.async_indexing, collection.doc)
        if self.module_config is not None:
            body = self.module_config.prepare_update(collection.doc, body)
        return collection.update_doc(body)

    def shards(self, name: str) -> ShardStatuses:
        """(shard name, READY|READONLY) of the collection's shard, or of its HOT tenants."""
        return self.db.collection(name).shards.statuses()

    def update_shard(self, name: str, shard: str, status: str) -> str:
        """config.update_shards (Weaviate's storagestate.ValidateStatus wording)."""
        if status not in _SHARD_STATUSES:
            raise InvalidInput("invalid storage status")
        collection = self.db.collection(name)
        if not collection.shards.set_status(shard, status):
            raise NotFound(f"shard {shard} not found in class {collection.name}")
        return status

    # ---- aliases (usecases/aliases.py): resolved by the database's collection lookup, so every door accepts them --
    def list_aliases(self, class_name: str | None = None) -> JsonObjects:
        return self.alias_service.list(class_name)

    def get_alias(self, alias: str) -> JsonObject:
        return self.alias_service.get(alias)

    def create_alias(self, alias: str, class_name: str) -> JsonObject:
        return self.alias_service.create(alias, class_name)

    def update_alias(self, alias: str, class_name: str) -> JsonObject:
        return self.alias_service.update(alias, class_name)

    def delete_alias(self, alias: str) -> bool:
        return self.alias_service.delete(alias)

    # ---- tenants (usecases/tenants.py; states are HOT / COLD / FROZEN / FREEZING / UNFREEZING) ------------------
    def tenants(self, name: str, names: TenantNames | None = None) -> TenantStates:
        return self.tenant_service.states(name, names)

    def tenant(self, name: str, tenant: str) -> str | None:
        """The tenant's state, or None when it does not exist."""
        return self.tenant_service.get(name, tenant)

    def add_tenants(self, name: str, tenants: TenantRequests) -> TenantStates:
        return self.tenant_service.add(name, tenants)

    def update_tenants(self, name: str, tenants: TenantRequests) -> TenantStates:
        return self.tenant_service.update(name, tenants)

    def delete_tenants(self, name: str, tenants: TenantNames) -> None:
        self.tenant_service.delete(name, tenants)


def _name_taken(exc: NameTaken) -> str:
    """Weaviate's validateClassNameUniqueness wording, and its alias clash wording (test/acceptance/aliases)."""
    if exc.kind == "alias":
        return f"alias name {exc.name} already exists"
    if exc.existing != exc.name:
        return (f'class name "{exc.name}" already exists as a permutation of: "{exc.existing}". class names must '
                "be unique when lowercased")
    return f'class name "{exc.name}" already exists'
