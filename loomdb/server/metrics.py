"""Prometheus metrics (PROMETHEUS_MONITORING_ENABLED): Weaviate's names, types, labels and buckets where they apply
to one node, served by the official client library on their own port (PROMETHEUS_MONITORING_PORT).

Two kinds of figures:
- request figures, recorded by the REST middleware and the gRPC interceptor below as each request ends, into
  metrics_series.py's per-thread rows: no lock per request (prometheus-client's own histograms took three);
- engine figures (objects, vector indexes, shard states), PULLED from the cluster use case when a scrape asks
  (`EngineCollector`); the engine never pushes anything.

Imported only when metrics are enabled, so a server without them never loads prometheus-client."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import grpc
from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..entities.shard_stats import INDEXING, READONLY, READY, ShardStats
from .metrics_series import Gauges, Histograms, SeriesCollector

# Weaviate's usecases/monitoring buckets: the deprecated millisecond ones its older histograms still use, and the
# request-latency ones (100 µs .. 100 s) of its HTTP/gRPC server histograms, fine enough for p99 under 10 ms
MS_BUCKETS = (10, 50, 100, 500, 1000, 5000, 10000, 60000, 300000)
REQUEST_LATENCY_BUCKETS = (.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 25,
                           50, 100)
SHARD_STATES = (READONLY, INDEXING, "LOADING", READY, "SHUTDOWN")    # weaviate_index_shards_total's statuses
GROUPED = "n/a"                 # class_name when PROMETHEUS_MONITORING_GROUP collapses classes, and where none applies
# the gRPC methods that are queries, and Weaviate's query_type for them (its traverser's labels)
_QUERY_TYPES = {"Search": "get_graphql", "Aggregate": "aggregate"}


class RequestMetrics:
    """The request figures Weaviate exports, recorded by the adapters' middleware and interceptor."""

    def __init__(self, registry: CollectorRegistry, group_classes: bool) -> None:
        self.group_classes = group_classes
        self.requests_total = Gauges(
            "requests_total", "Number of all requests made", ["status", "class_name", "api", "query_type"])
        self.queries_durations = Histograms(
            "queries_durations_ms", "Duration of queries in milliseconds", ["class_name", "query_type"], MS_BUCKETS)
        self.batch_durations = Histograms(
            "batch_durations_ms", "Duration in ms of a single batch", ["operation", "class_name", "shard_name"],
            MS_BUCKETS)
        self.grpc_duration = Histograms(
            "weaviate_grpc_server_request_duration_seconds", "Time (in seconds) spent serving requests.",
            ["grpc_service", "method", "status"], REQUEST_LATENCY_BUCKETS)
        self.http_duration = Histograms(
            "weaviate_http_request_duration_seconds", "Time (in seconds) spent serving requests.",
            ["method", "route", "status_code"], REQUEST_LATENCY_BUCKETS)
        registry.register(SeriesCollector(self.requests_total, self.queries_durations, self.batch_durations,
                                          self.grpc_duration, self.http_duration))

    def class_label(self, name: str) -> str:
        return GROUPED if self.group_classes else name

    def request_done(self, status: str, class_name: str, api: str, query_type: str) -> None:
        """One request answered; `status` = ok | user_error | server_error (Weaviate's RequestStatus)."""
        self.requests_total(status, self.class_label(class_name), api, query_type).inc()


