"""The destination's schema made equal to the source's, through the public schema API: classes first without
their reference properties (a reference may point at a class created later, or at itself), then the reference
properties, tenants and aliases. Everything already present on the destination is kept (so a resumed copy skips
it)."""
from __future__ import annotations

import copy as _copy
from typing import Any

import httpx

# fields a server computes for its own shards: the destination chooses its sharding
_SERVER_OWNED = ("shardingConfig",)
ACTIVE_STATES = ("HOT", "ACTIVE")


class SchemaCopyError(RuntimeError):
    pass


def is_reference(prop: dict[str, Any]) -> bool:
    """Primitive data types are lowercase (`text`, `int[]`); a reference's data type lists class names."""
    return any(t[:1].isupper() for t in prop.get("dataType") or [])


def reference_properties(config: dict[str, Any]) -> list[str]:
    return [p["name"] for p in config.get("properties") or [] if is_reference(p)]


def multi_tenant(config: dict[str, Any]) -> bool:
    return bool((config.get("multiTenancyConfig") or {}).get("enabled"))


def without_references(config: dict[str, Any]) -> dict[str, Any]:
    out = _copy.deepcopy(config)
    out["properties"] = [p for p in out.get("properties") or [] if not is_reference(p)]
    for key in _SERVER_OWNED:
        out.pop(key, None)
    return out


def source_classes(src: httpx.Client, wanted: tuple[str, ...]) -> list[dict[str, Any]]:
    reply = src.get("/v1/schema")
    reply.raise_for_status()
    classes = list(reply.json().get("classes") or [])
    if not wanted:
        return classes
    by_name = {c["class"].lower(): c for c in classes}
    missing = [w for w in wanted if w.lower() not in by_name]
    if missing:
        raise SchemaCopyError(f"not on the source: {', '.join(missing)}")
    return [by_name[w.lower()] for w in wanted]


def create_classes(dst: httpx.Client, classes: list[dict[str, Any]]) -> list[str]:
    """Create each class (without references) unless the destination has it; the names created."""
    created = []
    existing = {c["class"] for c in (dst.get("/v1/schema").json().get("classes") or [])}
    for config in classes:
        if config["class"] in existing:
            continue
        _ok(dst.post("/v1/schema", json=without_references(config)), f"create {config['class']}")
        created.append(config["class"])
    return created


def add_references(dst: httpx.Client, classes: list[dict[str, Any]]) -> None:
    for config in classes:
        have = {p["name"] for p in dst.get(f"/v1/schema/{config['class']}").json().get("properties") or []}
        for prop in config.get("properties") or []:
            if is_reference(prop) and prop["name"] not in have:
                _ok(dst.post(f"/v1/schema/{config['class']}/properties", json=prop),
                    f"add reference {config['class']}.{prop['name']}")


def tenants(http: httpx.Client, name: str) -> dict[str, str]:
    """{tenant: activity status} of a multi-tenant class."""
    reply = http.get(f"/v1/schema/{name}/tenants")
    reply.raise_for_status()
    return {t["name"]: str(t.get("activityStatus", "HOT")).upper() for t in reply.json()}


def set_tenant_states(http: httpx.Client, name: str, states: dict[str, str]) -> None:
    if states:
        _ok(http.put(f"/v1/schema/{name}/tenants",
                     json=[{"name": t, "activityStatus": s} for t, s in states.items()]), f"tenants of {name}")


def create_tenants(dst: httpx.Client, name: str, wanted: list[str]) -> None:
    """Missing tenants created active (data goes in first; the source's states are applied at the end)."""
    have = tenants(dst, name)
    missing = [t for t in wanted if t not in have]
    for start in range(0, len(missing), 100):
        _ok(dst.post(f"/v1/schema/{name}/tenants",
                     json=[{"name": t, "activityStatus": "HOT"} for t in missing[start:start + 100]]),
            f"create tenants of {name}")
    inactive = {t: "HOT" for t in wanted if have.get(t, "HOT") not in ACTIVE_STATES}
    set_tenant_states(dst, name, inactive)


def copy_aliases(src: httpx.Client, dst: httpx.Client, names: list[str]) -> list[str]:
    """The source's aliases of the copied classes; an alias already on the destination is kept."""
    reply = src.get("/v1/aliases")
    if reply.status_code != 200:
        return []
    chosen = set(names)
    have = {a["alias"] for a in (dst.get("/v1/aliases").json() or {}).get("aliases") or []}
    copied = []
    for alias in reply.json().get("aliases") or []:
        if alias["class"] in chosen and alias["alias"] not in have:
            _ok(dst.post("/v1/aliases", json={"alias": alias["alias"], "class": alias["class"]}),
                f"alias {alias['alias']}")
            copied.append(alias["alias"])
    return copied


def _ok(reply: httpx.Response, what: str) -> None:
    if reply.status_code >= 300:
        raise SchemaCopyError(f"{what}: HTTP {reply.status_code} {reply.text[:300]}")
