"""Giving freed heap memory back to the operating system after bulk work.

glibc keeps freed blocks of the main heap resident: after a large import (array regrowth, uuid-index merges,
faiss' own buffer growth) that is ~10% of the process's growth (measured 20 MiB at 200k x 128, ~60-90 MiB at 1M).
`malloc_trim(0)` hands it back in ~2 ms. Other C libraries (macOS, Windows, musl) have no such call: no-op."""
from __future__ import annotations

import ctypes
import ctypes.util
import sys

_TRIM_EVERY = 50_000    # objects written between trims: 2 ms per 50k objects is noise next to the import itself
_M_MMAP_THRESHOLD = -3  # glibc mallopt parameter
_MMAP_THRESHOLD = 1 << 20


def _glibc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim, libc.mallopt          # noqa: B018 - both exist only in glibc
        return libc
    except (OSError, AttributeError):      # not glibc (e.g. musl)
        return None


_LIBC = _glibc()
_TRIM = _LIBC.malloc_trim if _LIBC is not None else None


def settle_allocator() -> None:
    """For a dedicated server process: blocks of 1 MiB and more get their own mappings (returned to the OS when
    freed) instead of glibc raising that threshold up to 32 MiB, where regrown arrays leave heap holes (measured
    -10 MiB at 200k x 128). Not applied in embedded mode: the process belongs to the user."""
    if _LIBC is not None:
        _LIBC.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)


def limit_blas_threads(threads: int) -> None:
    """For a dedicated server process: BLAS (numpy's matrix products, flat vector search) runs on `threads`
    threads. The server already runs requests in parallel; BLAS's own threads on top of them oversubscribe the
    cores: 4 concurrent 100k x 128 scans on 2 cores give 104 qps with OpenBLAS's default threads and 361 qps with
    one (one query alone: 4.6 -> 5.7 ms). Not applied in embedded mode: the process belongs to the user."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads, user_api="blas")      # process-wide until exit


def release_free_memory() -> None:
    if _TRIM is not None:
        _TRIM(0)


class TrimAfterBulkWrites:
    """Counts written objects; trims the heap each time another `_TRIM_EVERY` have gone in."""

    def __init__(self) -> None:
        self._since = 0

    def wrote(self, count: int) -> None:
        self._since += count
        if self._since >= _TRIM_EVERY:
            self._since = 0
            release_free_memory()
