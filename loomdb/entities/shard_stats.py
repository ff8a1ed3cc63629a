"""What one shard reports about itself, read by /v1/nodes and by the Prometheus collector at scrape time. The
engine fills it on request (nothing is pushed from the engine); the figures are those Weaviate reports per shard."""
from __future__ import annotations

from dataclasses import dataclass

READY, READONLY, INDEXING = "READY", "READONLY", "INDEXING"     # Weaviate's storagestate.Status


@dataclass(frozen=True)
class ShardStats:
    name: str                   # Weaviate's shard name (the tenant's name in a multi-tenant collection)
    status: str                 # READY | READONLY | INDEXING (a vector index is being built in the background)
    object_count: int
    compressed: bool            # a vector index holds PQ/SQ/BQ/RQ codes now
    loaded: bool = True         # False: a HOT tenant whose shard is not open (figures from when it closed)
    vector_dimensions: int = 0  # sum of the dimensions of every stored vector (Weaviate's vector_dimensions_sum)
    vector_index_size: int = 0  # entries the vector indexes hold, tombstones included (grows ahead of vectors)
    tombstones: int = 0         # deleted entries still in a graph, until a cleanup rebuild drops them
    vector_inserts: int = 0     # vectors added to the indexes since the shard opened
    vector_deletes: int = 0     # delete operations on the indexes since the shard opened (one per index per
                                # deleted or overwritten object, as Weaviate deletes from every index)
    queue_length: int = 0       # vectors waiting to be indexed: loomdb indexes within the write, so always 0
