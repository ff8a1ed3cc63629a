"""What the REST API says about a target (meta, nodes, schema, shards), read as plain JSON so it works when gRPC
is down, and the collection handles (tenant chosen) the query checks run on."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class Reply:
    status: int          # 0 = no answer (connection failed)
    body: Any
    latency_ms: float
    error: str = ""


def get(http: httpx.Client, path: str, **params: str) -> Reply:
    import httpx  # on first use: CLI commands that never ask a target do not load it

    start = time.perf_counter()
    try:
        reply = http.get(path, params=params or None)
    except httpx.HTTPError as exc:
        return Reply(0, None, _ms(start), f"{type(exc).__name__}: {exc}")
    try:
        body = reply.json() if reply.content else None
    except ValueError:
        body = reply.text
    return Reply(reply.status_code, body, _ms(start))


def collections(http: httpx.Client) -> list[dict[str, Any]]:
    reply = get(http, "/v1/schema")
    return list((reply.body or {}).get("classes") or []) if reply.status == 200 else []


def shard_statuses(http: httpx.Client, collection: str) -> list[dict[str, Any]]:
    reply = get(http, f"/v1/schema/{collection}/shards")
    return list(reply.body) if reply.status == 200 and isinstance(reply.body, list) else []


def first_active_tenant(client: Any, name: str) -> str | None:
    """A tenant whose data is loaded (HOT/ACTIVE), for queries on a multi-tenant collection."""
    for tenant_name, tenant in client.collections.use(name).tenants.get().items():
        if str(getattr(tenant.activity_status, "value", tenant.activity_status)).upper() in ("HOT", "ACTIVE"):
            return str(tenant_name)
    return None


def handle(client: Any, config: dict[str, Any]) -> tuple[Any, str | None]:
    """(collection handle, tenant or None); the handle is None for a multi-tenant collection with no active
    tenant."""
    name = config["class"]
    collection = client.collections.use(name)
    if not (config.get("multiTenancyConfig") or {}).get("enabled"):
        return collection, None
    tenant = first_active_tenant(client, name)
    return (collection.with_tenant(tenant) if tenant else None), tenant


def vector_names(config: dict[str, Any]) -> list[str | None]:
    """The collection's vectors: [None] for the legacy single vector, else the named vectors."""
    named = config.get("vectorConfig") or {}
    return list(named) if named else [None]


def text_properties(config: dict[str, Any]) -> list[str]:
    return [p["name"] for p in config.get("properties") or []
            if p.get("dataType") in (["text"], ["text[]"]) and p.get("indexSearchable", True)]


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 3)
