"""The vector checks every index applies before a write, with Weaviate's error text."""
from __future__ import annotations

import numpy as np

from ...entities.errors import InvalidInput


def check_vector(vector: np.ndarray, dim: int | None) -> None:
    """Raise InvalidInput if `vector` cannot join a space of dimension `dim` (None = not fixed yet)."""
    if dim is not None and len(vector) != dim:
        raise InvalidInput(
            f"new node has a vector with length {len(vector)}. Existing nodes have vectors with length {dim}")
    if not np.all(np.isfinite(vector)):
        raise InvalidInput("vector contains NaN or infinite values")
