"""Which index serves a vector space, from its configured type. Every Weaviate index type is accepted; types
loomdb does not implement (hfresh, ...) are served by the closest one (HNSW), the stored config stays as given."""
from __future__ import annotations

from collections.abc import Callable

from ..schema.model import VectorSpec
from .dynamic import DynamicIndex
from .flat import FlatIndex
from .hnsw import HNSW_METRICS, HnswIndex
from .index import VectorIndex
from .multivector import MultiVectorIndex
from .stored import StoredVectors


def make_index(spec: VectorSpec, source: StoredVectors | None = None, wake: Callable[[], None] | None = None
               ) -> VectorIndex:
    """`source` = the space's full vectors in the shard's store, which compressed graphs rescore with; `wake` asks
    the shard to run the index's `maintain` when a background build ends. The flat index stays exact and
    uncompressed (Weaviate's flat BQ/RQ cache is not implemented)."""
    if spec.multi_vector:
        return MultiVectorIndex(spec.distance, spec.index_config)
    if spec.index_type == "flat":
        return FlatIndex(spec.distance)
    if spec.index_type == "dynamic":
        return DynamicIndex(spec.distance, spec.index_config, source, wake)
    if spec.distance not in HNSW_METRICS:     # hamming: no graph support in faiss; exact search stays correct
        return FlatIndex(spec.distance)
    return HnswIndex(spec.distance, spec.index_config, source, wake)
