"""`audit`: a collection's configuration reviewed against its real size and dimensions, the measured recall of its
live ANN index (sampled stored vectors queried through near_vector, compared with an exact pass over the fetched
vectors), a query profile on its own data, and Weaviate's memory formula with the real counts. Read-only unless an
ef sweep is asked for (the sweep sets ef temporarily and restores it)."""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import queries
from .index_config import IndexConfig
from .recall import Estimate, distances, percentiles_ms, recall_at_k
from .remote import inventory
from .remote.metrics import scrape
from .remote.reconfigure import set_ef
from .remote.target import Target, as_target
from .report import Finding, Report, Severity
from .sizing import memory_estimate

DYNAMIC_THRESHOLD = 10_000       # Weaviate's dynamic index switches flat -> hnsw here: flat's documented range
RECALL_FLOOR = 0.90              # below: HIGH
RECALL_TARGET = 0.95             # below: MEDIUM
MANY_COLLECTIONS = 20            # Weaviate's FAQ: more than this many collections -> consider multi-tenancy
UNCOMPRESSED_BYTES = 1 << 30     # uncompressed vectors above 1 GiB (estimate): compression pays
SCORE_WEIGHTS = {Severity.CRITICAL: 25, Severity.HIGH: 10, Severity.MEDIUM: 4, Severity.LOW: 1, Severity.INFO: 0}


@dataclass(frozen=True)
class AuditOptions:
    k: int = 10
    queries: int = 100
    max_vectors: int = 20_000
    selectivities: tuple[float, ...] = (0.1,)
    ef_sweep: tuple[int, ...] = ()
    profile_rounds: int = 20
    seed: int = 0


def audit(target: Target | str | Any | None = None, collections: Sequence[str] = (),
          options: AuditOptions | None = None, progress: Callable[[str], None] | None = None) -> Report:
    """Audit the named collections (all when empty). `progress(description)` is called as each step starts."""
    tgt = as_target(target)
    opts = options or AuditOptions()
    started = time.perf_counter()
    report = Report("audit", tgt.describe())
    with tgt.http() as http:
        if inventory.get(http, "/v1/.well-known/live").status == 0:
            report.unreachable = True
            report.add(Finding("rest.reachable", Severity.CRITICAL, f"REST endpoint {tgt.base_url} does not answer",
                               "GET /v1/.well-known/live failed", "Nothing can be audited.",
                               "Run `loomdb doctor` on the URL."))
            return report
        configs = inventory.collections(http)
        nodes = ((inventory.get(http, "/v1/nodes", output="verbose").body or {}).get("nodes")) or []
        _review_inventory(configs, len(nodes), report)
        chosen = [c for c in configs if not collections or c["class"] in collections]
        missing = sorted(set(collections) - {c["class"] for c in configs})
        if missing:
            report.add(Finding("collection.missing", Severity.CRITICAL, f"no such collection(s): {missing}",
                               f"GET /v1/schema lists {sorted(c['class'] for c in configs)}",
                               "The named collections cannot be audited.", "Check the names (case matters)."))
        counts = _object_counts(nodes)
        node_memory = _node_memory(tgt)
        client = tgt.connect()
        try:
            per_collection = {}
            for config in chosen:
                if progress:
                    progress(f"auditing {config['class']}")
                per_collection[config["class"]] = _audit_one(client, http, config, counts.get(config["class"], 0),
                                                             len(nodes), node_memory, opts, report)
        finally:
            client.close()
    report.measurements["collections"] = per_collection
    report.measurements["score"] = max(0, 100 - sum(SCORE_WEIGHTS[f.severity] for f in report.findings))
    report.duration_s = time.perf_counter() - started
    return report


# --- inventory-wide review -------------------------------------------------------------------------------------

def _review_inventory(configs: list[dict[str, Any]], node_count: int, report: Report) -> None:
    report.measurements["nodes"] = node_count
    single_tenant = [c for c in configs if not (c.get("multiTenancyConfig") or {}).get("enabled")]
    shapes: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for config in single_tenant:
        shape = tuple(sorted((p["name"], "|".join(p.get("dataType") or [])) for p in config.get("properties") or []))
        shapes.setdefault(shape, []).append(config["class"])
    largest = max(shapes.values(), key=len, default=[])
    if len(single_tenant) > MANY_COLLECTIONS and len(largest) > 1:
        report.add(Finding(
            "inventory.tenants", Severity.MEDIUM,
            f"{len(single_tenant)} single-tenant collections, {len(largest)} with identical properties",
            f"e.g. {', '.join(largest[:5])}", "Each collection costs memory, file handles and schema work on "
            "every node; Weaviate advises multi-tenancy beyond ~20 collections of the same shape.",
            "Model them as tenants of one multi-tenant collection.",
            data={"collections": len(single_tenant), "same_shape": len(largest)}))


