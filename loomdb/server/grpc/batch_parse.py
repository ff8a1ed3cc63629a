"""weaviate.v1.BatchObject -> IncomingObject, one at a time, so one malformed object fails alone."""
from __future__ import annotations

import numpy as np
from weaviate.proto.v1 import batch_pb2

from ...entities.errors import InvalidInput, LoomError
from ...entities.objects import IncomingObject
from ...usecases.objects import BatchEntry
from .references_parse import reference_properties
from .values import batch_properties, vector_from_bytes, vectors_value


def parse_batch_object(obj: batch_pb2.BatchObject) -> IncomingObject:
    props = obj.properties
    if not obj.uuid:
        raise InvalidInput("id must be set")
    named: dict[str, np.ndarray] = {}
    unnamed = None
    for v in obj.vectors:
        vec = vectors_value(v)
        if v.name:
            named[v.name] = vec
        else:
            unnamed = vec
    if obj.vector_bytes:
        unnamed = vector_from_bytes(obj.vector_bytes)
    elif obj.vector:
        unnamed = np.asarray(obj.vector, dtype=np.float32)
    return IncomingObject(obj.uuid, {**batch_properties(props), **reference_properties(props)}, named, unnamed,
                          tenant=obj.tenant)


def parse_batch_objects(request: batch_pb2.BatchObjectsRequest) -> tuple[list[BatchEntry], dict[int, str]]:
    """(position, collection, object) of every object that parses, and {position: error} of those that don't."""
    entries: list[BatchEntry] = []
    errors: dict[int, str] = {}
    for i, obj in enumerate(request.objects):
        try:
            entries.append((i, obj.collection, parse_batch_object(obj)))
        except LoomError as exc:
            errors[i] = exc.message
    return entries, errors
