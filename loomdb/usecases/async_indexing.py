"""ASYNC_INDEXING on one node. loomdb indexes every write before acknowledging it, so the flag changes no write or
search (a write is searchable at once, shards report READY and an empty vector queue); what it does change is
Weaviate's rule that a `dynamic` vector index may only be created with asynchronous indexing on."""
from __future__ import annotations

from typing import Any

from ..entities.errors import InvalidInput

DYNAMIC_NEEDS_ASYNC = "the dynamic index can only be created when async indexing is enabled"


def _new_index_types(body: dict[str, Any], existing: dict[str, Any]) -> list[tuple[str | None, str]]:
    """(vector space or None for the legacy class-level index, index type) of the spaces `body` creates."""
    created: list[tuple[str | None, str]] = []
    if not existing and isinstance(body.get("vectorIndexType"), str):
        created.append((None, body["vectorIndexType"]))
    named = body.get("vectorConfig")
    known = existing.get("vectorConfig") or {}
    if isinstance(named, dict):
        created += [(space, cfg["vectorIndexType"]) for space, cfg in named.items()
                    if space not in known and isinstance(cfg, dict) and isinstance(cfg.get("vectorIndexType"), str)]
    return created


def check_dynamic_allowed(body: Any, async_indexing: bool, existing: dict[str, Any] | None = None) -> None:
    """Weaviate's schema validation: a new `dynamic` index without ASYNC_INDEXING is refused (422)."""
    if async_indexing or not isinstance(body, dict):
        return
    for space, index_type in _new_index_types(body, existing or {}):
        if index_type == "dynamic":
            raise InvalidInput(DYNAMIC_NEEDS_ASYNC if space is None else f'target vector "{space}": '
                               f"{DYNAMIC_NEEDS_ASYNC}")