class EngineCollector(Collector):
    """Engine figures per shard, pulled through the cluster use case at scrape time."""

    _SHARD_GAUGES = (    # (name, help, the ShardStats field), labels class_name and shard_name
        ("object_count", "Number of objects in the shard", "object_count"),
        ("vector_index_size", "The size of the vector index. Typically larger than number of vectors, as it grows "
         "proactively.", "vector_index_size"),
        ("vector_index_tombstones", "Number of active vector index tombstones", "tombstones"),
        ("vector_dimensions_sum", "Total dimensions in a shard", "vector_dimensions"),
        ("queue_size", "Number of records in the queue", "queue_length"),
    )
    _OPERATIONS = (("create", "vector_inserts"), ("delete", "vector_deletes"))

    def __init__(self, shard_stats: Callable[[], list[tuple[str, ShardStats]]], group_classes: bool) -> None:
        self._shard_stats = shard_stats
        self._group_classes = group_classes

    def collect(self) -> Iterator[Metric]:
        # summed per label set: with PROMETHEUS_MONITORING_GROUP every shard is ("n/a", "n/a")
        per_shard: dict[tuple[str, str], dict[str, int]] = {}
        states = dict.fromkeys(SHARD_STATES, 0)
        for collection, shard in self._shard_stats():
            states[shard.status] = states.get(shard.status, 0) + 1
            if not shard.loaded:
                continue            # a tenant whose shard is not open: Weaviate exports nothing for it
            key = (GROUPED, GROUPED) if self._group_classes else (collection, shard.name)
            sums = per_shard.setdefault(key, {})
            for _, _, field in self._SHARD_GAUGES:
                sums[field] = sums.get(field, 0) + getattr(shard, field)
            for _, field in self._OPERATIONS:
                sums[field] = sums.get(field, 0) + getattr(shard, field)
        for name, text, field in self._SHARD_GAUGES:
            family = GaugeMetricFamily(name, text, labels=["class_name", "shard_name"])
            for key, sums in per_shard.items():
                family.add_metric(key, sums[field])
            yield family
        operations = GaugeMetricFamily("vector_index_operations", "Total number of mutating operations on the "
                                       "vector index", labels=["operation", "class_name", "shard_name"])
        for key, sums in per_shard.items():
            for operation, field in self._OPERATIONS:
                operations.add_metric([operation, *key], sums[field])
        yield operations
        shard_states = GaugeMetricFamily("weaviate_index_shards_total", "Total number of shards per index status",
                                         labels=["status"])
        for status, count in states.items():
            shard_states.add_metric([status], count)
        yield shard_states


# ---- REST: one ASGI middleware around the Starlette app --------------------------------------------------------
def _status_kind(code: int) -> str:
    return "ok" if code < 400 else "user_error" if code < 500 else "server_error"


