"""`bench(target, options) -> Report`: set up the data (a generated collection the run owns, or the target's own
collection read-only), run each workload for the duration, and put throughput, latency percentiles and recall
in the report's measurements. Failed requests and empty runs become findings."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..queries import stored_vector, stored_word
from ..remote.target import Target, as_target
from ..report import Finding, Report, Severity
from . import dataset as ds
from .accuracy import measured_recall
from .load import LoadResult, Operation, latency_summary, run_load
from .sweep import ef_sweep
from .workloads import (
    ANN,
    READ_ONLY,
    WORKLOADS,
    Bm25,
    Hybrid,
    Import,
    Mixed,
    NearVector,
    ObjectMaker,
    QuerySet,
    bucket_filter,
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BenchOptions:
    workloads: tuple[str, ...] = ("near_vector",)
    duration_s: float = 10.0
    warmup_s: float = 0.0                # per workload, run first and not counted (cold caches)
    concurrency: int = 1
    rate: float | None = None            # ops/s for open loop; None = max throughput
    collection: str | None = None        # the target's own collection (read-only workloads only)
    objects: int = 10_000
    dims: int = 128
    k: int = 10
    selectivity: float = 0.1
    batch_size: int = 100
    write_ratio: float = 0.1
    ef: int | None = None                # the generated collection's HNSW ef (None = the server's default)
    queries: int = 100
    seed: int = 0
    keep: bool = False                   # keep the generated collection (to inspect or re-check it)
    ef_sweep: tuple[int, ...] = ()       # near_vector at each ef (generated set): recall vs QPS

    def problems(self) -> list[str]:
        """Combinations that cannot run (usage errors)."""
        unknown = sorted(set(self.workloads) - set(WORKLOADS))
        out = [f"unknown workload(s) {unknown}; choose from {list(WORKLOADS)}"] if unknown else []
        if self.collection:
            writes = sorted(set(self.workloads) - set(READ_ONLY))
            if writes:
                out.append(f"workload(s) {writes} need the generated data set; on --collection only "
                           f"{list(READ_ONLY)} run (bench never writes to your data)")
            if self.keep or self.ef is not None or self.ef_sweep:
                out.append("--keep, --ef and --ef-sweep apply to the generated data set, not to --collection")
        return out


def bench(target: Target | str | Any | None = None, options: BenchOptions | None = None,
          progress: Progress | None = None) -> Report:
    options = options or BenchOptions()
    problems = options.problems()
    if problems:
        raise ValueError("; ".join(problems))
    target = as_target(target)
    report = Report("bench", target.describe())
    settings = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(options).items()}   # as JSON has them
    report.measurements["settings"] = {**settings, "mode": "fixed_rate" if options.rate else "max_throughput"}
    started = time.perf_counter()
    say = progress or (lambda _text: None)
    try:
        client = target.connect()
        if not client.is_ready():
            client.close()
            raise ConnectionError(f"{target.base_url}/v1/.well-known/ready did not answer 200")
    except Exception as exc:  # noqa: BLE001 - any failure to reach the target is the finding
        report.unreachable = True
        report.add(Finding("target.unreachable", Severity.CRITICAL, "The target cannot be reached",
                           f"{type(exc).__name__}: {exc}", action="Run `loomdb doctor` on the same URL."))
        report.duration_s = time.perf_counter() - started
        return report
    try:
        if options.collection:
            _bench_own(client, options, report, say)
        else:
            _bench_generated(client, target, options, report, say)
    finally:
        client.close()
    report.duration_s = time.perf_counter() - started
    return report


def _bench_generated(client: Any, target: Target, options: BenchOptions, report: Report, say: Progress) -> None:
    data = ds.Dataset.generate(options.objects, options.dims, options.seed, options.queries)
    name = ds.new_collection_name()
    collection = ds.create_collection(client, name, options.ef)
    try:
        say(f"loading {options.objects} objects of {options.dims} dims into {name}")
        start = time.perf_counter()
        ds.load(collection, data, range(options.objects), options.batch_size)
        load_s = time.perf_counter() - start
        report.measurements["dataset"] = {
            "collection": name, "kept": options.keep, "objects": options.objects, "dims": options.dims,
            "distance": "cosine", "ef": options.ef, "load_s": round(load_s, 3),
            "load_objects_per_s": round(options.objects / load_s, 1) if load_s > 0 else None}
        queries = QuerySet([v.tolist() for v in data.queries], data.words[:64])
        maker = ObjectMaker(options.dims, data.words, options.seed)
        where, cutoff = bucket_filter(options.selectivity)
        if options.ef_sweep:
            with target.http() as http:
                report.measurements["ef_sweep"] = ef_sweep(http, collection, data, queries, options.ef_sweep,
                                                           options.k, options.duration_s, options.concurrency, say)
        for workload in _ordered(options.workloads):
            op = _operation(workload, collection, queries, options, maker, where)
            result = _run(workload, op, options, report, say)
            figures = report.measurements["workloads"][workload]
            if workload in ANN and result.outcomes:
                figures["recall"] = measured_recall(result.outcomes.values(), data, options.k,
                                                    cutoff if workload == "filtered" else None)
            if workload == "filtered":
                figures["selectivity"] = round(float(np.mean(data.buckets < cutoff)), 4)
            if workload == "import":
                figures["objects_per_s"] = round(result.qps * options.batch_size, 1)
            if workload == "mixed":
                _split_mixed(result, figures)
    finally:
        if not options.keep:
            client.collections.delete(name)


def _bench_own(client: Any, options: BenchOptions, report: Report, say: Progress) -> None:
    name = options.collection
    if not client.collections.exists(name):
        report.add(Finding("collection.missing", Severity.CRITICAL, f"Collection {name!r} does not exist",
                           f"GET /v1/schema/{name} found nothing", action="Check the name (case matters)."))
        return
    collection = client.collections.get(name)
    config = collection.config.get()
    text_props = [p.name for p in config.properties if str(p.data_type.value).startswith("text")]
    say(f"sampling {options.queries} stored objects of {name} as queries")
    sample = collection.query.fetch_objects(limit=options.queries, include_vector=True).objects
    vectors = [v for v in (stored_vector(o, None) for o in sample) if v]
    words = [w for w in (stored_word(o, text_props) for o in sample) if w]
    report.measurements["dataset"] = {"collection": name, "sampled_queries": len(sample),
                                      "query_vectors": len(vectors), "query_words": len(words)}
    queries = QuerySet(vectors or [[0.0]], words or [""])
    for workload in _ordered(options.workloads):
        needs_vectors, needs_words = workload in ("near_vector", "hybrid"), workload in ("bm25", "hybrid")
        if (needs_vectors and not vectors) or (needs_words and not words):
            report.add(Finding("workload.skipped", Severity.INFO, f"{workload} skipped on {name}",
                               "no stored " + ("vectors" if needs_vectors and not vectors else "text") +
                               " to build queries from", collection=name))
            continue
        _run(workload, _operation(workload, collection, queries, options), options, report, say)


def _operation(workload: str, collection: Any, queries: QuerySet, options: BenchOptions,
               maker: ObjectMaker | None = None, where: Any = None) -> Operation:
    """The preset's operation; `maker` (writes) and `where` (the filter) exist only on generated data."""
    if workload == "near_vector":
        return NearVector(collection, queries, options.k)
    if workload == "filtered":
        return NearVector(collection, queries, options.k, where)
    if workload == "bm25":
        return Bm25(collection, queries, options.k)
    if workload == "hybrid":
        return Hybrid(collection, queries, options.k)
    if maker is None:
        raise ValueError(f"{workload} writes, and runs only on the generated data set")
    if workload == "mixed":
        return Mixed(NearVector(collection, queries, options.k), collection, maker, options.write_ratio,
                     options.seed)
    return Import(collection, maker, options.batch_size)


