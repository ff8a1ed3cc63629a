"""Collection lifecycle as the REST schema endpoints expose it, with Weaviate's wording for name clashes and shard
statuses. Tenants and aliases have their own use cases (tenants.py, aliases.py); the methods here that forward to
them are the entry points the wire adapters call."""
from __future__ import annotations

from ..entities import permissions as perm
from ..entities.errors import AlreadyExists, InvalidInput, NameTaken, NotFound
from ..entities.principal import Principal
from .aliases import AliasService, capitalize
from .async_indexing import check_dynamic_allowed
from .authz import AllowAll, Authorizer, allowed
from .module_config import ModuleConfig
from .ports import JsonObject, SchemaDatabasePort
from .tenants import TenantRequests, TenantService, TenantStates

_SHARD_STATUSES = ("READY", "READONLY")
ShardStatuses = list[tuple[str, str]]     # (shard name, READY | READONLY)
TenantNames = list[str]
JsonObjects = list[JsonObject]


class SchemaService:
    def __init__(self, db: SchemaDatabasePort, module_config: ModuleConfig | None = None,
                 authz: Authorizer | None = None, async_indexing: bool = True) -> None:
        self.db = db
        self._authz = authz or AllowAll()
        self.module_config = module_config      # vectorizer modules checked, their defaults written (create)
        self.async_indexing = async_indexing    # ASYNC_INDEXING: without it a dynamic index is refused
        self.tenant_service = TenantService(db)
        self.alias_service = AliasService(db)

    def create(self, principal: Principal | None, body: JsonObject) -> JsonObject:
        name = body.get("class") if isinstance(body, dict) else None
        self._authz.authorize(principal, perm.CREATE, perm.collection_metadata(name if isinstance(name, str) else ""))
        check_dynamic_allowed(body, self.async_indexing)
        if self.module_config is not None:
            body = self.module_config.prepare_class(body)
        try:
            return self.db.create_collection(body)
        except NameTaken as exc:
            raise AlreadyExists(_name_taken(exc)) from None

    def get(self, principal: Principal | None, name: str) -> JsonObject:
        self._authz.authorize(principal, perm.READ, perm.collection_metadata(name))
        return self.db.collection(name).doc

    def exists(self, principal: Principal | None, name: str) -> bool:
        self._authz.authorize(principal, perm.READ, perm.collection_metadata(name))
        return self.db.has_collection(name)

    def list(self, principal: Principal | None) -> JsonObjects:
        """The classes the principal may read (Weaviate filters the schema rather than refusing it)."""
        return [c.doc for c in self.db.collections()
                if allowed(self._authz, principal, perm.READ, perm.collection_metadata(c.name))]

    def documents(self) -> JsonObjects:
        """Every class document, for building wire types (the GraphQL schema): no user's request, so no
        authorization (Weaviate's GetSchemaSkipAuth); each query is authorized by the search it runs."""
        return [c.doc for c in self.db.collections()]

    def delete(self, principal: Principal | None, name: str) -> None:
        self._authz.authorize(principal, perm.DELETE, perm.collection_metadata(name))
        self.db.delete_collection(name)

    def add_property(self, principal: Principal | None, name: str, prop: JsonObject) -> JsonObject:
        self._authz.authorize(principal, perm.UPDATE, perm.collection_metadata(name))
        if self.module_config is not None and isinstance(prop, dict):
            prop = self.module_config.prepare_property(self.db.collection(name).doc, prop)
        return self.db.add_property(name, prop)

    def update(self, principal: Principal | None, name: str, body: JsonObject) -> JsonObject:
        """PUT /v1/schema/{C} (config.update, config.add_vector): the whole class; immutable changes -> 422."""
        self._authz.authorize(principal, perm.UPDATE, perm.collection_metadata(name))
        collection = self.db.collection(name)
        check_dynamic_allowed(body, self.async_indexing, collection.doc)
        if self.module_config is not None:
            body = self.module_config.prepare_update(collection.doc, body)
        return collection.update_doc(body)

    def shards(self, principal: Principal | None, name: str) -> ShardStatuses:
        """(shard name, READY|READONLY) of the collection's shard, or of its HOT tenants."""
        self._authz.authorize(principal, perm.READ, perm.shard_metadata(name))
        return self.db.collection(name).shards.statuses()

    def update_shard(self, principal: Principal | None, name: str, shard: str, status: str) -> str:
        """config.update_shards (Weaviate's storagestate.ValidateStatus wording)."""
        self._authz.authorize(principal, perm.UPDATE, perm.shard_metadata(name, shard))
        if status not in _SHARD_STATUSES:
            raise InvalidInput("invalid storage status")
        collection = self.db.collection(name)
        if not collection.shards.set_status(shard, status):
            raise NotFound(f"shard {shard} not found in class {collection.name}")
        return status

    # ---- aliases (usecases/aliases.py): resolved by the database's collection lookup, so every door accepts them --
    def list_aliases(self, principal: Principal | None, class_name: str | None = None) -> JsonObjects:
        """The aliases the principal may read."""
        return [a for a in self.alias_service.list(class_name)
                if allowed(self._authz, principal, perm.READ, perm.aliases(a["class"], a["alias"]))]

    def get_alias(self, principal: Principal | None, alias: str) -> JsonObject:
        self._authz.authorize(principal, perm.READ, perm.aliases(perm.ANY, capitalize(alias)))
        return self.alias_service.get(alias)

    def create_alias(self, principal: Principal | None, alias: str, class_name: str) -> JsonObject:
        self._authz.authorize(principal, perm.CREATE, perm.aliases(class_name, capitalize(alias)))
        return self.alias_service.create(alias, class_name)

    def update_alias(self, principal: Principal | None, alias: str, class_name: str) -> JsonObject:
        self._authz.authorize(principal, perm.UPDATE, perm.aliases(class_name, capitalize(alias)))
        return self.alias_service.update(alias, class_name)

    def delete_alias(self, principal: Principal | None, alias: str) -> bool:
        self._authz.authorize(principal, perm.DELETE, perm.aliases(perm.ANY, capitalize(alias)))
        return self.alias_service.delete(alias)

    # ---- tenants (usecases/tenants.py; states are HOT / COLD / FROZEN / FREEZING / UNFREEZING) ------------------
    def tenants(self, principal: Principal | None, name: str, names: TenantNames | None = None) -> TenantStates:
        self._authorize_tenants(principal, perm.READ, name, names)
        return self.tenant_service.states(name, names)

    def tenant(self, principal: Principal | None, name: str, tenant: str) -> str | None:
        """The tenant's state, or None when it does not exist."""
        self._authz.authorize(principal, perm.READ, perm.shard_metadata(name, tenant))
        return self.tenant_service.get(name, tenant)

    def add_tenants(self, principal: Principal | None, name: str, tenants: TenantRequests) -> TenantStates:
        self._authorize_tenants(principal, perm.CREATE, name, [t for t, _ in tenants])
        return self.tenant_service.add(name, tenants)

    def update_tenants(self, principal: Principal | None, name: str, tenants: TenantRequests) -> TenantStates:
        self._authorize_tenants(principal, perm.UPDATE, name, [t for t, _ in tenants])
        return self.tenant_service.update(name, tenants)

    def delete_tenants(self, principal: Principal | None, name: str, tenants: TenantNames) -> None:
        self._authorize_tenants(principal, perm.DELETE, name, tenants)
        self.tenant_service.delete(name, tenants)

    def _authorize_tenants(self, principal: Principal | None, verb: str, name: str, tenants: TenantNames | None
                           ) -> None:
        """Weaviate's ShardsMetadata(class, tenants...): one resource per named tenant, any tenant when none."""
        names = [t for t in tenants or () if isinstance(t, str)] or [perm.ANY]
        self._authz.authorize(principal, verb, *(perm.shard_metadata(name, t) for t in names))


def _name_taken(exc: NameTaken) -> str:
    """Weaviate's validateClassNameUniqueness wording, and its alias clash wording (test/acceptance/aliases)."""
    if exc.kind == "alias":
        return f"alias name {exc.name} already exists"
    if exc.existing != exc.name:
        return (f'class name "{exc.name}" already exists as a permutation of: "{exc.existing}". class names must '
                "be unique when lowercased")
    return f'class name "{exc.name}" already exists'
