"""The ONE place where GraphQL features that need modules are refused until they are wired in: featureProjection
(t-SNE / PCA of result vectors) in `_additional`. Wiring one in = deleting its entry here and parsing it in
get_parse.py."""
from __future__ import annotations

from ...entities.errors import Unsupported

PENDING_ADDITIONAL = ("featureProjection",)


def refuse_pending(additional: set[str]) -> None:
    """Unsupported for a module-backed `_additional` field the query selects."""
    for name in PENDING_ADDITIONAL:
        if name in additional:
            raise Unsupported(f"_additional {{ {name} }} is not supported by loomdb yet")
