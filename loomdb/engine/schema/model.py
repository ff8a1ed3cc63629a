"""Typed, snake_case views of a stored class document, so the rest of the engine never digs in camelCase JSON.

The class document itself (Weaviate's schema JSON, every default filled) is what is persisted and returned to
clients; these views are derived from it and rebuilt whenever it changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PRIMITIVE_TYPES = frozenset({
    "text", "int", "number", "boolean", "date", "uuid", "blob", "blobHash", "geoCoordinates", "phoneNumber",
    "object",
})
ARRAY_TYPES = frozenset({"text[]", "int[]", "number[]", "boolean[]", "date[]", "uuid[]", "object[]"})
DATA_TYPES = PRIMITIVE_TYPES | ARRAY_TYPES
DISTANCES = ("cosine", "dot", "l2-squared", "manhattan", "hamming")
LEGACY_VECTOR_NAME = "default"


@dataclass(frozen=True)
class PropertySpec:
    """One property (or nested property) of a collection."""

    name: str
    data_type: str                     # "text", "int[]", "object", ... or a reference's first target class name
    tokenization: str | None = None    # only for text / text[]
    index_filterable: bool = True
    index_searchable: bool = False
    index_range_filters: bool = False
    nested: dict[str, PropertySpec] = field(default_factory=dict)
    targets: tuple[str, ...] = ()      # a reference property's target collections (its whole dataType)

    @property
    def is_reference(self) -> bool:
        return self.data_type not in DATA_TYPES

    @property
    def is_array(self) -> bool:
        return self.data_type.endswith("[]")

    @property
    def base_type(self) -> str:
        """'int[]' -> 'int'; scalars unchanged."""
        return self.data_type[:-2] if self.is_array else self.data_type


@dataclass(frozen=True)
class VectorSpec:
    """One vector space of a collection: a named vector, or the legacy class-level vector exposed as 'default'."""

    name: str
    index_type: str                    # as given by the user: hnsw, flat, dynamic, hfresh, ...
    distance: str                      # one of DISTANCES
    vectorizer: str                    # module name, "none" for self-provided
    index_config: dict[str, Any] = field(default_factory=dict)
    legacy: bool = False               # True for the class-level (unnamed) vector

    @property
    def multi_vector(self) -> bool:
        """Whether each object holds a matrix of token vectors here (ColBERT-style)."""
        return is_multi_vector(self.index_type, self.index_config)


def is_multi_vector(index_type: str, index_config: dict[str, Any]) -> bool:
    """An hnsw index with `multivector.enabled` (Weaviate's other index types do not read that block)."""
    block = index_config.get("multivector")
    return index_type == "hnsw" and isinstance(block, dict) and block.get("enabled") is True


@dataclass(frozen=True)
class MultiTenancySpec:
    """multiTenancyConfig: whether the collection has one shard per tenant, and what a write may do to tenants."""

    enabled: bool = False
    auto_tenant_creation: bool = False       # a write to a missing tenant creates it
    auto_tenant_activation: bool = False     # a write or read of an inactive tenant activates it


@dataclass(frozen=True)
class InvertedSpec:
    """invertedIndexConfig as filters and keyword search read it."""

    index_timestamps: bool = False
    index_null_state: bool = False
    index_property_length: bool = False
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    stopwords_preset: str | None = "en"
    stopwords_additions: tuple[str, ...] | None = None
    stopwords_removals: tuple[str, ...] | None = None