def _object_counts(nodes: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in nodes:
        for shard in node.get("shards") or []:
            counts[shard["class"]] = counts.get(shard["class"], 0) + int(shard.get("objectCount") or 0)
    return counts


def _node_memory(tgt: Target) -> float | None:
    metrics, _ = scrape(tgt.metrics_url)
    if metrics is None:
        return None
    return metrics.total("process_resident_memory_bytes") or metrics.total("go_memstats_heap_inuse_bytes")


# --- one collection --------------------------------------------------------------------------------------------

def _audit_one(client: Any, http: Any, config: dict[str, Any], count: int, node_count: int,
               node_memory: float | None, opts: AuditOptions, report: Report) -> dict[str, Any]:
    name = config["class"]
    index = IndexConfig.first_of(config)
    out: dict[str, Any] = {"objects": count, "index_type": index.index_type, "vector": index.vector_name,
                           "distance": index.distance, "compression": index.compression,
                           "ef": index.hnsw.get("ef"), "ef_construction": index.hnsw.get("efConstruction"),
                           "max_connections": index.hnsw.get("maxConnections")}
    _review_replication(config, node_count, report)
    handle, tenant = inventory.handle(client, config)
    out["tenant"] = tenant
    if handle is None:
        return out
    ids, matrix, texts = _fetch_vectors(handle, index.vector_name, opts.max_vectors, config)
    dims = int(matrix.shape[1]) if matrix.size else 0
    out["dims"] = dims
    out["memory"] = review_memory(name, index, count, dims, node_memory, report)
    _review_index(name, index, count, report)
    if not matrix.size:
        return out
    rng = np.random.default_rng(opts.seed)
    if len(ids) <= opts.max_vectors:             # every vector fetched: the exact pass is exact
        out["recall"] = _measure_recall(handle, index, ids, matrix, opts, rng, report, name)
        if opts.ef_sweep and index.index_type in ("hnsw", "dynamic"):
            out["ef_sweep"] = _ef_sweep(http, handle, index, ids, matrix, opts, rng, name)
    else:
        report.add(Finding(
            "recall.skipped", Severity.INFO, f"{name}: recall not measured (more than {opts.max_vectors} vectors)",
            f"{count} objects; fetching stopped after {len(ids)} vectors", "The exact reference needs every vector.",
            f"Raise --max-vectors to at least {count}.", collection=name))
    out["profile"] = _profile(handle, index, ids, matrix, texts, opts, rng)
    _review_latency(name, index, count, out["profile"], report)
    return out


def _fetch_vectors(handle: Any, vector_name: str | None, limit: int,
                   config: dict[str, Any]) -> tuple[list[Any], np.ndarray, list[str]]:
    """Up to `limit`+1 stored objects' ids (one more than the limit tells "there are more"), vectors (a matrix)
    and a word of text each (for bm25/hybrid)."""
    text_props = inventory.text_properties(config)
    ids, rows, words = [], [], []
    for obj in handle.iterator(include_vector=[vector_name] if vector_name else True,
                               return_properties=text_props or []):
        vector = queries.stored_vector(obj, vector_name)
        if vector is None:
            continue
        ids.append(obj.uuid)
        rows.append(vector)
        word = queries.stored_word(obj, text_props)
        if word:
            words.append(word)
        if len(ids) > limit:
            break
    matrix = np.asarray(rows, dtype=np.float32) if rows else np.zeros((0, 0), dtype=np.float32)
    return ids, matrix, words


# --- configuration review --------------------------------------------------------------------------------------

def _review_replication(config: dict[str, Any], node_count: int, report: Report) -> None:
    name = config["class"]
    factor = int((config.get("replicationConfig") or {}).get("factor") or 1)
    if node_count and factor > node_count:
        report.add(Finding(
            "config.replication", Severity.HIGH, f"{name}: replication factor {factor} > {node_count} node(s)",
            f"replicationConfig.factor = {factor}, /v1/nodes lists {node_count}",
            "Writes at consistency ALL/QUORUM cannot reach enough replicas.",
            "Add nodes or lower the factor.", collection=name))
    elif node_count > 1 and factor == 1:
        report.add(Finding(
            "config.replication", Severity.MEDIUM, f"{name}: no replication on a {node_count}-node cluster",
            "replicationConfig.factor = 1", "Losing one node makes this collection's shards unavailable.",
            "Set replication factor 2-3 (mutable: config.update(replication_config=...)).", collection=name))


def _review_index(name: str, index: IndexConfig, count: int, report: Report) -> None:
    hnsw = index.hnsw
    if index.index_type == "flat" and count > DYNAMIC_THRESHOLD:
        report.add(Finding(
            "config.index_type", Severity.HIGH if count > 5 * DYNAMIC_THRESHOLD else Severity.MEDIUM,
            f"{name}: flat index with {count} objects",
            f"vectorIndexType flat, {count} objects (flat is meant for up to ~{DYNAMIC_THRESHOLD}, where "
            "Weaviate's dynamic index switches to HNSW)",
            "Every vector query scans all vectors: latency grows linearly with the collection.",
            "Recreate with the hnsw index (or dynamic) and copy the data; index type is immutable.",
            collection=name, data={"objects": count}))
    if index.index_type in ("hnsw", "dynamic"):
        ef_c, m = hnsw.get("efConstruction"), hnsw.get("maxConnections")
        if isinstance(ef_c, int) and ef_c < 64 or isinstance(m, int) and m < 16:
            report.add(Finding(
                "config.graph", Severity.LOW, f"{name}: sparse HNSW graph (efConstruction {ef_c}, maxConnections {m})",
                f"efConstruction = {ef_c}, maxConnections = {m} (defaults 128 / 32)",
                "A sparse graph needs a higher ef for the same recall, so queries are slower.",
                "Both are immutable: raise ef first; recreate with defaults if recall still lags.", collection=name))
    if index.compression == "pq":
        limit = int((hnsw.get("pq") or {}).get("trainingLimit") or 0)
        if limit and count < limit:
            report.add(Finding(
                "config.pq_training", Severity.LOW, f"{name}: PQ trained on fewer objects than its trainingLimit",
                f"{count} objects < trainingLimit {limit}",
                "Codebooks trained on few vectors fit the data less well (lower recall).",
                "Fine if the data is representative; otherwise retrain after more data arrives.", collection=name))


def review_memory(name: str, index: IndexConfig, count: int, dims: int, node_memory: float | None,
                   report: Report) -> dict[str, Any]:
    """Weaviate's published formulas with the real count and dimensions (and the node's resident memory from
    /metrics, when exposed, to compare with)."""
    estimate = {**memory_estimate(count, dims, index.hnsw.get("maxConnections"), index.index_type),
                "node_resident_bytes": node_memory}
    vectors, graph = estimate["vectors_bytes"], estimate["graph_bytes"]
    if index.compression is None and vectors > UNCOMPRESSED_BYTES:
        report.add(Finding(
            "config.compression", Severity.MEDIUM, f"{name}: {vectors / 2**30:.1f} GiB of uncompressed vectors",
            f"{count} objects x {dims} dims x 4 B = {vectors / 2**30:.2f} GiB (+ graph {graph / 2**30:.2f} GiB)",
            "The vectors must stay in memory for fast search; compression cuts that 4x (RQ 8-bit, SQ) to 32x (BQ).",
            "Enable RQ 8-bit (recommended, ~98-99 % recall) via config.update; audit again to measure recall.",
            collection=name, data=estimate))
    return estimate


# --- recall -----------------------------------------------------------------------------------------------------

def _measure_recall(handle: Any, index: IndexConfig, ids: list[Any], matrix: np.ndarray, opts: AuditOptions,
                    rng: np.random.Generator, report: Report, name: str) -> dict[str, Any]:
    out: dict[str, Any] = {"k": opts.k, "ef": index.hnsw.get("ef")}
    overall = _recall_run(handle, index, ids, matrix, opts, rng, None)
    out["unfiltered"] = overall
    for share in opts.selectivities:
        subset = np.sort(rng.choice(len(ids), size=max(opts.k, int(round(share * len(ids)))), replace=False))
        out[f"filtered_{share:g}"] = _recall_run(handle, index, ids, matrix, opts, rng, subset)
    mean = overall["mean"]
    if mean < RECALL_TARGET:
        severity = Severity.HIGH if mean < RECALL_FLOOR else Severity.MEDIUM
        ef = index.hnsw.get("ef")
        report.add(Finding(
            "recall.low", severity, f"{name}: measured recall@{opts.k} {mean:.3f}",
            f"{overall['queries']} stored vectors queried with near_vector (ef {ef}): recall@{opts.k} {mean:.3f} "
            f"(95 % CI {overall['ci95_low']:.3f}-{overall['ci95_high']:.3f}) against an exact pass over "
            f"{len(ids)} vectors", "Searches miss true nearest neighbours: answers are worse than the data allows.",
            "Raise ef (mutable: config.update(vector_index_config=Reconfigure.VectorIndex.hnsw(ef=...)); "
            "`--ef-sweep 64,128,256` shows the recall each ef buys and its latency; `--fix recall` applies the "
            "smallest ef reaching --target-recall and measures again.",
            collection=name, data=overall))
    return out


def _recall_run(handle: Any, index: IndexConfig, ids: list[Any], matrix: np.ndarray, opts: AuditOptions,
                rng: np.random.Generator, subset: np.ndarray | None) -> dict[str, Any]:
    """Recall of near_vector (restricted to `subset` rows by an id filter when given) vs the exact pass."""
    pool = subset if subset is not None else np.arange(len(ids))
    picks = rng.choice(pool, size=min(opts.queries, len(pool)), replace=False)
    candidates = matrix[pool]
    row_of = {ids[row]: i for i, row in enumerate(pool)}
    filter_ids = [ids[row] for row in pool] if subset is not None else None
    recalls, latencies = [], []
    for row in picks:
        result = queries.near_vector(handle, matrix[row], index.vector_name, opts.k, filter_ids)
        latencies.append(result.latency_ms)
        found = [row_of[o.uuid] for o in result.value.objects if o.uuid in row_of]
        recalls.append(recall_at_k(found, distances(candidates, matrix[row], index.distance), opts.k))
    return {**Estimate.of(recalls).to_dict(), "candidates": int(len(pool)), **percentiles_ms(latencies)}


def _ef_sweep(http: Any, handle: Any, index: IndexConfig, ids: list[Any], matrix: np.ndarray,
              opts: AuditOptions, rng: np.random.Generator, name: str) -> list[dict[str, Any]]:
    """Recall and latency per ef: sets ef through the schema API for each point, restores the original after."""
    original = index.hnsw.get("ef")
    points = []
    try:
        for ef in opts.ef_sweep:
            set_ef(http, name, index.vector_name, ef)
            points.append({"ef": ef, **_recall_run(handle, index, ids, matrix, opts, rng, None)})
    finally:
        set_ef(http, name, index.vector_name, original)
    return points


# --- query profile ---------------------------------------------------------------------------------------------

def _profile(handle: Any, index: IndexConfig, ids: list[Any], matrix: np.ndarray, texts: list[str],
             opts: AuditOptions, rng: np.random.Generator) -> dict[str, Any]:
    rounds = opts.profile_rounds
    rows = rng.choice(len(ids), size=rounds, replace=len(ids) < rounds)
    subset = [ids[r] for r in rng.choice(len(ids), size=max(1, len(ids) // 10), replace=False)]
    vn = index.vector_name
    shapes = {
        "fetch": lambda i: queries.fetch(handle, limit=10, include_vector=False),
        "near_vector": lambda i: queries.near_vector(handle, matrix[rows[i]], vn, opts.k),
        "filtered_near_vector": lambda i: queries.near_vector(handle, matrix[rows[i]], vn, opts.k, subset),
    }
    if texts:
        words = [texts[i % len(texts)] for i in range(rounds)]
        shapes["bm25"] = lambda i: queries.bm25(handle, words[i], opts.k)
        shapes["hybrid"] = lambda i: queries.hybrid(handle, words[i], matrix[rows[i]], vn, opts.k)
    return {kind: percentiles_ms([run(i).latency_ms for i in range(rounds)]) for kind, run in shapes.items()}


def _review_latency(name: str, index: IndexConfig, count: int, profile: dict[str, Any], report: Report) -> None:
    slow = {kind: p for kind, p in profile.items() if p["p95_ms"] > 100.0}
    if slow:
        worst_kind = max(slow, key=lambda k: slow[k]["p95_ms"])
        report.add(Finding(
            "profile.slow", Severity.MEDIUM, f"{name}: {worst_kind} p95 {slow[worst_kind]['p95_ms']:.0f} ms",
            "; ".join(f"{k} p50 {p['p50_ms']:.1f} / p95 {p['p95_ms']:.1f} / p99 {p['p99_ms']:.1f} ms"
                      for k, p in slow.items()),
            "Queries above 100 ms at p95 on a single client are felt by users and cap throughput.",
            "Check the index type and ef against the recall measured above; see the memory estimate.",
            collection=name, data=slow))
