"""Multi-target vector search through the official client on an embedded loomdb: query latency of each join next
to a single-target search, and how often the joined top 10 equals Weaviate's rule computed exactly in numpy (each
target's exact top k, their union, the joined distance; HNSW candidates can differ from exact ones).

    python benchmarks/bench_multi_target.py                  # 20k objects x 2 named vectors (64-d, hnsw), 200 queries
    python benchmarks/bench_multi_target.py --n 50000 --dim 128
    python benchmarks/bench_multi_target.py --index flat     # exact per-target searches: agreement must be 1.00

Prints one row per join: p50 / p95 ms and the share of queries whose top-10 ids equal the numpy reference.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
from weaviate.classes.config import Configure
from weaviate.classes.data import DataObject
from weaviate.classes.query import TargetVectors

import loomdb

K = 10


def _cosine(rows: np.ndarray, q: np.ndarray) -> np.ndarray:
    return 1.0 - rows @ q / (np.linalg.norm(rows, axis=1) * np.linalg.norm(q))


def reference(data: dict[str, np.ndarray], q: dict[str, np.ndarray], join: str) -> list[int]:
    dists = {n: _cosine(data[n], q[n]) for n in data}
    pool = sorted(set().union(*(set(np.argsort(d)[:K].tolist()) for d in dists.values())))
    if join == "minimum":
        top = {n: set(np.argsort(d)[:K].tolist()) for n, d in dists.items()}
        joined = {i: min(dists[n][i] for n in data if i in top[n]) for i in pool}
    elif join == "sum":
        joined = {i: sum(dists[n][i] for n in data) for i in pool}
    else:
        joined = dict.fromkeys(pool, 0.0)
        for n in data:
            vals = np.array([dists[n][i] for i in pool])
            lo, hi = vals.min(), vals.max()
            for i, v in zip(pool, vals):
                joined[i] += 0.5 * ((v - lo) / (hi - lo) if hi > lo else 1.0)
    return sorted(pool, key=lambda i: joined[i])[:K]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--index", choices=("hnsw", "flat"), default="hnsw")
    args = ap.parse_args()
    rng = np.random.default_rng(3)
    data = {n: rng.standard_normal((args.n, args.dim)).astype(np.float32) for n in ("a", "b")}
    with loomdb.connect_embedded() as client:
        index = Configure.VectorIndex.flat() if args.index == "flat" else Configure.VectorIndex.hnsw()
        col = client.collections.create("Bench", vector_config=[
            Configure.Vectors.self_provided(name=name, vector_index_config=index) for name in ("a", "b")])
        for start in range(0, args.n, 2000):
            res = col.data.insert_many([DataObject({"i": i}, vector={n: data[n][i].tolist() for n in data})
                                        for i in range(start, min(start + 2000, args.n))])
            assert not res.errors
        queries = [{n: rng.standard_normal(args.dim).astype(np.float32) for n in data} for _ in range(args.queries)]
        joins = {"single a": None, "minimum": TargetVectors.minimum(["a", "b"]),
                 "sum": TargetVectors.sum(["a", "b"]),
                 "relative": TargetVectors.relative_score({"a": 0.5, "b": 0.5})}
        for label, target in joins.items():
            latencies, same = [], 0
            for q in queries:
                started = time.perf_counter()
                if target is None:
                    objs = col.query.near_vector(q["a"].tolist(), target_vector="a", limit=K,
                                                 return_properties=["i"]).objects
                else:
                    objs = col.query.near_vector({n: v.tolist() for n, v in q.items()}, target_vector=target,
                                                 limit=K, return_properties=["i"]).objects
                latencies.append(time.perf_counter() - started)
                if target is not None:
                    same += [o.properties["i"] for o in objs] == reference(data, q, label)
            ms = np.array(latencies) * 1000
            agree = f"   same top-{K} as numpy {same / len(queries):.2f}" if target is not None else ""
            print(f"{label:9s} p50 {np.percentile(ms, 50):6.2f} ms   p95 {np.percentile(ms, 95):6.2f} ms{agree}")


if __name__ == "__main__":
    main()
