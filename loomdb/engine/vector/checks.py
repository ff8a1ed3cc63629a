"""The vector checks every index applies before a write, with Weaviate's error text."""
from __future__ import annotations

import numpy as np

from ...entities.errors import InvalidInput


def vector_kind_problem(name: str, vector: np.ndarray, multi: bool) -> str | None:
    """Why `vector` (1-D, or 2-D = a matrix of token vectors) does not suit vector space `name`, which holds
    token matrices when `multi` (None = it does)."""
    if multi and vector.ndim != 2:
        return f'target vector "{name}" is a multi vector: it takes a list of vectors, one per token'
    if not multi and vector.ndim != 1:
        return f'target vector "{name}" is not a multi vector: it takes one vector, not a list of vectors'
    return None


def check_vector(vector: np.ndarray, dim: int | None) -> None:
    """Raise InvalidInput if `vector` cannot join a space of dimension `dim` (None = not fixed yet)."""
    if vector.ndim != 1:
        raise InvalidInput("a list of vectors can only be stored in a multi vector space")
    if dim is not None and len(vector) != dim:
        raise InvalidInput(
            f"new node has a vector with length {len(vector)}. Existing nodes have vectors with length {dim}")
    if not np.all(np.isfinite(vector)):
        raise InvalidInput("vector contains NaN or infinite values")


def check_query(query: np.ndarray, dim: int, multi: bool = False) -> None:
    """Raise InvalidInput if `query` cannot be searched in a space of (token) dimension `dim`: a single vector for
    a plain space, a matrix of token vectors for a multi-vector space (`multi`)."""
    if multi and (query.ndim != 2 or query.size == 0):
        raise InvalidInput("multi vector search needs a multi vector (a list of vectors) as query")
    if not multi and query.ndim != 1:
        raise InvalidInput("multivector search is not enabled")      # Weaviate's SearchByMultiVector text
    if query.shape[-1] != dim:
        raise InvalidInput(f"vector lengths don't match: {query.shape[-1]} vs {dim}")
