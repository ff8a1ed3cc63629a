"""What two snapshots say together: request rates, latency percentiles and errors per operation from the request
histograms' growth between them, the import rate from the object count's, and the point-in-time figures (objects,
tombstones, queues, shard states, memory) from the later one. Snapshots keep raw samples; all arithmetic is here.

Latency comes from Weaviate's fine request histograms (`weaviate_grpc_server_request_duration_seconds`,
`weaviate_http_request_duration_seconds`, 100 µs .. 100 s buckets); a target exporting neither falls back to the
10-ms-bucket `queries_durations_ms` per query type. A series that shrank (the server restarted) counts from zero."""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..remote.metrics import Metrics, Sample
from ..remote.snapshot import Snapshot
from .quantile import histogram_quantile

PERCENTILES = (("p50_ms", 0.50), ("p95_ms", 0.95), ("p99_ms", 0.99))
FIGURES = ("qps, errors_per_s, error_ratio, import_rate, objects, tombstones, tombstone_ratio, queue_length, "
           "memory_bytes, nodes_unhealthy, metrics_missing, shards.<STATUS>, "
           "op.<api>:<operation>.<qps|errors|p50_ms|p95_ms|p99_ms> (e.g. op.grpc:Search.p99_ms)")
ENABLE_METRICS = ("set PROMETHEUS_MONITORING_ENABLED=true on the server (and --metrics-port if it is not 2112) "
                  "for rates, latency and errors")


@dataclass(frozen=True)
class _Histogram:
    """A request histogram: which labels name the operation, which one says failed, and its unit in ms."""

    name: str
    api: str
    operation: Callable[[dict[str, str]], str]
    failed: Callable[[dict[str, str]], bool]
    to_ms: float


_GRPC = _Histogram("weaviate_grpc_server_request_duration_seconds", "grpc",
                   lambda lb: lb.get("method", "?"), lambda lb: lb.get("status", "OK") != "OK", 1000.0)
_HTTP = _Histogram("weaviate_http_request_duration_seconds", "rest",
                   lambda lb: f"{lb.get('method', '?')} {lb.get('route', '?')}",
                   lambda lb: not lb.get("status_code", "200").startswith("2"), 1000.0)
_QUERIES = _Histogram("queries_durations_ms", "query", lambda lb: lb.get("query_type", "?"), lambda lb: False, 1.0)


@dataclass(frozen=True)
class Operation:
    """One operation's traffic in the window: requests, failed ones, and percentiles (None without requests)."""

    api: str
    name: str
    requests: float
    errors: float
    qps: float
    percentiles_ms: dict[str, float | None]

    @property
    def key(self) -> str:
        return f"{self.api}:{self.name}"

    def to_dict(self) -> dict[str, Any]:
        return {"api": self.api, "operation": self.name, "requests": self.requests, "errors": self.errors,
                "qps": round(self.qps, 3), **{k: _round(v) for k, v in self.percentiles_ms.items()}}


@dataclass(frozen=True)
class ShardFigures:
    collection: str
    shard: str
    objects: int
    tombstones: int | None
    queue_length: int
    status: str
    loaded: bool

    def to_dict(self) -> dict[str, Any]:
        return {"collection": self.collection, "shard": self.shard, "objects": self.objects,
                "tombstones": self.tombstones, "queue_length": self.queue_length, "status": self.status,
                "loaded": self.loaded}


