"""`doctor`: triage of a running target in seconds. REST liveness/readiness, gRPC reachability probed on its own
(with the port-50051 failure explained), versions, auth exposure, node and shard health (READONLY and the likely
reason), a smoke query per collection with its latency, and /metrics when the target exposes them. Read-only."""
from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from importlib.metadata import version as installed_version
from typing import Any

import numpy as np

from . import queries
from .audit_checks import review_memory
from .index_config import IndexConfig
from .remote import inventory, probes
from .remote.inventory import Reply
from .remote.metrics import Metrics, scrape
from .remote.target import Target, as_target
from .report import Finding, Report, Severity

SYMPTOMS = ("slow-queries", "memory", "import", "connection")
BUDGET_S = 8.0                  # doctor stops starting new collection checks after this, to stay under 10 s
SLOW_QUERY_MS = 1000.0          # a single smoke query slower than this on a healthy server needs a look
CLIENT_MIN_SERVER = (1, 27, 0)  # weaviate-client 4.x refuses older servers at connect (connect/v4.py)
TOMBSTONE_SHARE = 0.10          # tombstones above this share of the objects: cleanup is behind


def doctor(target: Target | str | Any | None = None, *, symptoms: tuple[str, ...] = (),
           budget_s: float = BUDGET_S) -> Report:
    """Check a target (a URL, a `Target`, or an open `weaviate.WeaviateClient`) and return the findings."""
    tgt = as_target(target)
    started = time.perf_counter()
    report = Report("doctor", tgt.describe())
    with tgt.http() as http:
        if _check_rest(tgt, http, report):
            schema_ok = _check_auth(tgt, http, report)
            _check_version(http, report)
            grpc_ok = _check_grpc(tgt, report)
            nodes = _check_nodes(http, report)
            metrics = _check_metrics(tgt, report)
            if schema_ok:
                configs = inventory.collections(http)
                report.measurements["collections"] = len(configs)
                _check_shards(http, configs, report)
                dims = _smoke_collections(tgt, configs, report, started + budget_s,
                                          "slow-queries" in symptoms) if grpc_ok else {}
                if "memory" in symptoms:
                    _check_memory(configs, nodes, dims, metrics, report)
            if "import" in symptoms:
                _check_import(nodes, report)
        else:
            _check_grpc(tgt, report)
        if "connection" in symptoms:
            _check_round_trips(tgt, http, report)
    report.duration_s = time.perf_counter() - started
    return report


# --- REST, auth, versions ---------------------------------------------------------------------------------------

def _check_rest(tgt: Target, http: Any, report: Report) -> bool:
    live = inventory.get(http, "/v1/.well-known/live")
    report.measurements["rest_live_ms"] = live.latency_ms
    if live.status == 0:
        report.unreachable = True
        report.add(Finding(
            "rest.reachable", Severity.CRITICAL, f"REST endpoint {tgt.base_url} does not answer",
            f"GET /v1/.well-known/live failed after {live.latency_ms:.0f} ms: {live.error}",
            "Every client starts with REST: nothing works until it answers.",
            "Check the URL and port (Weaviate's default is 8080), that the server runs, and that a firewall, "
            "container port mapping or ingress lets the port through."))
        return False
    ready = inventory.get(http, "/v1/.well-known/ready")
    report.measurements["rest_ready_ms"] = ready.latency_ms
    if ready.status != 200:
        report.add(Finding(
            "rest.ready", Severity.CRITICAL, "server is live but not ready",
            f"/live answered {live.status}, /ready answered {ready.status}",
            "A server that is not ready refuses queries and writes: it is still loading shards, recovering "
            "write-ahead logs after a crash, or cannot reach its cluster.",
            "Watch the server log for start-up progress or WAL recovery errors; on a cluster check "
            "/v1/cluster/statistics for a Raft leader."))
    return True


