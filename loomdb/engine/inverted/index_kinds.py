"""Which in-memory structure each property index needs, and forgetting those of indexes turned off
(config.delete_property_index).

One filter column per property answers filters whenever Weaviate would: with its filterable or its range index,
a reference's targets, and for text also with the searchable index alone (Weaviate filters text through the
searchable bucket when there is no filterable one, inverted/searcher.go extractTokenizableProp). BM25 postings
exist while the searchable index does. Nothing of either is on disk (both are rebuilt from the store on open, for
the indexes the class document still has), so dropping them from memory is the whole deletion."""
from __future__ import annotations

from collections.abc import Mapping, MutableMapping

from ..heap import release_free_memory
from ..schema.model import PropertySpec


def answers_filters(spec: PropertySpec | None) -> bool:
    """Whether the property keeps a filter column."""
    return spec is not None and (spec.is_reference or spec.index_filterable or spec.index_range_filters
                                 or (spec.index_searchable and spec.base_type == "text"))


def answers_keyword(spec: PropertySpec | None) -> bool:
    """Whether the property keeps BM25 postings."""
    return spec is not None and spec.index_searchable and spec.base_type == "text"


def drop_unindexed(columns: MutableMapping[str, object], searchable: MutableMapping[str, object],
                   properties: Mapping[str, PropertySpec]) -> None:
    """Remove from `columns` / `searchable` (property -> structure) what `properties` no longer index, and hand
    the freed heap back to the operating system."""
    dropped = [columns.pop(n) for n in [n for n in columns if not answers_filters(properties.get(n))]]
    dropped += [searchable.pop(n) for n in [n for n in searchable if not answers_keyword(properties.get(n))]]
    if dropped:
        del dropped
        release_free_memory()