@dataclass
class Window:
    """The derived figures between `start` (None for a first look: no rates yet) and `end`."""

    end: Snapshot
    seconds: float = 0.0
    operations: list[Operation] = field(default_factory=list)
    import_rate: float | None = None
    shards: list[ShardFigures] = field(default_factory=list)
    nodes: list[dict[str, Any]] = field(default_factory=list)
    shard_states: dict[str, int] = field(default_factory=dict)
    memory_bytes: float | None = None

    @property
    def metrics_available(self) -> bool:
        return self.end.metrics is not None

    @property
    def reachable(self) -> bool:
        return self.end.metrics is not None or self.end.nodes is not None

    @property
    def requests(self) -> float:
        return sum(op.requests for op in self.operations)

    @property
    def errors(self) -> float:
        return sum(op.errors for op in self.operations)

    @property
    def qps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def objects(self) -> int:
        return sum(s.objects for s in self.shards)

    @property
    def tombstones(self) -> int:
        return sum(s.tombstones or 0 for s in self.shards)

    @property
    def queue_length(self) -> int:
        return sum(s.queue_length for s in self.shards)

    def figures(self) -> dict[str, float]:
        """Flat named figures (FIGURES lists them), what alert rules' expressions name (see alerts.py)."""
        out: dict[str, float] = {
            "metrics_missing": 0.0 if self.metrics_available else 1.0,
            "objects": float(self.objects), "tombstones": float(self.tombstones),
            "tombstone_ratio": self.tombstones / self.objects if self.objects else 0.0,
            "queue_length": float(self.queue_length),
            "nodes_unhealthy": float(sum(1 for n in self.nodes if n.get("status") != "HEALTHY")),
        }
        for status, count in self.shard_states.items():
            out[f"shards.{status}"] = float(count)
        if self.memory_bytes is not None:
            out["memory_bytes"] = self.memory_bytes
        if self.import_rate is not None:
            out["import_rate"] = self.import_rate
        if self.seconds > 0 and self.metrics_available:
            out["qps"] = self.qps
            out["errors_per_s"] = self.errors / self.seconds
            out["error_ratio"] = self.errors / self.requests if self.requests else 0.0
            for op in self.operations:
                out[f"op.{op.key}.qps"] = op.qps
                out[f"op.{op.key}.errors"] = op.errors
                out.update({f"op.{op.key}.{name}": value for name, value in op.percentiles_ms.items()
                            if value is not None})
        return out

    def to_measurements(self) -> dict[str, Any]:
        """The JSON `measurements` of `monitor --once --json`."""
        snap = self.end
        return {
            "taken_at": snap.taken_at, "window_s": round(self.seconds, 3),
            "metrics_available": self.metrics_available, "metrics_error": snap.metrics_error,
            "nodes_error": snap.nodes_error,
            "qps": round(self.qps, 3), "requests": self.requests, "errors": self.errors,
            "import_rate_objects_per_s": _round(self.import_rate),
            "objects": self.objects, "tombstones": self.tombstones, "queue_length": self.queue_length,
            "memory_bytes": self.memory_bytes, "shard_states": self.shard_states,
            "operations": [op.to_dict() for op in self.operations],
            "shards": [s.to_dict() for s in self.shards], "nodes": self.nodes,
        }


def derive(start: Snapshot | None, end: Snapshot) -> Window:
    """The window from `start` to `end`; rates need both (and both with metrics, for the request figures)."""
    seconds = max(end.taken_at - start.taken_at, 0.0) if start is not None else 0.0
    shards = _shards(end)
    window = Window(end, seconds, nodes=_node_rows(end), shards=shards, shard_states=_shard_states(end, shards),
                    memory_bytes=_memory(end.metrics))
    if start is None or seconds <= 0:
        return window
    if start.metrics is not None and end.metrics is not None:
        window.operations = _operations(start.metrics, end.metrics, seconds)
    before, after = _object_total(start), _object_total(end)
    if before is not None and after is not None:
        window.import_rate = max(after - before, 0) / seconds
    return window


# ---- request histograms ---------------------------------------------------------------------------------------
@dataclass
class _Counts:
    """One operation's histogram: cumulative count per bucket bound, requests, failed requests."""

    buckets: dict[float, float] = field(default_factory=lambda: defaultdict(float))
    count: float = 0.0
    errors: float = 0.0

    def since(self, earlier: _Counts | None) -> _Counts:
        """The growth since `earlier`; all of it when there was none or more before (the server restarted)."""
        if earlier is None or self.count < earlier.count:
            return self
        return _Counts({le: n - earlier.buckets.get(le, 0.0) for le, n in self.buckets.items()},
                       self.count - earlier.count, max(self.errors - earlier.errors, 0.0))


def _collect(metrics: Metrics, histogram: _Histogram) -> dict[tuple[str, str], _Counts]:
    """(api, operation) -> its counts, summed over the label values that do not name the operation."""
    out: dict[tuple[str, str], _Counts] = defaultdict(_Counts)
    for sample in metrics.samples:
        if not sample.name.startswith(histogram.name):
            continue
        suffix = sample.name[len(histogram.name):]
        entry = out[(histogram.api, histogram.operation(sample.labels))]
        if suffix == "_bucket":
            entry.buckets[_le(sample)] += sample.value
        elif suffix == "_count":
            entry.count += sample.value
            if histogram.failed(sample.labels):
                entry.errors += sample.value
    return out


