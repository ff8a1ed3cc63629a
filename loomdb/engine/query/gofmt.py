"""Number formatting that reproduces Go's `%v`, for explanation strings clients compare with Weaviate's."""
from __future__ import annotations

import numpy as np


def go_float32(x: float) -> str:
    """Go's %v for a float32: shortest round-trip digits, integral values without ".0"."""
    v = np.float32(x)
    return str(int(v)) if v == int(v) and abs(v) < 1e21 else str(v)
