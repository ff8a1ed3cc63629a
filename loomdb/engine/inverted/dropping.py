"""Forgetting the inverted structures of property indexes that were turned off (config.delete_property_index).

The filter column of a property serves both its filterable and its range index (and a reference's targets), so it
goes only when neither is left; BM25 postings go with the searchable index. Nothing of them is on disk (they are
rebuilt from the store on open, only for the indexes the class document still has), so dropping them from memory
is the whole deletion."""
from __future__ import annotations

from collections.abc import Mapping, MutableMapping

from ..heap import release_free_memory
from ..schema.model import PropertySpec


def _filters(spec: PropertySpec | None) -> bool:
    return spec is not None and (spec.is_reference or spec.index_filterable or spec.index_range_filters)


def _searches(spec: PropertySpec | None) -> bool:
    return spec is not None and spec.index_searchable


def drop_unindexed(columns: MutableMapping[str, object], searchable: MutableMapping[str, object],
                   properties: Mapping[str, PropertySpec]) -> None:
    """Remove from `columns` / `searchable` (property -> structure) what `properties` no longer index, and hand
    the freed heap back to the operating system."""
    dropped = [columns.pop(n) for n in [n for n in columns if not _filters(properties.get(n))]]
    dropped += [searchable.pop(n) for n in [n for n in searchable if not _searches(properties.get(n))]]
    if dropped:
        del dropped
        release_free_memory()
