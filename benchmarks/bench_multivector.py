"""Multi-vector (ColBERT-style) search: exact MaxSim vs the token HNSW graph vs MUVERA candidates, on the engine's
MultiVectorIndex directly (no server: what is measured is the index, not the wire).

    python benchmarks/bench_multivector.py                       # 2k docs x 32 tokens x 64-d, 100 queries
    python benchmarks/bench_multivector.py --n 5000 --dim 128

Synthetic data with the structure token embeddings have: 256 topic directions; a document draws 4 topics and
each of its tokens is one of them plus noise; a query takes 8 tokens from its source document's topics plus
noise. Recall@10 is against exact MaxSim (the same scoring the candidates are ranked by). Prints one row per mode:
build seconds, query p50 / p95 ms, recall@10.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from loomdb.engine.schema._vector_index_defaults import fill_vector_index_config
from loomdb.engine.vector.distances import normalise
from loomdb.engine.vector.maxsim import maxsim_distances
from loomdb.engine.vector.multivector import MultiVectorIndex

MODES = {"hnsw": {"enabled": True}, "muvera": {"enabled": True, "muvera": {"enabled": True}}}


def make_data(n: int, tokens: int, dim: int, queries: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    topics = rng.standard_normal((256, dim)).astype(np.float32)
    doc_topics = rng.integers(0, len(topics), size=(n, 4))
    docs = [(topics[rng.choice(doc_topics[i], tokens)] + 0.6 * rng.standard_normal((tokens, dim))
             ).astype(np.float32) for i in range(n)]
    sources = rng.integers(0, n, size=queries)
    qs = [(topics[rng.choice(doc_topics[s], 8)] + 0.6 * rng.standard_normal((8, dim))).astype(np.float32)
          for s in sources]
    return docs, qs


def _row(mode: str, build: float, latencies: list[float], recall: float, k: int) -> None:
    ms = np.array(latencies) * 1000
    print(f"{mode:7s} build {build:7.2f} s   query p50 {np.percentile(ms, 50):7.2f} ms   "
          f"p95 {np.percentile(ms, 95):7.2f} ms   recall@{k} {recall:.3f}")


def exact(docs: list[np.ndarray], qs: list[np.ndarray], k: int) -> list[set]:
    """The exact path's own scoring (maxsim_distances over every document) and its top k: the ground truth."""
    start = time.perf_counter()
    tokens = normalise(np.concatenate(docs))
    counts = np.array([len(d) for d in docs], np.int64)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    build = time.perf_counter() - start
    latencies, truth = [], []
    for q in qs:
        t0 = time.perf_counter()
        dist = maxsim_distances(tokens, starts, counts, normalise(q))
        top = np.argpartition(dist, k - 1)[:k]
        latencies.append(time.perf_counter() - t0)
        truth.append(set(top.tolist()))
    _row("exact", build, latencies, 1.0, k)
    return truth


def run(mode: str, docs: list[np.ndarray], qs: list[np.ndarray], truth: list[set], k: int) -> None:
    index = MultiVectorIndex("cosine", fill_vector_index_config("hnsw", {"multivector": MODES[mode]}))
    start = time.perf_counter()
    for first in range(0, len(docs), 500):
        index.add(first, docs[first:first + 500])
    build = time.perf_counter() - start
    latencies, recalls = [], []
    for q, expected in zip(qs, truth):
        t0 = time.perf_counter()
        slots, _ = index.search(q, k, None)
        latencies.append(time.perf_counter() - t0)
        recalls.append(len(set(slots.tolist()) & expected) / k)
    _row(mode, build, latencies, float(np.mean(recalls)), k)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--tokens", type=int, default=32)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()
    docs, qs = make_data(args.n, args.tokens, args.dim, args.queries)
    print(f"{args.n} docs x {args.tokens} tokens x {args.dim}-d, {args.queries} queries x 8 tokens, cosine")
    truth = exact(docs, qs, args.k)
    for mode in MODES:
        run(mode, docs, qs, truth, args.k)


if __name__ == "__main__":
    main()
