"""Weaviate's five distance definitions, computed for one query against many rows at once.

cosine = 1 - cos(a, b) in [0, 2] (rows are stored normalised); dot = -a.b; l2-squared = sum (a-b)^2;
manhattan = sum |a-b|; hamming = number of differing dimensions. Smaller is always closer.
"""
from __future__ import annotations

import numpy as np

from ...entities.errors import InvalidInput

_CHUNK_ROWS = 4096   # keeps the (rows x dim) temporaries of manhattan/hamming small


def normalise(v: np.ndarray) -> np.ndarray:
    """Unit-length copy (zero vectors stay zero), as Weaviate does for cosine at insert and query time."""
    if v.ndim == 1:         # one query vector: the per-query hot path, without linalg's generic machinery
        norm = float(np.sqrt(np.dot(v, v)))
        return v / np.float32(norm) if norm > 0 else np.zeros_like(v)
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    return np.divide(v, norm, out=np.zeros_like(v), where=norm > 0)


def distances(metric: str, rows: np.ndarray, query: np.ndarray, row_sqnorms: np.ndarray | None = None
              ) -> np.ndarray:
    """Distance from `query` to every row of `rows` (float32 2-D). For cosine both sides must be normalised.
    For l2-squared, `row_sqnorms` (|row|^2) selects the fast expansion, whose float32 cancellation the caller
    must correct (FlatIndex does); without it the distance is computed exactly."""
    if metric == "cosine":
        return 1.0 - rows @ query
    if metric == "dot":
        return -(rows @ query)
    if metric == "l2-squared":
        if row_sqnorms is None:        # exact: sum (r - q)^2 (the expansion below cancels for large norms)
            return _chunked(rows, lambda part: np.einsum("ij,ij->i", part - query, part - query))
        return np.maximum(row_sqnorms - 2.0 * (rows @ query) + float(query @ query), 0.0)
    if metric == "manhattan":
        return _chunked(rows, lambda part: np.abs(part - query).sum(axis=1))
    if metric == "hamming":
        return _chunked(rows, lambda part: (part != query).sum(axis=1).astype(np.float32))
    raise InvalidInput(f"unsupported distance metric {metric!r}")


def _chunked(rows: np.ndarray, fn) -> np.ndarray:
    out = np.empty(len(rows), dtype=np.float32)
    for start in range(0, len(rows), _CHUNK_ROWS):
        out[start:start + _CHUNK_ROWS] = fn(rows[start:start + _CHUNK_ROWS])
    return out

