"""Collection aliases as /v1/aliases exposes them: Weaviate's rules and wording (usecases/schema/alias.go and its
acceptance tests) over the engine's alias registry, which shares one namespace with collection names."""
from __future__ import annotations

from ..entities.errors import AlreadyExists, InvalidInput, NameTaken, NotFound
from .ports import AliasDatabasePort, JsonObject


def capitalize(name: str) -> str:
    """Weaviate's UppercaseClassName: the first letter upper-cased, the rest kept."""
    return name[:1].upper() + name[1:]


class AliasService:
    def __init__(self, db: AliasDatabasePort) -> None:
        self.db = db

    def list(self, class_name: str | None = None) -> list[JsonObject]:
        target = self.db.collection(class_name).name if class_name else None
        return [{"alias": a, "class": c} for a, c in self.db.alias_list() if target is None or c == target]

    def get(self, alias: str) -> JsonObject:
        found = self.db.find_alias(capitalize(alias))
        if found is None:
            raise NotFound(f"alias {alias} not found")
        return {"alias": found[0], "class": found[1]}

    def create(self, alias: str, class_name: str) -> JsonObject:
        alias, class_name = capitalize(alias), capitalize(class_name)
        try:
            target = self.db.create_alias(alias, class_name)
        except NameTaken as exc:
            raise AlreadyExists(f"create alias: {exc.kind} {alias} already exists") from None
        except NotFound:
            raise InvalidInput(f"create alias: class {class_name} does not exist") from None
        return {"alias": alias, "class": target}

    def update(self, alias: str, class_name: str) -> JsonObject:
        alias, class_name = capitalize(alias), capitalize(class_name)
        try:
            replaced = self.db.replace_alias(alias, class_name)
        except NotFound:
            raise InvalidInput(f"replace alias: class {class_name} does not exist") from None
        if replaced is None:
            raise NotFound(f"no alias found with name: {alias}")
        return {"alias": replaced[0], "class": replaced[1]}

    def delete(self, alias: str) -> bool:
        return self.db.delete_alias(capitalize(alias))
