"""Exact nearest neighbours over fetched vectors (the reference for measuring an ANN index's recall) and the
statistics of the measurement. Pure numpy: no target is touched here."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Z95 = 1.959964     # two-sided 95 % normal quantile
TIE_EPS = 1e-5     # an ANN hit as close as the k-th exact neighbour counts (ties have no order)


def distances(matrix: np.ndarray, query: np.ndarray, metric: str) -> np.ndarray:
    """Weaviate's distance of `query` to every row, for its metrics (cosine, dot, l2-squared, manhattan,
    hamming)."""
    if metric == "cosine":
        norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(query) or 1.0)
        return 1.0 - (matrix @ query) / np.where(norms == 0, 1.0, norms)
    if metric == "dot":
        return -(matrix @ query)
    if metric == "l2-squared":
        diff = matrix - query
        return np.einsum("ij,ij->i", diff, diff)
    if metric == "manhattan":
        return np.abs(matrix - query).sum(axis=1)
    if metric == "hamming":
        return (matrix != query).sum(axis=1).astype(np.float64)
    raise ValueError(f"unknown distance metric {metric!r}")


def recall_at_k(found: Sequence[int], exact_distances: np.ndarray, k: int) -> float:
    """Share of the k exact neighbours the ANN returned; `found` are row numbers into the exact pass. A found row
    at the k-th exact distance (a tie) counts as a true neighbour."""
    if k <= 0 or exact_distances.size == 0:
        return 1.0
    k = min(k, exact_distances.size)
    kth = np.partition(exact_distances, k - 1)[k - 1]
    hits = sum(1 for row in set(found) if exact_distances[row] <= kth + TIE_EPS * max(1.0, abs(kth)))
    return min(hits, k) / k


@dataclass(frozen=True)
class Estimate:
    """A mean with its 95 % confidence interval (normal approximation over per-query values)."""

    mean: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Estimate:
        data = np.asarray(values, dtype=np.float64)
        if data.size == 0:
            return cls(float("nan"), float("nan"), float("nan"), 0)
        mean = float(data.mean())
        half = Z95 * float(data.std(ddof=1)) / np.sqrt(data.size) if data.size > 1 else 0.0
        return cls(mean, max(0.0, mean - half), min(1.0, mean + half), int(data.size))

    def to_dict(self) -> dict[str, float | int]:
        return {"mean": round(self.mean, 4), "ci95_low": round(self.low, 4), "ci95_high": round(self.high, 4),
                "queries": self.n}


def percentiles_ms(latencies: Sequence[float]) -> dict[str, float]:
    data = np.asarray(latencies, dtype=np.float64)
    p50, p95, p99 = np.percentile(data, [50, 95, 99])
    return {"p50_ms": round(float(p50), 3), "p95_ms": round(float(p95), 3), "p99_ms": round(float(p99), 3),
            "n": int(data.size)}
