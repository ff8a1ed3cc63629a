"""Sharding: near_vector and bm25 throughput and single-query latency with desired_count 1, 2 and 4 on the same
data. Server in a subprocess, official client, this machine.

    python benchmarks/bench_shards.py                              # 100k objects x 128 dims, shards 1 2 4
    python benchmarks/bench_shards.py --objects 20000 --shards 1 2 --seconds 5

Throughput: `--clients` threads (one client connection each) send queries back to back for `--seconds`.
Latency: one client, queries one after another (p50 / p99). The collection is flat-indexed by default (exact
search: per-shard cost grows with the objects) or HNSW with `--hnsw`. Writes benchmarks/out/shards.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from weaviate.classes.config import Configure, DataType, Property  # noqa: E402
from weaviate.classes.data import DataObject  # noqa: E402

import loomdb.server  # noqa: E402,F401  (quiet the client's import-time warning)
from bench_foundation import Target  # noqa: E402

OUT = Path(__file__).parent / "out"
WORDS = [f"w{i}" for i in range(5000)]


def load(client, name: str, shards: int, vecs: np.ndarray, texts: list[str], hnsw: bool) -> float:
    """Create the collection and import the objects; returns objects per second."""
    client.collections.delete(name)
    index = Configure.VectorIndex.hnsw() if hnsw else Configure.VectorIndex.flat()
    col = client.collections.create(
        name, properties=[Property(name="body", data_type=DataType.TEXT)],
        vector_config=Configure.Vectors.self_provided(vector_index_config=index),
        sharding_config=Configure.sharding(desired_count=shards))
    start = time.perf_counter()
    rows = vecs.tolist()
    for i in range(0, len(rows), 2000):
        col.data.insert_many([DataObject(properties={"body": texts[j]}, vector=rows[j],
                                         uuid=uuid.UUID(int=j + 1)) for j in range(i, min(i + 2000, len(rows)))])
    return len(rows) / (time.perf_counter() - start)


def throughput(target: Target, name: str, run, queries: list, clients: int, seconds: float) -> float:
    """Queries per second with `clients` concurrent connections."""
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def worker(k: int) -> None:
        client = target.connect()
        col = client.collections.get(name)
        i = k
        while time.perf_counter() < stop:
            run(col, queries[i % len(queries)])
            i += clients
            done[k] += 1
        client.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


def latency(col, run, queries: list) -> dict:
    for q in queries[:20]:
        run(col, q)             # warm up
    lat = []
    for q in queries:
        t = time.perf_counter()
        run(col, q)
        lat.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": round(float(np.percentile(lat, 50)), 2), "p99_ms": round(float(np.percentile(lat, 99)), 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--objects", type=int, default=100_000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--shards", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--hnsw", action="store_true", help="HNSW instead of the flat index")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    vecs = rng.standard_normal((args.objects, args.dim)).astype(np.float32)
    texts = [" ".join(rng.choice(WORDS, size=int(rng.integers(10, 40)))) for _ in range(args.objects)]
    vector_queries = [v.tolist() for v in rng.standard_normal((args.queries, args.dim)).astype(np.float32)]
    word_queries = [" ".join(rng.choice(WORDS[:500], size=2)) for _ in range(args.queries)]
    kinds = {"near_vector": (lambda col, q: col.query.near_vector(q, limit=10), vector_queries),
             "bm25": (lambda col, q: col.query.bm25(q, limit=10), word_queries)}
    report: dict = {"objects": args.objects, "dim": args.dim, "clients": args.clients,
                    "index": "hnsw" if args.hnsw else "flat", "runs": {}}
    with tempfile.TemporaryDirectory(prefix="loomdb-bench-") as tmp:
        target = Target(False, Path(tmp))
        with target as client:
            for shards in args.shards:
                name = f"Shards{shards}"
                run: dict = {"import_obj_per_s": round(load(client, name, shards, vecs, texts, args.hnsw))}
                col = client.collections.get(name)
                for kind, (fn, queries) in kinds.items():
                    run[kind] = {**latency(col, fn, queries),
                                 "qps": round(throughput(target, name, fn, queries, args.clients, args.seconds), 1)}
                report["runs"][shards] = run
                print(f"shards={shards}: {json.dumps(run)}", flush=True)
                client.collections.delete(name)
    OUT.mkdir(exist_ok=True)
    (OUT / "shards.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
