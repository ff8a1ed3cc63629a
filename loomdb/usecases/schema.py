"""Collection lifecycle as the REST schema endpoints expose it."""
from __future__ import annotations

from .ports import DatabasePort


class SchemaService:
    def __init__(self, db: DatabasePort) -> None:
        self.db = db

    def create(self, body: dict) -> dict:
        return self.db.create_collection(body)

    def get(self, name: str) -> dict:
        return self.db.collection(name).doc

    def exists(self, name: str) -> bool:
        return self.db.has_collection(name)

    def list(self) -> list[dict]:
        return [c.doc for c in self.db.collections()]

    def delete(self, name: str) -> None:
        self.db.delete_collection(name)

    def add_property(self, name: str, prop: dict) -> dict:
        return self.db.collection(name).add_property(prop)

    def update(self, name: str, body: dict) -> dict:
        """PUT /v1/schema/{C} (config.update, config.add_vector): the whole class; immutable changes -> 422."""
        return self.db.collection(name).update_doc(body)

    def shards(self, name: str) -> list[tuple[str, str]]:
        return self.db.collection(name).shard_statuses()

    def update_shard(self, name: str, shard: str, status: str) -> str:
        return self.db.collection(name).set_shard_status(shard, status)

    # ---- aliases: resolved by the database's collection lookup, so every door accepts them ---------------------
    def list_aliases(self, class_name: str | None = None) -> list[dict]:
        return self.db.list_aliases(class_name)

    def get_alias(self, alias: str) -> dict:
        return self.db.get_alias(alias)

    def create_alias(self, alias: str, class_name: str) -> dict:
        return self.db.create_alias(alias, class_name)

    def update_alias(self, alias: str, class_name: str) -> dict:
        return self.db.update_alias(alias, class_name)

    def delete_alias(self, alias: str) -> bool:
        return self.db.delete_alias(alias)

    # ---- tenants (multi-tenant collections; states are the engine's HOT / COLD / FROZEN / FREEZING / UNFREEZING) --
    def tenants(self, name: str, names: list[str] | None = None) -> list[tuple[str, str]]:
        return self.db.collection(name).tenant_list(names)

    def tenant(self, name: str, tenant: str) -> str | None:
        """The tenant's state, or None when it does not exist."""
        return self.db.collection(name).tenant_status(tenant)

    def add_tenants(self, name: str, tenants: list[tuple[str, object]]) -> list[tuple[str, str]]:
        return self.db.collection(name).add_tenants(tenants)

    def update_tenants(self, name: str, tenants: list[tuple[str, object]]) -> list[tuple[str, str]]:
        return self.db.collection(name).update_tenants(tenants)

    def delete_tenants(self, name: str, tenants: list[str]) -> None:
        self.db.collection(name).delete_tenants(tenants)
