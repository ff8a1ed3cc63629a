"""A metrics window: what a series of snapshots (taken now, or read from a monitor recording) says about errors,
latency and the engine's backlogs. Counters are kept twice: their totals at the last snapshot (everything since
the server started: the errors that led to the incident usually happened before anyone recorded it) and their
growth inside the window (what is still going on)."""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..remote.metrics import Metrics
from ..remote.snapshot import Snapshot

HTTP_HISTOGRAM = "weaviate_http_request_duration_seconds"
GRPC_HISTOGRAM = "weaviate_grpc_server_request_duration_seconds"
AUTH_STATUSES = {"401", "403", "Unauthenticated", "PermissionDenied"}
# gRPC codes that are the caller's mistake (Weaviate's RequestStatus user_error); the rest are the server's
GRPC_USER_ERRORS = {"InvalidArgument", "NotFound", "AlreadyExists", "FailedPrecondition", "OutOfRange",
                    "Unauthenticated", "PermissionDenied", "Canceled"}


def summarise(snapshots: Sequence[Snapshot], source: str) -> dict[str, Any]:
    """The window's figures as plain JSON (stored with the incident and read by the symptom rules)."""
    if not snapshots:
        return {"source": source, "snapshots": 0, "reachable": False, "metrics_available": False}
    first, last = snapshots[0], snapshots[-1]
    scraped = [s for s in snapshots if s.metrics is not None]
    out: dict[str, Any] = {
        "source": source, "snapshots": len(snapshots), "first_at": first.taken_at, "last_at": last.taken_at,
        "span_s": round(last.taken_at - first.taken_at, 3), "target": last.target,
        "reachable": any(s.nodes is not None for s in snapshots),
        "nodes_error": last.nodes_error, "metrics_available": bool(scraped), "metrics_error": last.metrics_error,
        "node_status": {str(n.get("name")): n.get("status") for n in ((last.nodes or {}).get("nodes") or [])},
    }
    if not scraped:
        return out
    newest, oldest = scraped[-1].metrics, scraped[0].metrics
    assert newest is not None and oldest is not None
    totals = errors_by_status(newest)
    before = errors_by_status(oldest) if len(scraped) > 1 else {}
    out["errors_total"] = totals
    out["errors_window"] = {k: v - before.get(k, 0) for k, v in totals.items() if v - before.get(k, 0) > 0}
    out["error_classes"] = error_classes(totals)
    out.update({name: sum(counts.values()) for name, counts in out["error_classes"].items()})
    out["latency_p99_ms"] = {api: p99_ms(newest, oldest if len(scraped) > 1 else None, name)
                             for api, name in (("grpc", GRPC_HISTOGRAM), ("http", HTTP_HISTOGRAM))}
    out.update(objects=newest.total("object_count"), tombstones=newest.total("vector_index_tombstones"),
               queue_size=newest.total("queue_size"),
               resident_memory_bytes=newest.total("process_resident_memory_bytes"),
               shard_states={s.labels.get("status", ""): s.value for s in newest.samples
                             if s.name == "weaviate_index_shards_total" and s.value})
    return out


def errors_by_status(metrics: Metrics) -> dict[str, float]:
    """Requests that did not succeed, counted per "status method route" (REST) or "status method" (gRPC)."""
    out: dict[str, float] = {}
    for sample in metrics.samples:
        labels = sample.labels
        if sample.name == f"{HTTP_HISTOGRAM}_count" and _http_status(labels) >= 400:
            key = f"http {labels.get('status_code')} {labels.get('method')} {labels.get('route')}"
        elif sample.name == f"{GRPC_HISTOGRAM}_count" and labels.get("status", "OK") != "OK":
            key = f"grpc {labels.get('status')} {labels.get('method')}"
        else:
            continue
        out[key] = out.get(key, 0.0) + sample.value
    return out


def _http_status(labels: dict[str, str]) -> int:
    try:
        return int(labels.get("status_code", "200"))
    except ValueError:
        return 200


def error_classes(errors: dict[str, float]) -> dict[str, dict[str, float]]:
    """The errors the symptom rules read, by class: authentication/authorisation refusals, server faults, and
    failed imports (any non-OK batch request); one error may be in several classes."""
    out: dict[str, dict[str, float]] = {"auth_failures": {}, "server_errors": {}, "import_errors": {}}
    for key, count in errors.items():
        api, status, *where = key.split(" ")
        if status in AUTH_STATUSES:
            out["auth_failures"][key] = count
        if (api == "http" and int(status) >= 500) or (api == "grpc" and status not in GRPC_USER_ERRORS):
            out["server_errors"][key] = count
        if "batch" in " ".join(where).lower():
            out["import_errors"][key] = count
    return out


def p99_ms(newest: Metrics, oldest: Metrics | None, histogram: str) -> float | None:
    """The 99th percentile of a request-duration histogram in milliseconds, over the window when requests arrived
    in it, else over everything since start; the upper bound of the bucket it falls in (None: no requests)."""
    buckets = _buckets(newest, histogram)
    if oldest is not None:
        earlier = _buckets(oldest, histogram)
        inside = {le: count - earlier.get(le, 0.0) for le, count in buckets.items()}
        if inside and max(inside.values()) > 0:
            buckets = inside
    if not buckets or max(buckets.values()) <= 0:
        return None
    total = buckets[math.inf] if math.inf in buckets else max(buckets.values())
    finite = sorted(le for le in buckets if le != math.inf)
    for le in finite:
        if buckets[le] >= 0.99 * total:
            return round(le * 1000, 3)
    return round(finite[-1] * 1000, 3) if finite else None     # beyond the last finite bucket: at least that


def _buckets(metrics: Metrics, histogram: str) -> dict[float, float]:
    """Cumulative counts per upper bound, summed over every method and status."""
    out: dict[float, float] = {}
    for sample in metrics.samples:
        if sample.name == f"{histogram}_bucket" and "le" in sample.labels:
            bound = math.inf if sample.labels["le"] == "+Inf" else float(sample.labels["le"])
            out[bound] = out.get(bound, 0.0) + sample.value
    return out
