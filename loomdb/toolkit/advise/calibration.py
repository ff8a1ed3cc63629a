"""Constants measured on this machine, so latency estimates come from this CPU and memory rather than from a
published table: how many vector components per second numpy scans in a contiguous pass (flat search) and when
gathering scattered rows (an HNSW hop reads the neighbours of one node, 2 x maxConnections rows at random).
Cached as JSON keyed by the machine's identity; a different machine or numpy, or `--recalibrate`, measures again."""
from __future__ import annotations

import hashlib
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

CALIBRATION_VERSION = 1
_ROWS = 50_000          # a 50k x 128 float32 matrix (25.6 MB) is larger than the caches, like a real index
_DIMS = 128
_GATHER = 64            # rows read per hop: 2 x maxConnections at the default 32
_HOPS_PER_CALL = 32     # hops gathered per numpy call, so Python's per-call overhead does not dominate
_BUDGET_S = 0.25        # per measurement


def cache_path() -> Path:
    base = os.environ.get("LOOMDB_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "loomdb")
    return Path(base) / "calibration.json"


def machine_identity() -> dict[str, Any]:
    """What makes a measurement valid for a machine: host, CPU model and count, Python and numpy versions."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    return {"host": platform.node(), "machine": platform.machine(), "cpu": model, "cpus": os.cpu_count(),
            "python": platform.python_version(), "numpy": np.__version__, "version": CALIBRATION_VERSION}


def _rate(step: Any, components_per_call: int) -> float:
    """Components per second of `step()`, repeated for about `_BUDGET_S` after one warm-up call."""
    step()
    calls, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < _BUDGET_S:
        step()
        calls += 1
    return calls * components_per_call / elapsed


def measure() -> dict[str, Any]:
    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((_ROWS, _DIMS), dtype=np.float32)
    query = rng.standard_normal(_DIMS, dtype=np.float32)
    rows = rng.integers(0, _ROWS, size=(256, _GATHER * _HOPS_PER_CALL))
    position = iter(range(1 << 62))

    def hops() -> None:
        matrix[rows[next(position) % len(rows)]] @ query

    return {"scan_components_per_s": _rate(lambda: matrix @ query, _ROWS * _DIMS),
            "gather_components_per_s": _rate(hops, _GATHER * _HOPS_PER_CALL * _DIMS),
            "hop_rows": _GATHER, "matrix": [_ROWS, _DIMS], "measured_at": time.time()}


def load(recalibrate: bool = False) -> dict[str, Any]:
    """The cached constants for this machine, measured now when missing, stale or `recalibrate`."""
    identity = machine_identity()
    key = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]
    path = cache_path()
    if not recalibrate:
        try:
            cached = json.loads(path.read_text())
            if cached.get("key") == key:
                return {**cached["constants"], "cached": True, "cache": str(path), "identity": identity}
        except (OSError, ValueError, KeyError, TypeError):
            pass
    constants = measure()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"key": key, "identity": identity, "constants": constants}, indent=1))
    except OSError:
        pass                # a read-only home: the figures are still valid for this run
    return {**constants, "cached": False, "cache": str(path), "identity": identity}
