"""The ef sweep of ann-benchmarks and Weaviate's benchmarker: near_vector's QPS, latency and recall at each ef on
the generated set, and which points are on the Pareto frontier (no other point is both faster and more
accurate). ef is changed through the schema API and restored afterwards."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..remote.reconfigure import set_ef
from .accuracy import measured_recall
from .dataset import Dataset
from .load import latency_summary, run_load
from .workloads import NearVector, QuerySet

VECTOR_NAME = "default"      # the name Configure.Vectors.self_provided() gives the generated set's vector


def ef_sweep(http: Any, collection: Any, data: Dataset, queries: QuerySet, efs: tuple[int, ...], k: int,
             duration_s: float, concurrency: int, say: Callable[[str], None]) -> list[dict[str, Any]]:
    original = http.get(f"/v1/schema/{collection.name}").json()["vectorConfig"][VECTOR_NAME]["vectorIndexConfig"]
    points = []
    try:
        for ef in efs:
            say(f"ef sweep: ef={ef}")
            set_ef(http, collection.name, VECTOR_NAME, ef)
            result = run_load(NearVector(collection, queries, k), duration_s, concurrency)
            recall = measured_recall(result.outcomes.values(), data, k)
            points.append({"ef": ef, "qps": round(result.qps, 2), "recall": recall["mean"],
                           "completed": result.completed, "errors": result.errors,
                           **latency_summary(result.latencies_ms)})
    finally:
        set_ef(http, collection.name, VECTOR_NAME, original["ef"])
    for point in points:
        point["pareto"] = not any(other["qps"] >= point["qps"] and other["recall"] >= point["recall"]
                                  and (other["qps"], other["recall"]) != (point["qps"], point["recall"])
                                  for other in points)
    return points