def _check_auth(tgt: Target, http: Any, report: Report) -> bool:
    """Whether the schema can be read with the given credentials, and whether it can be read with none."""
    with_key = inventory.get(http, "/v1/schema")
    if with_key.status in (401, 403):
        sent = "an API key" if tgt.api_key else "no credentials"
        report.add(Finding(
            "auth.rejected", Severity.HIGH, f"the server refuses the request ({with_key.status}) with {sent}",
            f"GET /v1/schema answered {with_key.status}: {_message(with_key)}",
            "Clients with these credentials cannot read or write anything.",
            "Pass --api-key (or LOOMDB_API_KEY) with a key the server accepts, and check the user's roles."))
        return False
    with tgt.http(anonymous=True) as anon_http:
        anonymous = inventory.get(anon_http, "/v1/schema")
    report.measurements["anonymous_access"] = anonymous.status == 200
    if anonymous.status != 200:
        return True
    exposed_on = _network_exposure(tgt)
    if exposed_on:
        report.add(Finding(
            "auth.anonymous_exposed", Severity.HIGH, "anonymous access on a network-exposed server",
            f"GET /v1/schema without credentials answered 200, and the REST port answers on {exposed_on}",
            "Anyone who can reach the port can read, change and delete every collection.",
            "Enable API-key or OIDC authentication (AUTHENTICATION_APIKEY_ENABLED=true with "
            "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=false), or bind the server to 127.0.0.1 / a private network.",
            data={"exposed_on": exposed_on}))
    elif tgt.api_key:
        report.add(Finding(
            "auth.key_not_required", Severity.LOW, "an API key was given but anonymous access works too",
            "GET /v1/schema answered 200 with and without the key",
            "Authentication appears configured from the client's side only: the key protects nothing.",
            "Set AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=false on the server if the key is meant to be required."))
    else:
        report.add(Finding(
            "auth.anonymous_local", Severity.INFO, "anonymous access, reachable only on this machine",
            f"GET /v1/schema without credentials answered 200; {tgt.host} is a loopback address and the port "
            "does not answer on this machine's network address", "Fine for development."))
    return True


def _network_exposure(tgt: Target) -> str:
    """The non-loopback address the REST port answers on ("" if none found): the target's own address when it is
    not loopback, else this machine's outward address when the same port answers there too."""
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(tgt.host, tgt.rest_port, type=socket.SOCK_STREAM)}
    except OSError:
        return tgt.host
    if not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        return tgt.host
    outward = outward_address()
    if outward and probes.tcp_connect(outward, tgt.rest_port, 0.5).ok:
        return outward
    return ""


