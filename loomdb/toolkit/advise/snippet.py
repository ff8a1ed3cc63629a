"""The configuration to paste: v4 Python client code and the equivalent class JSON (REST /v1/schema)."""
from __future__ import annotations

from typing import Any

from .plan import Plan
from .quantizers import pq_segments

_DISTANCE_ENUM = {"cosine": "COSINE", "dot": "DOT", "l2-squared": "L2_SQUARED", "manhattan": "MANHATTAN",
                  "hamming": "HAMMING"}
_QUANTIZER_CALL = {"pq": "pq(segments={segments})", "sq": "sq()", "bq": "bq()", "rq8": "rq(bits=8)",
                   "rq1": "rq(bits=1)"}


def _quantizer_json(compression: str, segments: int) -> dict[str, Any]:
    if compression == "pq":
        return {"pq": {"enabled": True, "segments": segments}}
    if compression in ("rq8", "rq1"):
        return {"rq": {"enabled": True, "bits": 8 if compression == "rq8" else 1}}
    return {compression: {"enabled": True}}


def snippets(plan: Plan, compression: str = "none", ef: int | None = None) -> dict[str, Any]:
    """`python`: code for weaviate-client v4 (>= 4.16, `Configure.Vectors`); `class_json`: the same as JSON."""
    segments = pq_segments(plan.dims)
    ef_value = ef if ef is not None else (plan.ef if plan.ef is not None else -1)
    quantizer = (f"\n            quantizer=Configure.VectorIndex.Quantizer."
                 f"{_QUANTIZER_CALL[compression].format(segments=segments)},") if compression != "none" else ""
    python = (
        "from weaviate.classes.config import Configure, VectorDistances\n\n"
        f"client.collections.create(\n    {plan.collection!r},\n"
        "    vector_config=Configure.Vectors.self_provided(\n"
        "        vector_index_config=Configure.VectorIndex.hnsw(\n"
        f"            ef={ef_value},\n            ef_construction={plan.ef_construction},\n"
        f"            max_connections={plan.max_connections},\n"
        f"            distance_metric=VectorDistances.{_DISTANCE_ENUM[plan.distance]},{quantizer}\n"
        "        ),\n    ),\n)\n")
    index: dict[str, Any] = {"distance": plan.distance, "ef": ef_value, "efConstruction": plan.ef_construction,
                             "maxConnections": plan.max_connections}
    if compression != "none":
        index.update(_quantizer_json(compression, segments))
    class_json = {"class": plan.collection, "vectorConfig": {"default": {
        "vectorizer": {"none": {}}, "vectorIndexType": "hnsw", "vectorIndexConfig": index}}}
    return {"python": python, "class_json": class_json}