def _le(sample: Sample) -> float:
    bound = sample.labels.get("le", "+Inf")
    return math.inf if bound in ("+Inf", "Inf") else float(bound)


def _operations(start: Metrics, end: Metrics, seconds: float) -> list[Operation]:
    chosen = [h for h in (_GRPC, _HTTP) if any(s.name == f"{h.name}_count" for s in end.samples)] or [_QUERIES]
    found = []
    for histogram in chosen:
        before = _collect(start, histogram)
        for (api, name), now in _collect(end, histogram).items():
            grown = now.since(before.get((api, name)))
            if grown.count <= 0:
                continue
            percentiles = {key: _scaled(histogram_quantile(q, list(grown.buckets.items())), histogram.to_ms)
                           for key, q in PERCENTILES}
            found.append(Operation(api, name, grown.count, grown.errors, grown.count / seconds, percentiles))
    return sorted(found, key=lambda op: -op.requests)


def _scaled(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


# ---- point-in-time figures ------------------------------------------------------------------------------------
def _node_rows(snap: Snapshot) -> list[dict[str, Any]]:
    return [{"name": n.get("name", "?"), "status": n.get("status", "?"), "version": n.get("version", ""),
             "objects": (n.get("stats") or {}).get("objectCount", 0),
             "import_rate": ((n.get("batchStats") or {}).get("ratePerSecond"))}
            for n in (snap.nodes or {}).get("nodes", [])]


def _per_shard(metrics: Metrics | None, name: str) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = defaultdict(float)
    for sample in metrics.samples if metrics is not None else ():
        if sample.name == name and not math.isnan(sample.value):
            out[(sample.labels.get("class_name", ""), sample.labels.get("shard_name", ""))] += sample.value
    return out


def _shards(snap: Snapshot) -> list[ShardFigures]:
    """Per shard from /v1/nodes (works without /metrics); tombstones from /metrics when it answers."""
    tombstones = _per_shard(snap.metrics, "vector_index_tombstones")
    rows = []
    for node in (snap.nodes or {}).get("nodes", []):
        for shard in node.get("shards") or []:
            key = (shard.get("class", "?"), shard.get("name", "?"))
            rows.append(ShardFigures(
                key[0], key[1], int(shard.get("objectCount") or 0),
                int(tombstones[key]) if key in tombstones else None, int(shard.get("vectorQueueLength") or 0),
                str(shard.get("vectorIndexingStatus") or "?"), bool(shard.get("loaded", True))))
    if not rows:        # no /v1/nodes answer: the per-shard gauges of /metrics
        objects, queues = _per_shard(snap.metrics, "object_count"), _per_shard(snap.metrics, "queue_size")
        rows = [ShardFigures(c, s, int(n), int(tombstones.get((c, s), 0)), int(queues.get((c, s), 0)), "?", True)
                for (c, s), n in objects.items()]
    return sorted(rows, key=lambda r: (r.collection, r.shard))


def _shard_states(snap: Snapshot, shards: list[ShardFigures]) -> dict[str, int]:
    """Shards per status: weaviate_index_shards_total, else counted from /v1/nodes' indexing statuses."""
    if snap.metrics is not None:
        states = {s.labels.get("status", "?"): int(s.value) for s in snap.metrics.samples
                  if s.name == "weaviate_index_shards_total"}
        if states:
            return states
    counted: dict[str, int] = defaultdict(int)
    for shard in shards:
        counted[shard.status] += 1
    return dict(counted)


def _memory(metrics: Metrics | None) -> float | None:
    """Resident memory of the server process (Go servers without the process collector: heap in use)."""
    if metrics is None:
        return None
    for name in ("process_resident_memory_bytes", "go_memstats_heap_inuse_bytes"):
        value = metrics.total(name)
        if value is not None:
            return value
    return None


def _object_total(snap: Snapshot) -> float | None:
    if snap.nodes is not None:
        return float(sum(int((n.get("stats") or {}).get("objectCount") or 0) for n in snap.nodes.get("nodes", [])))
    return snap.metrics.total("object_count") if snap.metrics is not None else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
