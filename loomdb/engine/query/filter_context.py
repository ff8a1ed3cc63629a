"""What evaluating a filter needs to know about its collection beyond the shard's columns. A module of its own so
that allowlist.py (plain filters) and references.py (filters through references) both use it without importing
each other in a circle."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any


class FilterContext:
    """Per-collection filter settings (Weaviate's invertedIndexConfig flags) and reference lookups."""

    def __init__(self, class_name: str, index_timestamps: bool, index_null_state: bool,
                 index_property_length: bool = False) -> None:
        self.class_name = class_name
        self.index_timestamps = index_timestamps
        self.index_null_state = index_null_state
        self.index_property_length = index_property_length
        # set by the collection: its class document (reference dataTypes) and a lookup of other collections by
        # name, for filters through references (query/references.py)
        self.doc: dict[str, Any] | None = None
        self.peers: Callable[[str], Any] | None = None
