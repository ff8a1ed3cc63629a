"""`loomdb bench`: workload presets (import, near_vector, filtered near_vector, bm25, hybrid, mixed read/write)
on a generated data set or a collection of the target's, at max throughput or a fixed rate, with latency
percentiles, recall next to QPS, and baselines to catch regressions. Public API only, like the whole toolkit.

    from loomdb.toolkit.bench import BenchOptions, bench
    report = bench("http://localhost:8080", BenchOptions(workloads=("near_vector",), duration_s=5))
    report.measurements["workloads"]["near_vector"]["qps"]
"""
from .history import Thresholds, compare, default_history_dir, load_baseline, save_baseline
from .run import BenchOptions, bench
from .workloads import WORKLOADS

__all__ = ["WORKLOADS", "BenchOptions", "Thresholds", "bench", "compare", "default_history_dir", "load_baseline",
           "save_baseline"]
