"""Facts read from Weaviate's class JSON (GET /v1/schema's `classes[]`), shared by the rules."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

TEXT_TYPES = (["text"], ["text[]"], ["string"], ["string[]"])
IGNORE_MARKER = re.compile(r"loomdb-lint:\s*ignore\b([ \t]+[A-Za-z0-9_, \t-]+)?", re.IGNORECASE)


def description(item: dict[str, Any]) -> str:
    """A class's or property's description without its `loomdb-lint: ignore` marker (a marker documents nothing)."""
    return IGNORE_MARKER.sub("", item.get("description") or "").strip()


def properties(cls: dict[str, Any]) -> list[dict[str, Any]]:
    return list(cls.get("properties") or [])


def is_text(prop: dict[str, Any]) -> bool:
    return list(prop.get("dataType") or []) in TEXT_TYPES


def vectorizers(cls: dict[str, Any]) -> Iterator[tuple[str | None, str, dict[str, Any]]]:
    """(vector name or None for the legacy single vector, vectorizer module, its module config)."""
    named = cls.get("vectorConfig") or {}
    if named:
        for name, vector in named.items():
            modules = vector.get("vectorizer") or {"none": {}}
            module = next(iter(modules))
            yield name, module, dict(modules[module] or {})
        return
    module = str(cls.get("vectorizer") or "none")
    yield None, module, dict((cls.get("moduleConfig") or {}).get(module) or {})


def vector_indexes(cls: dict[str, Any]) -> Iterator[tuple[str | None, str, dict[str, Any]]]:
    """(vector name or None, index type, index config)."""
    named = cls.get("vectorConfig") or {}
    if named:
        for name, vector in named.items():
            yield name, str(vector.get("vectorIndexType") or "hnsw"), dict(vector.get("vectorIndexConfig") or {})
        return
    yield None, str(cls.get("vectorIndexType") or "hnsw"), dict(cls.get("vectorIndexConfig") or {})


def compressed(index_type: str, config: dict[str, Any]) -> bool:
    """Whether any quantizer (PQ/BQ/SQ/RQ) is on, at the top level or in a dynamic index's hnsw part."""
    parts = [config, config.get("hnsw") or {}] if index_type == "dynamic" else [config]
    return any((part.get(kind) or {}).get("enabled") for part in parts for kind in ("pq", "bq", "sq", "rq"))


def multi_tenant(cls: dict[str, Any]) -> bool:
    return bool((cls.get("multiTenancyConfig") or {}).get("enabled"))


def shape(cls: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The property names and types, order-free: collections with the same shape could be tenants of one."""
    return tuple(sorted((p["name"], "|".join(p.get("dataType") or [])) for p in properties(cls)))
