"""A query vector must be finite, as a stored one must (engine/vector/checks.py refuses NaN/inf on insert): a NaN
would otherwise score every object alike (distance 1.0 for all) instead of failing."""
from __future__ import annotations

import numpy as np

from ..entities.errors import InvalidInput
from ..entities.search import Hybrid, NearVector


def check_query_vectors(near_vector: NearVector | None, hybrid: Hybrid | None) -> None:
    """Refuse a near_vector / hybrid query whose vector holds NaN or infinite values."""
    if near_vector is not None:
        _check("near_vector", near_vector.vector)
        _check_per_target("near_vector", near_vector)
    if hybrid is not None:
        _check("hybrid", hybrid.vector)
        if hybrid.near_vector is not None:
            _check("hybrid near_vector", hybrid.near_vector.vector)
            _check_per_target("hybrid near_vector", hybrid.near_vector)


def _check_per_target(where: str, near_vector: NearVector) -> None:
    for _, vectors in near_vector.per_target:
        for vector in vectors:
            _check(where, vector)


def _check(where: str, vector: np.ndarray | None) -> None:
    if vector is not None and len(vector) and not np.isfinite(np.asarray(vector, dtype=np.float64)).all():
        raise InvalidInput(f"{where}: the query vector contains NaN or infinite values")