def outward_address() -> str | None:
    """This machine's address on its default route (no packet is sent: a UDP connect only picks a route)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(("192.0.2.1", 9))     # TEST-NET-1: never routed anywhere real
            address = sock.getsockname()[0]
    except OSError:
        return None
    return None if ipaddress.ip_address(address).is_loopback else address


def _check_version(http: Any, report: Report) -> None:
    meta = inventory.get(http, "/v1/meta")
    server = str((meta.body or {}).get("version", "")) if meta.status == 200 else ""
    client = installed_version("weaviate-client")
    report.measurements.update(server_version=server or None, client_version=client)
    parsed = _version_tuple(server)
    if parsed is None:
        report.add(Finding("version.unknown", Severity.MEDIUM, "server version unknown",
                           f"GET /v1/meta answered {meta.status} without a readable version",
                           "The client picks its wire format from the server version.",
                           "Check that the URL points at Weaviate's REST port, not a proxy's error page."))
    elif parsed < CLIENT_MIN_SERVER:
        minimum = ".".join(map(str, CLIENT_MIN_SERVER))
        report.add(Finding(
            "version.compatibility", Severity.CRITICAL,
            f"server {server} is older than weaviate-client {client} supports",
            f"server {server} < {minimum}",
            "The v4 client refuses to connect to it (and older servers lack the gRPC API it needs).",
            f"Upgrade the server to {minimum} or later, or pin an older weaviate-client."))


def _version_tuple(text: str) -> tuple[int, int, int] | None:
    parts = text.lstrip("v").split("-")[0].split(".")
    try:
        return (int(parts[0]), int(parts[1]), int(parts[2]))
    except (IndexError, ValueError):
        return None


# --- gRPC -------------------------------------------------------------------------------------------------------

_GRPC_EXPLANATIONS: dict[str, tuple[str, str]] = {
    "refused": ("nothing listens on gRPC port {port}",
                "The port is wrong, or it is not published: docker compose needs `- 50051:50051` next to 8080, "
                "Kubernetes a Service/Ingress for the gRPC port. Give the real port with --grpc-port N or "
                "?grpc_port=N, and connect_to_custom(grpc_port=N) in the client."),
    "http1": ("gRPC port {port} answers HTTP/1.1, not gRPC",
              "This is the REST port or a proxy/load balancer without HTTP/2: gRPC needs end-to-end HTTP/2 "
              "(nginx `grpc_pass`, an ALB target group with protocol version gRPC, Traefik h2c). Point the gRPC "
              "port at Weaviate's gRPC listener (default 50051)."),
    "tls_expected": ("gRPC port {port} expects TLS, the client spoke plaintext",
                     "Use an https:// URL (the client then sets grpc_secure=True) or terminate TLS in front "
                     "consistently for REST and gRPC."),
    "plaintext_expected": ("gRPC port {port} speaks plaintext, the client spoke TLS",
                           "Use an http:// URL / grpc_secure=False, or put TLS termination in front of gRPC."),
    "timeout": ("gRPC port {port} accepts connections but does not answer",
                "A firewall or proxy swallows the traffic, or the server is overloaded; check the proxy's HTTP/2 "
                "support and idle timeouts."),
    "not_serving": ("gRPC health check on port {port} reports NOT_SERVING",
                    "The server is up but its gRPC service is not; check the server log."),
    "error": ("gRPC health check on port {port} failed",
              "Check the port, TLS setting and any proxy between client and server."),
}


def _check_grpc(tgt: Target, report: Report) -> bool:
    probe = probes.grpc_health(tgt.host, tgt.grpc_port, tgt.secure, tgt.request_headers())
    report.measurements["grpc_health_ms"] = probe.latency_ms
    report.measurements["grpc_status"] = probe.status
    if probe.ok:
        return True
    title, action = _GRPC_EXPLANATIONS[probe.status]
    rest_ok = not report.unreachable
    report.add(Finding(
        "grpc.reachable", Severity.CRITICAL, title.format(port=tgt.grpc_port),
        f"REST {tgt.base_url} {'answers' if rest_ok else 'does not answer either'}; gRPC {tgt.host}:{tgt.grpc_port} "
        f"→ {probe.status} after {probe.latency_ms:.0f} ms ({probe.detail})",
        "The v4 clients run every query and batch over gRPC: with REST alone they fail at start-up with "
        "\"gRPC health check against Weaviate could not be completed\" (the most reported start-up failure).",
        action, data={"grpc_port": tgt.grpc_port, "status": probe.status}))
    return False


def _check_round_trips(tgt: Target, http: Any, report: Report, rounds: int = 5) -> None:
    """--symptom connection: repeated round trips on each protocol, to tell a slow network from a slow server."""
    rest = [inventory.get(http, "/v1/.well-known/live").latency_ms for _ in range(rounds)]
    grpc = [probes.grpc_health(tgt.host, tgt.grpc_port, tgt.secure, tgt.request_headers()).latency_ms
            for _ in range(rounds)]
    report.measurements["rest_round_trip_p50_ms"] = float(np.percentile(rest, 50))
    report.measurements["grpc_round_trip_p50_ms"] = float(np.percentile(grpc, 50))


# --- nodes and shards -------------------------------------------------------------------------------------------

def _check_nodes(http: Any, report: Report) -> list[dict[str, Any]]:
    reply = inventory.get(http, "/v1/nodes", output="verbose")
    nodes = (reply.body or {}).get("nodes") if reply.status == 200 else None
    if not nodes:
        if reply.status not in (401, 403):
            report.add(Finding("nodes.unknown", Severity.MEDIUM, "node status unavailable",
                               f"GET /v1/nodes answered {reply.status}", "Node health cannot be judged.",
                               "Check the server log."))
        return []
    report.measurements["nodes"] = len(nodes)
    report.measurements["objects"] = sum(int((n.get("stats") or {}).get("objectCount") or 0) for n in nodes)
    for node in nodes:
        status = node.get("status", "UNKNOWN")
        if status != "HEALTHY":
            report.add(Finding(
                "nodes.health", Severity.CRITICAL, f"node {node.get('name')} is {status}",
                f"/v1/nodes reports status {status} for node {node.get('name')}",
                "Queries and writes routed to that node fail or time out.",
                "Check that node's log, memory and disk; on a cluster check /v1/cluster/statistics.",
                data={"node": node.get("name"), "status": status}))
        queued = sum(int(s.get("vectorQueueLength") or 0) for s in node.get("shards") or [])
        indexing = [s.get("name") for s in node.get("shards") or [] if s.get("vectorIndexingStatus") == "INDEXING"]
        if queued or indexing:
            report.add(Finding(
                "nodes.indexing_queue", Severity.LOW, f"async indexing backlog of {queued} vectors",
                f"node {node.get('name')}: {queued} vectors queued, {len(indexing)} shard(s) INDEXING",
                "Objects in the queue are stored but not yet findable by vector search.",
                "Normal right after an import; if it does not shrink over minutes, check CPU and the log.",
                data={"queued": queued, "indexing_shards": len(indexing)}))
    return list(nodes)


def _check_shards(http: Any, configs: list[dict[str, Any]], report: Report) -> None:
    statuses = {c["class"]: inventory.shard_statuses(http, c["class"]) for c in configs}
    total = sum(len(s) for s in statuses.values())
    readonly = {name: [s["name"] for s in shards if s.get("status") == "READONLY"]
                for name, shards in statuses.items()}
    count = sum(len(v) for v in readonly.values())
    report.measurements["shards"] = total
    report.measurements["readonly_shards"] = count
    if not count:
        return
    node_wide = count == total
    reason = ("every shard is READONLY: the pattern of the disk (DISK_USE_READONLY_PERCENTAGE, default 90 %) or "
              "memory (MEMORY_READONLY_PERCENTAGE) guard rail, which switches a whole node" if node_wide else
              f"{count} of {total} shards are READONLY while others are not: the guard rails switch every shard "
              "of a node, so these were most likely set by an operator (update_shards) or a failed operation")
    for name, shards in readonly.items():
        if shards:
            report.add(Finding(
                "shards.readonly", Severity.HIGH, f"{len(shards)} READONLY shard(s) in {name}",
                f"/v1/schema/{name}/shards: {', '.join(shards)} READONLY; {reason}",
                "Every insert, update and delete on these shards fails with \"store is read-only\".",
                ("Free disk or memory (a write's error text says which: \"store is read-only due to: ...\"); shards "
                 "the guard turned READONLY return to READY by themselves once usage is back under the thresholds "
                 "(Weaviate since #10465, loomdb), otherwise " if node_wide else "")
                + f"client.collections.use({name!r}).config.update_shards(\"READY\", shard_names={shards!r})",
                collection=name, data={"shards": shards, "node_wide": node_wide}))


# --- per-collection smoke queries -------------------------------------------------------------------------------

def _smoke_collections(tgt: Target, configs: list[dict[str, Any]], report: Report, deadline: float,
                       repeat: bool) -> dict[str, int]:
    """Smoke-test each collection; returns the vector dimensions seen, by collection."""
    client = tgt.connect()
    latencies: dict[str, dict[str, float]] = {}
    dims: dict[str, int] = {}
    try:
        for index, config in enumerate(configs):
            if time.perf_counter() > deadline:
                report.add(Finding(
                    "collection.smoke_skipped", Severity.INFO,
                    f"{len(configs) - index} collection(s) not smoke-tested (time budget)",
                    f"{index} of {len(configs)} collections checked within {BUDGET_S:.0f} s",
                    "doctor stays under 10 s; the rest is audit's job.",
                    "Run `loomdb audit URL COLLECTION` for the others."))
                break
            latencies[config["class"]], dims[config["class"]] = _smoke_one(client, config, report,
                                                                           5 if repeat else 1)
    finally:
        client.close()
    report.measurements["smoke_ms"] = latencies
    return dims


def _smoke_one(client: Any, config: dict[str, Any], report: Report, rounds: int) -> tuple[dict[str, float], int]:
    """Latency by query shape, and the dimensions of the vector fetched (0 when none)."""
    name = config["class"]
    measured: dict[str, float] = {}

    def run(kind: str, call: Callable[[], queries.Timed]) -> Any:
        try:
            results = [call() for _ in range(rounds)]
        except Exception as exc:  # noqa: BLE001  (any failure of a query is the finding)
            report.add(Finding(
                "collection.smoke", Severity.HIGH, f"{kind} query on {name} fails",
                f"{type(exc).__name__}: {str(exc)[:300]}", "Applications querying this collection get errors.",
                "Reproduce with the client and read the server log for that collection.", collection=name))
            return None
        measured[f"{kind}_ms"] = round(float(np.percentile([r.latency_ms for r in results], 50)), 3)
        if measured[f"{kind}_ms"] > SLOW_QUERY_MS:
            report.add(Finding(
                "collection.slow", Severity.MEDIUM, f"{kind} on {name} took {measured[kind + '_ms']:.0f} ms",
                f"a single {kind} query with limit 1-10 took {measured[kind + '_ms']:.0f} ms",
                "Smoke queries on a healthy server answer in milliseconds; users will see this latency.",
                f"Run `loomdb audit URL {name}` for the query profile and memory estimate.", collection=name))
        return results[-1].value

    handle, _tenant = inventory.handle(client, config)
    if handle is None:
        report.add(Finding("collection.no_active_tenant", Severity.INFO, f"{name}: no active tenant to query",
                           "multi-tenant collection without a HOT tenant", "Nothing to smoke-test.", "",
                           collection=name))
        return measured, 0
    page = run("fetch", lambda: queries.fetch(handle))
    if page is None or not page.objects:
        return measured, 0
    obj = page.objects[0]
    vector_name = inventory.vector_names(config)[0]
    vector = queries.stored_vector(obj, vector_name)
    if vector:
        found = run("near_vector", lambda: queries.near_vector(handle, vector, vector_name, limit=1))
        if found is not None:
            _check_self_retrieval(found, obj, name, report)
    word = queries.stored_word(obj, inventory.text_properties(config))
    if word:
        run("bm25", lambda: queries.bm25(handle, word))
    return measured, len(vector or [])


def _check_self_retrieval(found: Any, obj: Any, name: str, report: Report) -> None:
    top = found.objects[0] if found.objects else None
    if top is not None and (top.uuid == obj.uuid or (top.metadata.distance or 0.0) <= 1e-6):
        return
    report.add(Finding(
        "collection.self_retrieval", Severity.MEDIUM,
        f"{name}: near_vector with a stored object's own vector does not return it",
        f"object {obj.uuid}: top hit {top.uuid if top else 'none'} "
        f"at distance {top.metadata.distance if top else 'n/a'}",
        "The ANN index misses or holds stale entries (deleted objects, an index behind the store).",
        f"Measure recall with `loomdb audit URL {name}`; check tombstones and the indexing queue.",
        collection=name))


# --- /metrics ---------------------------------------------------------------------------------------------------

def _check_metrics(tgt: Target, report: Report) -> Metrics | None:
    metrics, why_not = scrape(tgt.metrics_url)
    report.measurements["metrics_available"] = metrics is not None
    if metrics is None:
        report.add(Finding(
            "metrics.unavailable", Severity.INFO, f"no Prometheus metrics at {tgt.metrics_url}", why_not,
            "Tombstone and async-indexing backlogs cannot be checked without them.",
            "Enable PROMETHEUS_MONITORING_ENABLED=true (port PROMETHEUS_MONITORING_PORT, default 2112), or pass "
            "--metrics-port."))
        return None
    objects = metrics.total("object_count")
    tombstones = metrics.total("vector_index_tombstones")
    queued = metrics.total("queue_size")
    wal_failures = metrics.total("lsm_bucket_wal_recovery_failure_count")
    report.measurements.update(metrics_objects=objects, metrics_tombstones=tombstones, metrics_queue_size=queued)
    if tombstones and objects is not None and tombstones > TOMBSTONE_SHARE * max(objects, 1.0):
        report.add(Finding(
            "metrics.tombstones", Severity.MEDIUM, f"{tombstones:.0f} tombstones pending cleanup",
            f"vector_index_tombstones = {tombstones:.0f} for object_count = {objects:.0f}",
            "Deleted vectors still sit in the HNSW graph: searches walk them (slower, lower recall) and the "
            "memory is not freed until cleanup runs.",
            "Check vector_index_tombstone_cycle_progress; raise TOMBSTONE_DELETION_CONCURRENCY or lower "
            "cleanupIntervalSeconds if cleanup cannot keep up."))
    if queued:
        report.add(Finding(
            "metrics.async_queue", Severity.LOW, f"{queued:.0f} vectors waiting in the async indexing queue",
            f"queue_size = {queued:.0f}", "Queued objects are not yet findable by vector search.",
            "Normal during imports; if it does not drain, check CPU and the log."))
    if wal_failures:
        report.add(Finding(
            "metrics.wal_recovery", Severity.HIGH, "write-ahead-log recovery failed at start-up",
            f"lsm_bucket_wal_recovery_failure_count = {wal_failures:.0f}",
            "Data written just before the last crash may be missing.",
            "Read the start-up log for the bucket named; restore that collection from a backup if needed."))
    return metrics


# --- --symptom memory / import ----------------------------------------------------------------------------------

def _check_memory(configs: list[dict[str, Any]], nodes: list[dict[str, Any]], dims: dict[str, int],
                  metrics: Metrics | None, report: Report) -> None:
    """Weaviate's memory formula per collection with the real object counts and the dims seen by the smoke test,
    next to the server's resident memory when /metrics shows it."""
    counts: dict[str, int] = {}
    for node in nodes:
        for shard in node.get("shards") or []:
            counts[shard["class"]] = counts.get(shard["class"], 0) + int(shard.get("objectCount") or 0)
    resident = metrics.total("process_resident_memory_bytes") if metrics else None
    estimates = {c["class"]: review_memory(c["class"], IndexConfig.first_of(c), counts.get(c["class"], 0),
                                           dims.get(c["class"], 0), resident, report)
                 for c in configs if c["class"] in dims}
    total = sum(e["formula_bytes"] for e in estimates.values())
    report.measurements["memory_estimate_bytes"] = total
    report.add(Finding(
        "memory.estimate", Severity.INFO, f"vector memory estimate {total / 2**20:.1f} MiB",
        f"objects x (dims x 4 + maxConnections x 10) over {len(estimates)} collection(s)"
        + (f"; server resident memory {resident / 2**20:.1f} MiB" if resident else "; no resident-memory metric"),
        "Vectors and graph must fit in memory with headroom (Weaviate: 2x the vectors) or the server is OOM-killed.",
        "Give the node at least twice the estimate, or enable compression (`loomdb audit` measures its recall).",
        data={"by_collection": estimates, "resident_bytes": resident}))


def _check_import(nodes: list[dict[str, Any]], report: Report) -> None:
    """Batch throughput and queue as the nodes report them (READONLY shards and indexing queues, the other
    import blockers, are checked anyway)."""
    stats = {n.get("name"): n.get("batchStats") or {} for n in nodes}
    rate = sum(float(s.get("ratePerSecond") or 0) for s in stats.values())
    queued = sum(int(s.get("queueLength") or 0) for s in stats.values())
    report.measurements.update(batch_rate_per_second=rate, batch_queue_length=queued)
    report.add(Finding(
        "import.batch", Severity.INFO, f"batch rate {rate:.0f} objects/s, {queued} queued",
        f"/v1/nodes batchStats over {len(stats)} node(s)",
        "The client's dynamic batching sizes its batches from these figures.",
        "If imports time out, lower the batch size or concurrency; a growing queue means the server is the "
        "bottleneck.", data={"by_node": stats}))


def _message(reply: Reply) -> str:
    body = reply.body
    if isinstance(body, dict) and body.get("error"):
        return str(body["error"])[:200]
    return str(body)[:200]
