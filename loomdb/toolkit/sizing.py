"""Weaviate's published memory formulas (docs: concepts/resources), fed with the real object count and dims."""
from __future__ import annotations

from typing import Any

BYTES_PER_CONNECTION = 10      # "each connection 8-10 B"; the formula uses 10
DEFAULT_MAX_CONNECTIONS = 32   # maxConnections' default since v1.26


def memory_estimate(objects: int, dims: int, max_connections: int | None, index_type: str) -> dict[str, Any]:
    """`objects x (dims x 4 + maxConnections x 10)` ("more accurate") and the 2x rule of thumb (GC headroom)."""
    vectors = objects * dims * 4
    connections = max_connections or DEFAULT_MAX_CONNECTIONS
    graph = objects * connections * BYTES_PER_CONNECTION if index_type != "flat" else 0
    return {"objects": objects, "dims": dims, "vectors_bytes": vectors, "graph_bytes": graph,
            "formula_bytes": vectors + graph, "rule_of_thumb_bytes": 2 * vectors}
