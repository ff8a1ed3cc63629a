"""faiss's OpenMP threads for small graph inserts: one.

A write adds a handful of vectors under the shard's write lock while request threads wait. With faiss's
default team (one OpenMP thread per core) each add pays team start-up and spin-waiting barriers that fight the
request threads for the same cores: a 10-object insert into a 50k x 128 HNSW graph cost 44 ms of CPU with two
threads and 15-18 ms with one (2 cores, loaded). Bulk adds (open without a snapshot, background rebuilds) keep the
whole team. OpenMP's thread count is per calling thread, so the setting is set and restored around the call.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import faiss

SMALL_ADD = 256     # at most this many vectors: one thread


@contextmanager
def threads_for_add(rows: int) -> Iterator[None]:
    """Run the enclosed faiss add of `rows` vectors on one OpenMP thread when it is small."""
    if rows > SMALL_ADD:
        yield
        return
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)