def _run(workload: str, op: Operation, options: BenchOptions, report: Report, say: Progress) -> LoadResult:
    say(f"{workload}: {options.duration_s:g} s on {options.concurrency} thread(s)"
        + (f" at {options.rate:g} ops/s" if options.rate else ""))
    if options.warmup_s:
        run_load(op, options.warmup_s, options.concurrency, options.rate)
    result = run_load(op, options.duration_s, options.concurrency, options.rate)
    figures: dict[str, Any] = {"qps": round(result.qps, 2), "completed": result.completed, "errors": result.errors,
                               "elapsed_s": round(result.elapsed_s, 3), **latency_summary(result.latencies_ms)}
    if options.rate:
        figures["target_qps"] = options.rate
        figures["service"] = latency_summary(result.service_ms)   # from the actual send, for comparison
    report.measurements.setdefault("workloads", {})[workload] = figures
    if result.errors:
        severity = Severity.HIGH if result.completed == 0 else Severity.MEDIUM
        report.add(Finding("workload.errors", severity, f"{workload}: {result.errors} request(s) failed",
                           f"{result.errors} failed, {result.completed} completed; first: {result.first_error}",
                           why="Failed requests are excluded from the latency figures, which then flatter.",
                           action="Run `loomdb doctor`; lower --concurrency or --rate.", data={"workload": workload}))
    elif result.completed == 0:
        report.add(Finding("workload.empty", Severity.HIGH, f"{workload}: no request completed",
                           f"0 completed in {options.duration_s:g} s", action="Raise --duration.",
                           data={"workload": workload}))
    return result


def _split_mixed(result: LoadResult, figures: dict[str, Any]) -> None:
    kinds = np.asarray([result.outcomes[int(i)] for i in result.indices])
    for kind in ("read", "write"):
        chosen = result.latencies_ms[kinds == kind] if kinds.size else result.latencies_ms[:0]
        figures[kind] = {"completed": int(chosen.size), **latency_summary(chosen)}


def _ordered(workloads: tuple[str, ...]) -> list[str]:
    """Reads before writes, so recall is measured while the collection holds exactly the generated set."""
    return [w for w in WORKLOADS if w in workloads]
