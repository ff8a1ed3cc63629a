"""The ONE place where GraphQL features that need modules are refused until the modules are wired in: the
search arguments of vectorizer modules (nearText with moveTo / moveAwayFrom, hybrid's nearText sub-search)
and the `_additional` fields of rerankers, generative modules and featureProjection. Wiring one in = deleting
its entry here and parsing it in get_parse.py."""
from __future__ import annotations

from typing import Any

from ...entities.errors import Unsupported

PENDING_ARGUMENTS = ("nearText",)
PENDING_ADDITIONAL = ("rerank", "generate", "featureProjection")


def refuse_pending(args: dict[str, Any], additional: set[str]) -> None:
    """Unsupported for a module-backed argument or `_additional` field the query uses."""
    for name in PENDING_ARGUMENTS:
        if name in args:
            raise Unsupported(f"{name} is not supported by loomdb yet")
    for search in (args.get("hybrid") or {}).get("searches") or []:
        if search.get("nearText") is not None:
            raise Unsupported("nearText is not supported by loomdb yet")
    for name in PENDING_ADDITIONAL:
        if name in additional:
            raise Unsupported(f"_additional {{ {name} }} is not supported by loomdb yet")
