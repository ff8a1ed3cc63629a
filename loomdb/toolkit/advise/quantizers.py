"""Weaviate's vector compressions, their in-memory bytes per vector (docs: concepts/vector-quantization,
configuration/compression/*) and numpy models of each, so recall can be measured on the user's own vectors.
The models follow the documented mechanism (PQ: 256 centroids per segment; SQ: 256 buckets over the trained range;
BQ: one bit per dimension, hamming; RQ: a random rotation, dims padded to a multiple of 64, then 8 or 1 bit),
not Weaviate's code: the figures they give are the recall each mechanism allows on this data."""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..recall import distances

PQ_CENTROIDS = 256          # "256 centroids" per segment (docs)
PQ_DIMS_PER_SEGMENT = 6     # docs example (academy/py/compression/pq): 768 dims -> 128 segments, "a factor of 6"
SQ_BUCKETS = 256            # "256 buckets"
RQ_BLOCK = 64               # RQ pads dims up to a multiple of 64
RQ8_AUX_BYTES = 16          # "+16 B" per vector (8-bit) / "+8 B" (1-bit), docs
RQ1_AUX_BYTES = 8
RESCORE_LIMITS = {"sq": 20, "rq8": 20, "rq1": 512}    # documented rescoreLimit defaults on hnsw
KMEANS_ROUNDS = 8
KINDS = ("pq", "sq", "bq", "rq8", "rq1")
LABELS = {"none": "uncompressed float32", "pq": "PQ (product quantization)", "sq": "SQ (8-bit scalar)",
          "bq": "BQ (1-bit binary)", "rq8": "RQ 8-bit (recommended)", "rq1": "RQ 1-bit"}


def pq_segments(dims: int) -> int:
    """The largest divisor of dims that is at most dims / 6 (segments must divide the dimensions)."""
    target = max(1, dims // PQ_DIMS_PER_SEGMENT)
    return max(d for d in range(1, target + 1) if dims % d == 0)


def _padded(dims: int) -> int:
    return math.ceil(dims / RQ_BLOCK) * RQ_BLOCK


def bytes_per_vector(kind: str, dims: int) -> int:
    """In-memory bytes of one compressed vector (the full float32 vector stays on disk for rescoring)."""
    sizes: dict[str, Callable[[int], int]] = {
        "none": lambda d: 4 * d, "pq": pq_segments, "sq": lambda d: d, "bq": lambda d: math.ceil(d / 64) * 8,
        "rq8": lambda d: _padded(d) + RQ8_AUX_BYTES, "rq1": lambda d: _padded(d) // 8 + RQ1_AUX_BYTES}
    return sizes[kind](dims)


def fixed_bytes(kind: str, dims: int) -> int:
    """Per-shard state independent of the object count: PQ's codebook, SQ's range."""
    return {"pq": PQ_CENTROIDS * dims * 4, "sq": 8}.get(kind, 0)


Scorer = Callable[[np.ndarray], np.ndarray]   # query -> approximate distance to every base row


def prepare(matrix: np.ndarray, metric: str) -> np.ndarray:
    """Cosine indexes store unit vectors (Weaviate normalises them), so all math below runs on those."""
    data = matrix.astype(np.float32)
    if metric == "cosine":
        norms = np.linalg.norm(data, axis=1, keepdims=True)
        data = (data / np.where(norms == 0, 1.0, norms)).astype(np.float32)
    return data


def build(kind: str, base: np.ndarray, metric: str, seed: int) -> Scorer:
    """Train on `base` (already `prepare`d) and return the scorer of a compressed index of it."""
    exact_metric = "dot" if metric == "cosine" else metric
    if kind == "bq":
        bits = np.packbits(base > 0, axis=1)
        return lambda q: np.unpackbits(bits ^ np.packbits(q > 0), axis=1).sum(axis=1).astype(np.float64)
    if kind == "sq":
        low, high = float(base.min()), float(base.max())
        step = (high - low) / (SQ_BUCKETS - 1) or 1.0
        decoded = np.round((base - low) / step) * step + low
        return lambda q: distances(decoded, q, exact_metric)
    if kind == "pq":
        decoded = _pq_reconstruct(base, pq_segments(base.shape[1]), np.random.default_rng(seed))
        return lambda q: distances(decoded, q, exact_metric)
    if kind in ("rq8", "rq1"):
        rotation = _rotation(base.shape[1], np.random.default_rng(seed))
        rotated = base @ rotation
        decoded = _scalar_per_vector(rotated) if kind == "rq8" else _signs_scaled(rotated)
        return lambda q: distances(decoded, q @ rotation, exact_metric)
    raise ValueError(f"unknown compression {kind!r}")


def _rotation(dims: int, rng: np.random.Generator) -> np.ndarray:
    """A random orthogonal map from dims into the padded space (QR of a Gaussian matrix)."""
    padded = _padded(dims)
    q, _ = np.linalg.qr(rng.standard_normal((padded, padded)))
    return q[:dims].astype(np.float32)


def _scalar_per_vector(rotated: np.ndarray) -> np.ndarray:
    low = rotated.min(axis=1, keepdims=True)
    step = (rotated.max(axis=1, keepdims=True) - low) / 255
    step = np.where(step == 0, 1.0, step)
    return np.round((rotated - low) / step) * step + low


def _signs_scaled(rotated: np.ndarray) -> np.ndarray:
    """1 bit per rotated dimension, scaled so the code keeps the vector's norm."""
    norms = np.linalg.norm(rotated, axis=1, keepdims=True)
    return np.where(rotated > 0, 1.0, -1.0) * norms / np.sqrt(rotated.shape[1])


def _pq_reconstruct(base: np.ndarray, segments: int, rng: np.random.Generator) -> np.ndarray:
    """k-means (256 centroids, or fewer on a small sample) per segment; each row replaced by its centroids."""
    width = base.shape[1] // segments
    centroids_count = min(PQ_CENTROIDS, len(base))
    out = np.empty_like(base)
    for s in range(segments):
        part = base[:, s * width:(s + 1) * width]
        centroids = part[rng.choice(len(part), size=centroids_count, replace=False)].copy()
        for _ in range(KMEANS_ROUNDS):
            assign = _nearest(part, centroids)
            counts = np.bincount(assign, minlength=centroids_count)
            sums = np.zeros_like(centroids)
            np.add.at(sums, assign, part)
            filled = counts > 0
            centroids[filled] = sums[filled] / counts[filled, None]
        out[:, s * width:(s + 1) * width] = centroids[_nearest(part, centroids)]
    return out


def _nearest(points: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    d = (points ** 2).sum(1)[:, None] - 2 * points @ centroids.T + (centroids ** 2).sum(1)[None, :]
    return np.argmin(d, axis=1)
