"""The user's vectors for measuring compression recall: a .npy file, or a sample read through a live endpoint's
public API (the official client's iterator), with the collection's distance metric."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..index_config import IndexConfig
from ..queries import stored_vector
from ..remote import inventory
from ..remote.target import Target


class SampleError(ValueError):
    """The vectors cannot be used (unreadable file, wrong shape, no such collection, no vectors)."""


def from_file(path: Path, limit: int) -> np.ndarray:
    try:
        matrix = np.load(path, allow_pickle=False, mmap_mode="r")
    except (OSError, ValueError) as exc:
        raise SampleError(f"cannot read {path}: {exc}") from None
    if matrix.ndim != 2 or matrix.shape[0] == 0 or not np.issubdtype(matrix.dtype, np.number):
        raise SampleError(f"{path}: expected a 2-d numeric array (vectors x dims), got shape {matrix.shape} "
                          f"dtype {matrix.dtype}")
    return np.asarray(matrix[:limit], dtype=np.float32)


def from_endpoint(target: Target, collection: str, limit: int) -> tuple[np.ndarray, str]:
    """Up to `limit` stored vectors of `collection` (its first vector / tenant) and its distance metric."""
    with target.http() as http:
        configs = {c["class"]: c for c in inventory.collections(http)}
    if collection not in configs:
        raise SampleError(f"no collection {collection!r} at {target.describe()} (found: {sorted(configs)})")
    index = IndexConfig.first_of(configs[collection])
    client = target.connect()
    try:
        handle, _ = inventory.handle(client, configs[collection])
        rows = []
        if handle is not None:
            for obj in handle.iterator(include_vector=[index.vector_name] if index.vector_name else True):
                vector = stored_vector(obj, index.vector_name)
                if vector is not None:
                    rows.append(vector)
                if len(rows) >= limit:
                    break
    finally:
        client.close()
    if not rows:
        raise SampleError(f"{collection}: no vectors to sample")
    return np.asarray(rows, dtype=np.float32), index.distance
