"""`loomdb bench`: workloads (import, near_vector, filtered near_vector, bm25, hybrid, mixed read/write, multi-tenant,
issue 17's `load` mix) and presets of the repository's benchmarks, on a generated data set or a collection of the
target's, from threads and worker processes, at max throughput or a fixed rate, with latency percentiles, recall
next to QPS, baselines to catch regressions and a history of runs. Public API only, like the whole toolkit.

    from loomdb.toolkit.bench import BenchOptions, bench
    report = bench("http://localhost:8080", BenchOptions(workloads=("near_vector",), duration_s=5))
    report.measurements["workloads"]["near_vector"]["qps"]
"""
from .history import (
    Thresholds,
    compare,
    default_history_dir,
    load_baseline,
    read_runs,
    record_run,
    save_baseline,
    trend_rows,
)
from .presets import PRESETS
from .run import BenchOptions, bench
from .workloads import WORKLOADS

__all__ = ["PRESETS", "WORKLOADS", "BenchOptions", "Thresholds", "bench", "compare", "default_history_dir",
           "load_baseline", "read_runs", "record_run", "save_baseline", "trend_rows"]
