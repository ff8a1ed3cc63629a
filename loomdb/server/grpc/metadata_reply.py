"""Object-level result metadata (id, timestamps, consistency, vectors), shared by search hits and referenced
objects."""
from __future__ import annotations

from weaviate.proto.v1 import base_pb2, search_get_pb2

from ...entities.objects import StoredObject, uuid_to_bytes
from ...entities.projection import Projection
from .values import float32_bytes, multi_vector_bytes


def object_metadata(md: search_get_pb2.MetadataResult, obj: StoredObject, projection: Projection,
                    legacy_vectors: bool) -> None:
    """The object-level metadata (id, timestamps, consistency, vectors) shared by hits and referenced objects."""
    md.id = obj.uuid
    md.id_as_bytes = uuid_to_bytes(obj.uuid)
    if projection.creation_time:
        md.creation_time_unix = obj.created_ms
        md.creation_time_unix_present = True
    if projection.update_time:
        md.last_update_time_unix = obj.updated_ms
        md.last_update_time_unix_present = True
    if projection.is_consistent:
        md.is_consistent = True
        md.is_consistent_present = True
    for name, vec in obj.vectors.items():
        if legacy_vectors and projection.vector:
            md.vector_bytes = float32_bytes(vec)
        elif (projection.vector or name in projection.vectors) and vec.ndim == 2:     # a token matrix
            md.vectors.append(base_pb2.Vectors(name=name, vector_bytes=multi_vector_bytes(vec),
                                               type=base_pb2.Vectors.VECTOR_TYPE_MULTI_FP32))
        elif projection.vector or name in projection.vectors:
            md.vectors.append(base_pb2.Vectors(name=name, vector_bytes=float32_bytes(vec),
                                               type=base_pb2.Vectors.VECTOR_TYPE_SINGLE_FP32))
