"""Named settings for the workloads of the repository's `benchmarks/bench_*.py` scripts that a user runs against
their own endpoint, so there is one client-timing code path (this package) instead of a second copy per script.
A preset only fills in BenchOptions fields; any option given explicitly on the command line wins over it.

The `load` preset is issue 17's yardstick (16 clients = 4 processes x 4 threads on 50,000 x 128-d, the `load`
mix of mix.MIX for 180 s). Its output keys are a stable interface: measurements.workloads.load has qps (total
ops/s), errors, p50_ms/p99_ms, ops.<kind>.{p50_ms,p99_ms,qps,completed,errors} and acknowledged.{inserted,
deleted,expected,stored,lost}."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Preset:
    description: str
    settings: dict[str, Any]          # BenchOptions field -> value


PRESETS: dict[str, Preset] = {
    "ann": Preset("near_vector recall and QPS at ef 16..512 (benchmarks/bench_ann.py's sweep)",
                  {"workloads": ("near_vector",), "ef_sweep": (16, 32, 64, 128, 256, 512), "objects": 10_000,
                   "dims": 128, "duration_s": 5.0, "queries": 200}),
    "filtered": Preset("near_vector unfiltered and with a filter matching 10 % (benchmarks/bench_search.py)",
                       {"workloads": ("near_vector", "filtered"), "selectivity": 0.1, "objects": 10_000,
                        "duration_s": 10.0}),
    "hybrid": Preset("bm25, hybrid and near_vector on the same data (benchmarks/bench_relevance.py's queries)",
                     {"workloads": ("bm25", "hybrid", "near_vector"), "objects": 10_000, "duration_s": 10.0}),
    "import": Preset("batch import throughput, 4 threads x batches of 100 (benchmarks/bench_write_path.py)",
                     {"workloads": ("import",), "batch_size": 100, "concurrency": 4, "objects": 1_000,
                      "duration_s": 20.0}),
    "tenants": Preset("near_vector spread over 50 tenants, with tenant activation costs (bench_tenants.py)",
                      {"workloads": ("tenants",), "tenants": 50, "objects": 10_000, "duration_s": 10.0}),
    "load": Preset("issue 17's mix: 16 clients (4 processes x 4 threads) of reads and writes for 180 s",
                   {"workloads": ("load",), "processes": 4, "concurrency": 4, "objects": 50_000, "dims": 128,
                    "duration_s": 180.0, "selectivity": 0.1}),
}