class RestMetricsMiddleware:
    """Times every HTTP request (weaviate_http_request_duration_seconds by route template) and counts the API's
    requests in requests_total (api="rest", query_type = the path's family: objects, batch, schema, graphql, ...);
    a POST /v1/batch/objects is also batch_durations_ms{operation="total_api_level"}, as Weaviate records it.
    Runs on the event loop thread: no lock of its own."""

    def __init__(self, app: ASGIApp, metrics: RequestMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            self._record(scope, status[0], time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, elapsed: float) -> None:
        route = scope.get("route")
        template = getattr(route, "path", None) or "unmatched"
        method = scope["method"]
        self.metrics.http_duration(method, template, str(status)).observe(elapsed)
        family = template.split("/")[2] if template.startswith("/v1/") else ""
        if family in ("", ".well-known", "meta"):
            return          # probes and start-up reads are not API requests in requests_total
        class_name = (scope.get("path_params") or {}).get("collection", "")
        self.metrics.request_done(_status_kind(status), class_name, "rest", family)
        if template == "/v1/batch/objects" and method == "POST":
            self.metrics.batch_durations("total_api_level", GROUPED, GROUPED).observe(elapsed * 1000)


# ---- gRPC: one server interceptor ------------------------------------------------------------------------------
def _go_code(code: grpc.StatusCode | None) -> str:
    """A status as Go's codes.Code.String() prints it (OK, InvalidArgument, NotFound, Canceled, ...)."""
    if code is None or code == grpc.StatusCode.OK:
        return "OK"
    if code == grpc.StatusCode.CANCELLED:
        return "Canceled"
    return "".join(part.title() for part in code.name.split("_"))


def _user_error(code: str) -> bool:
    return code in ("InvalidArgument", "NotFound", "AlreadyExists", "FailedPrecondition", "OutOfRange",
                    "Unauthenticated", "PermissionDenied", "Canceled")


class GrpcMetricsInterceptor(grpc.ServerInterceptor):
    """Times every RPC (weaviate_grpc_server_request_duration_seconds), counts it in requests_total (api="grpc",
    query_type = the method), and records queries_durations_ms for Search / Aggregate and batch_durations_ms
    {operation="total_api_level_grpc"} for BatchObjects, as Weaviate does. The wrapped handler of each method is
    built once and reused."""

    def __init__(self, metrics: RequestMetrics) -> None:
        self.metrics = metrics
        self._wrapped: dict[str, tuple[grpc.RpcMethodHandler, grpc.RpcMethodHandler]] = {}

    def intercept_service(self, continuation: Callable, handler_call_details: Any) -> grpc.RpcMethodHandler | None:
        handler = continuation(handler_call_details)
        if handler is None:
            return None
        full = handler_call_details.method
        cached = self._wrapped.get(full)
        if cached is not None and cached[0] is handler:
            return cached[1]
        wrapped = self._wrap(handler, full)
        self._wrapped[full] = (handler, wrapped)
        return wrapped

    def _wrap(self, handler: grpc.RpcMethodHandler, full: str) -> grpc.RpcMethodHandler:
        service, _, method = full.lstrip("/").partition("/")
        record = self._recorder(service, method)
        codec = {"request_deserializer": handler.request_deserializer,
                 "response_serializer": handler.response_serializer}
        if handler.unary_unary is not None:
            behaviour = handler.unary_unary

            def unary_unary(request: Any, context: grpc.ServicerContext) -> Any:
                started = time.perf_counter()
                try:
                    reply = behaviour(request, context)
                except BaseException:
                    record(request, context, started, failed=True)
                    raise
                record(request, context, started, failed=False)
                return reply
            return grpc.unary_unary_rpc_method_handler(unary_unary, **codec)
        if handler.stream_stream is not None:
            stream = handler.stream_stream

            def stream_stream(requests: Iterable, context: grpc.ServicerContext) -> Iterator:
                started = time.perf_counter()
                try:
                    yield from stream(requests, context)
                except BaseException:
                    record(None, context, started, failed=True)
                    raise
                record(None, context, started, failed=False)
            return grpc.stream_stream_rpc_method_handler(stream_stream, **codec)
        return handler          # unary-stream / stream-unary: none in weaviate.v1 or the health service

    def _recorder(self, service: str, method: str) -> Callable[..., None]:
        metrics = self.metrics
        query_type = _QUERY_TYPES.get(method)
        batch = method == "BatchObjects"

        def record(request: Any, context: grpc.ServicerContext, started: float, failed: bool) -> None:
            elapsed = time.perf_counter() - started
            code = _go_code(context.code()) if failed or context.code() is not None else "OK"
            if failed and code == "OK":
                code = "Unknown"        # an exception no handler turned into a status
            metrics.grpc_duration(service, method, code).observe(elapsed)
            if service != "weaviate.v1.Weaviate":
                return
            class_name = getattr(request, "collection", "") if request is not None else ""
            kind = "ok" if code == "OK" else "user_error" if _user_error(code) else "server_error"
            metrics.request_done(kind, class_name, "grpc", method)
            if query_type is not None:
                metrics.queries_durations(metrics.class_label(class_name), query_type).observe(elapsed * 1000)
            elif batch:
                metrics.batch_durations("total_api_level_grpc", GROUPED, GROUPED).observe(elapsed * 1000)
        return record


# ---- the /metrics listener ------------------------------------------------------------------------------------
class MetricsServer:
    """The registry (process metrics, request metrics, the engine collector) and its own HTTP listener."""

    def __init__(self, shard_stats: Callable[[], list[tuple[str, ShardStats]]], group_classes: bool = False
                 ) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.requests = RequestMetrics(self.registry, group_classes)
        self.registry.register(EngineCollector(shard_stats, group_classes))
        self._httpd: Any = None
        self._thread: threading.Thread | None = None
        self.port = 0

    def grpc_interceptor(self) -> GrpcMetricsInterceptor:
        return GrpcMetricsInterceptor(self.requests)

    def rest_middleware(self, app: ASGIApp) -> RestMetricsMiddleware:
        return RestMetricsMiddleware(app, self.requests)

    def start(self, host: str, port: int) -> None:
        try:
            self._httpd, self._thread = start_http_server(port, host, self.registry)
        except OSError as exc:
            raise OSError(f"could not listen for metrics on {host}:{port}: {exc.strerror}") from None
        self.port = self._httpd.server_port

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(5)
