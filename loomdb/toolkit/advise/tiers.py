"""Measured recall of the HNSW parameter tiers on a sample of the user's vectors: each tier's graph (maxConnections,
efConstruction) is built with faiss' HNSW, the same library and graph shape loomdb serves (layer 0 has
2 x maxConnections links, as in Weaviate), and searched at the tier's ef; its answers are scored against an exact
numpy pass over the same sample. So the advised ef / M for a recall target above the docs' 0.95 tip rests on a
measurement on the user's data, not on a heuristic. A sample smaller than the planned collection flatters recall
a little (a smaller graph is easier to search): the finding says so."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ..recall import Estimate, distances, recall_at_k

MEASURABLE = ("cosine", "dot", "l2-squared")      # the metrics faiss' HNSW computes as Weaviate does


def measure_tiers(sample: np.ndarray, tiers: tuple[tuple[float, int, int, int], ...], distance: str, k: int,
                  queries: int, progress: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """Per tier (recall aim, ef, efConstruction, maxConnections): recall@k with its 95 % interval, build
    seconds and search microseconds per query on this machine. The last `queries` rows query the rest."""
    import faiss

    if distance not in MEASURABLE:
        raise ValueError(f"measured tiers support {', '.join(MEASURABLE)} distances, not {distance}")
    if len(sample) <= queries + k:
        raise ValueError(f"the sample has {len(sample)} vectors: need more than --queries + k ({queries + k})")
    data = np.ascontiguousarray(sample, dtype=np.float32)
    if distance == "cosine":
        data = data / np.maximum(np.linalg.norm(data, axis=1, keepdims=True), 1e-12)
    base, probes = data[:-queries], data[-queries:]
    exact = [distances(base, q, "dot" if distance == "cosine" else distance) for q in probes]
    metric = faiss.METRIC_L2 if distance == "l2-squared" else faiss.METRIC_INNER_PRODUCT
    out = []
    for aim, ef, ef_construction, max_connections in tiers:
        if progress:
            progress(f"measuring the {aim} tier: M {max_connections}, efConstruction {ef_construction}, ef {ef}")
        index = faiss.IndexHNSWFlat(base.shape[1], max_connections, metric)
        index.hnsw.efConstruction = ef_construction
        started = time.perf_counter()
        index.add(base)
        built = time.perf_counter() - started
        index.hnsw.efSearch = max(ef, k)
        started = time.perf_counter()
        found = [index.search(probe[None, :], k)[1][0] for probe in probes]    # one at a time, as queries come
        search_us = (time.perf_counter() - started) / len(probes) * 1e6
        recall = Estimate.of([recall_at_k([int(r) for r in row if r >= 0], truth, k)
                              for row, truth in zip(found, exact, strict=True)])
        out.append({"aim": aim, "ef": ef, "efConstruction": ef_construction, "maxConnections": max_connections,
                    "recall": recall.to_dict(), "build_s": round(built, 3), "search_us": round(search_us, 1)})
    return out


def first_meeting(measured: list[dict[str, Any]], target: float) -> dict[str, Any] | None:
    """The cheapest tier (tiers grow in cost) whose measured mean recall reaches the target."""
    return next((tier for tier in measured if tier["recall"]["mean"] >= target), None)
