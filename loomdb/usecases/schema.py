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
