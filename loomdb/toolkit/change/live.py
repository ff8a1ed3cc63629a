"""What the endpoint holds now, read through the public REST API: class documents, aliases, tenants, object counts.
Also the few schema writes `apply` and `rollback` make, each checked (HTTP >= 300 raises LiveError)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from ..migrate import schema_copy


class LiveError(RuntimeError):
    pass


@dataclass
class Live:
    classes: dict[str, dict[str, Any]]      # name -> class document
    aliases: dict[str, str]                  # alias -> collection

    def find(self, name: str) -> str | None:
        """The live collection called `name` (Weaviate upper-cases the first letter; names differ only by case
        otherwise)."""
        if name in self.classes:
            return name
        return next((c for c in self.classes if c.lower() == name.lower()), None)


def read(http: httpx.Client) -> Live:
    classes = {c["class"]: c for c in schema_copy.source_classes(http, ())}
    reply = http.get("/v1/aliases")
    aliases = {a["alias"]: a["class"] for a in (reply.json().get("aliases") or [])} if reply.status_code == 200 \
        else {}
    return Live(classes, aliases)


def class_document(http: httpx.Client, name: str) -> dict[str, Any]:
    reply = http.get(f"/v1/schema/{name}")
    _ok(reply, f"read {name}")
    return dict(reply.json())


def object_count(http: httpx.Client, name: str) -> int:
    """Objects of a collection over all its shards/tenants, from /v1/nodes (cheap; an estimate on Weaviate)."""
    reply = http.get("/v1/nodes", params={"output": "verbose", "collection": name})
    if reply.status_code != 200:
        return 0
    return sum(int(shard.get("objectCount") or 0) for node in reply.json().get("nodes") or []
               for shard in node.get("shards") or [] if shard.get("class") == name)


def put_class(http: httpx.Client, config: dict[str, Any]) -> None:
    _ok(http.put(f"/v1/schema/{config['class']}", json=config), f"update {config['class']}")


def create_class(http: httpx.Client, config: dict[str, Any]) -> None:
    _ok(http.post("/v1/schema", json=config), f"create {config['class']}")


def drop_class(http: httpx.Client, name: str) -> None:
    _ok(http.delete(f"/v1/schema/{name}"), f"drop {name}")


def add_property(http: httpx.Client, name: str, prop: dict[str, Any]) -> None:
    _ok(http.post(f"/v1/schema/{name}/properties", json=prop), f"add property {name}.{prop['name']}")


def add_tenants(http: httpx.Client, name: str, states: dict[str, str]) -> None:
    _ok(http.post(f"/v1/schema/{name}/tenants", json=[{"name": t, "activityStatus": s} for t, s in states.items()]),
        f"add tenants to {name}")


def delete_tenants(http: httpx.Client, name: str, tenants: list[str]) -> None:
    _ok(http.request("DELETE", f"/v1/schema/{name}/tenants", json=tenants), f"delete tenants of {name}")


def set_alias(http: httpx.Client, alias: str, collection: str, exists: bool) -> None:
    reply = http.put(f"/v1/aliases/{alias}", json={"class": collection}) if exists else \
        http.post("/v1/aliases", json={"alias": alias, "class": collection})
    _ok(reply, f"alias {alias} -> {collection}")


def alias_target(http: httpx.Client, alias: str) -> str | None:
    reply = http.get(f"/v1/aliases/{alias}")
    return str(reply.json().get("class")) if reply.status_code == 200 else None


def delete_alias(http: httpx.Client, alias: str) -> None:
    _ok(http.delete(f"/v1/aliases/{alias}"), f"delete alias {alias}")


def _ok(reply: httpx.Response, what: str) -> None:
    if reply.status_code >= 300:
        raise LiveError(f"{what}: HTTP {reply.status_code} {reply.text[:300]}")
