"""`bench(target, options) -> Report`: set up the data (a generated collection the run owns, or the target's own
collection read-only), run each workload for the duration, and put throughput, latency percentiles and recall
in the report's measurements. Failed requests and empty runs become findings."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..queries import stored_vector, stored_word
from ..remote.target import Target, as_target
from ..report import Finding, Report, Severity
from . import dataset as ds
from .accuracy import measured_recall
from .measure import Progress, per_kind, run_workload
from .mix import MIX
from .spec import OpSpec
from .sweep import ef_sweep
from .tenants import bench_tenants
from .workers import Shape
from .workloads import ANN, READ_ONLY, WORKLOADS, ObjectMaker, QuerySet, bucket_cutoff


@dataclass(frozen=True)
class BenchOptions:
    workloads: tuple[str, ...] = ("near_vector",)
    duration_s: float = 10.0
    warmup_s: float = 0.0                # per workload, run first and not counted (cold caches)
    concurrency: int = 1                 # threads per process
    processes: int = 1                   # client processes (spawned), each with its own official client
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
    tenants: int = 20                    # the tenants workload's tenant count
    preset: str | None = None            # the preset these settings came from (recorded, for history)

    @property
    def shape(self) -> Shape:
        return Shape(self.processes, self.concurrency, self.rate, self.warmup_s)

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
            _bench_own(client, target, options.collection, options, report, say)
        else:
            _bench_generated(client, target, options, report, say)
    finally:
        client.close()
    report.duration_s = time.perf_counter() - started
    return report


def _bench_generated(client: Any, target: Target, options: BenchOptions, report: Report, say: Progress) -> None:
    data = ds.Dataset.generate(options.objects, options.dims, options.seed, options.queries)
    queries = QuerySet([v.tolist() for v in data.queries], data.words[:64])
    shared = [w for w in _ordered(options.workloads) if w != "tenants"]
    if shared or options.ef_sweep:
        _bench_shared(client, target, options, data, queries, shared, report, say)
    if "tenants" in options.workloads:
        bench_tenants(client, target, data, queries, options.tenants, options.k, max(options.batch_size, 100),
                      options.duration_s, options.shape, options.seed, options.keep, report, say)


def _bench_shared(client: Any, target: Target, options: BenchOptions, data: ds.Dataset, queries: QuerySet,
                  workloads: list[str], report: Report, say: Progress) -> None:
    """The workloads that share one generated collection, loaded once."""
    name = ds.new_collection_name()
    collection = ds.create_collection(client, name, options.ef)
    try:
        say(f"loading {options.objects} objects of {options.dims} dims into {name}")
        start = time.perf_counter()
        ds.load(collection, data, range(options.objects), options.batch_size,
                lambda done: say(f"loading {name}: {done}/{options.objects} objects"))
        load_s = time.perf_counter() - start
        report.measurements["dataset"] = {
            "collection": name, "kept": options.keep, "objects": options.objects, "dims": options.dims,
            "distance": "cosine", "ef": options.ef, "load_s": round(load_s, 3),
            "load_objects_per_s": round(options.objects / load_s, 1) if load_s > 0 else None}
        maker = ObjectMaker(options.dims, data.words, options.seed)
        cutoff = bucket_cutoff(options.selectivity)
        if options.ef_sweep:
            with target.http() as http:
                report.measurements["ef_sweep"] = ef_sweep(http, collection, data, queries, options.ef_sweep,
                                                           options.k, options.duration_s, options.concurrency, say)
        for workload in workloads:
            spec = OpSpec(workload, name, queries, options.k, cutoff, maker, options.batch_size,
                          options.write_ratio, options.seed, options.objects)
            stored_before = _count(collection) if workload == "load" else 0
            measured = run_workload(spec, target, client, options.duration_s, options.shape, report, say)
            if measured is None:
                continue
            result, figures = measured.result, report.measurements["workloads"][workload]
            if workload in ANN and result.outcomes:
                figures["recall"] = measured_recall(result.outcomes.values(), data, options.k,
                                                    cutoff if workload == "filtered" else None)
            if workload == "filtered":
                figures["selectivity"] = round(float(np.mean(data.buckets < cutoff)), 4)
            if workload == "import":
                figures["objects_per_s"] = round(result.qps * options.batch_size, 1)
            if workload == "mixed":
                figures.update(per_kind(result, spec.kind, ("read", "write")))
            if workload == "load":
                figures["ops"] = per_kind(result, spec.kind, tuple(MIX))
                figures["acknowledged"] = _acknowledged(stored_before, measured.acknowledged, _count(collection))
                _check_acknowledged(figures["acknowledged"], report, name)
    finally:
        if not options.keep:
            client.collections.delete(name)


def _bench_own(client: Any, target: Target, name: str, options: BenchOptions, report: Report,
               say: Progress) -> None:
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
        run_workload(OpSpec(workload, name, queries, options.k), target, client, options.duration_s,
                     options.shape, report, say)


def _count(collection: Any) -> int:
    return int(collection.aggregate.over_all(total_count=True).total_count or 0)


def _acknowledged(before: int, counts: dict[str, int], stored: int) -> dict[str, int]:
    inserted, deleted = counts.get("inserted", 0), counts.get("deleted", 0)
    expected = before + inserted - deleted
    return {"before": before, "inserted": inserted, "deleted": deleted, "expected": expected, "stored": stored,
            "lost": max(0, expected - stored)}


def _check_acknowledged(figures: dict[str, int], report: Report, collection: str) -> None:
    """Acknowledged writes must all be there: fewer objects than acknowledged is lost data (CRITICAL)."""
    if figures["lost"]:
        report.add(Finding("load.lost_writes", Severity.CRITICAL, f"{figures['lost']} acknowledged write(s) lost",
                           f"expected {figures['expected']} objects ({figures['before']} + {figures['inserted']} "
                           f"inserted - {figures['deleted']} deleted, all acknowledged), stored {figures['stored']}",
                           why="An acknowledged write must be durable and visible.",
                           action="Report it with this run's settings; check the server log.", collection=collection,
                           data=figures))


def _ordered(workloads: tuple[str, ...]) -> list[str]:
    """Reads before writes, so recall is measured while the collection holds exactly the generated set."""
    return [w for w in WORKLOADS if w in workloads]
