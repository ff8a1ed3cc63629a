"""Local model benchmark: the in-process all-MiniLM-L6-v2 (text2vec-transformers / -contextionary) by itself.

    pip install -e ".[local]"
    python benchmarks/bench_local_model.py                 # everything, SciFact from ../shared/data (~6-10 min)
    python benchmarks/bench_local_model.py --no-scifact    # speed and memory only (~30 s)

Prints the model's own figures, the ones the database is measured against (issue 11 targets): load time (first
call, imports included), throughput in sentences/s over 500 SciFact claims (batches of 32), single-query latency
(p50/p95 of 100 one-claim calls), RSS, and SciFact nDCG@10 / recall@100 with exact cosine (numpy, every query
against every document, title + " " + text, truncated at 256 word pieces) next to the published 0.645 (MTEB).
Numbers depend on the machine's load: the 1-minute load average is printed with them.
Writes benchmarks/out/local_model.json.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

import numpy as np

from bench_relevance import DEFAULT_DATA, OUT, load, ndcg_at
from loomdb.modules.text2vec_transformers import model as local_model

PUBLISHED_NDCG10 = 0.64508      # MTEB SciFact, all-MiniLM-L6-v2 fp32 (embeddings-benchmark/mtebpaper results)


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size in MB (Linux /proc; peak from getrusage)."""
    with open("/proc/self/statm") as statm:
        current = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_average() -> float:
    return os.getloadavg()[0]


def speed(claims: list[str]) -> dict:
    started = time.perf_counter()
    model = local_model.shared_model()
    model.embed(["warm up"])
    result: dict = {"load_s": round(time.perf_counter() - started, 2), "rss_after_load_mb": round(rss_mb()[0])}
    model.embed(claims[:32])
    started = time.perf_counter()
    model.embed(claims)
    result["sent_per_s_b32"] = round(len(claims) / (time.perf_counter() - started), 1)
    result["load_avg_throughput"] = load_average()
    latencies = []
    for claim in claims[:100]:
        started = time.perf_counter()
        model.embed([claim])
        latencies.append((time.perf_counter() - started) * 1000)
    result["query_p50_ms"] = round(float(np.percentile(latencies, 50)), 2)
    result["query_p95_ms"] = round(float(np.percentile(latencies, 95)), 2)
    result["load_avg_latency"] = load_average()
    return result


def scifact(folder: Path) -> dict:
    corpus, queries, qrels = load(folder)
    model = local_model.shared_model()
    started = time.perf_counter()
    docs = np.concatenate([model.embed([d["title"] + " " + d["text"] for d in corpus[i:i + 256]])
                           for i in range(0, len(corpus), 256)])
    docs_per_s = len(corpus) / (time.perf_counter() - started)
    load_avg = load_average()
    judged = [qid for qid in queries if qid in qrels]
    scores = model.embed([queries[qid] for qid in judged]) @ docs.T
    ids = [d["_id"] for d in corpus]
    ndcg, recall = [], []
    for row, qid in enumerate(judged):
        ranked = [ids[i] for i in np.argsort(-scores[row], kind="stable")[:100]]
        ndcg.append(ndcg_at(ranked, qrels[qid], 10))
        recall.append(len(set(ranked) & set(qrels[qid])) / len(qrels[qid]))
    return {"docs": len(corpus), "queries": len(judged), "ndcg@10": round(float(np.mean(ndcg)), 4),
            "recall@100": round(float(np.mean(recall)), 4), "published_ndcg@10": PUBLISHED_NDCG10,
            "docs_per_s": round(docs_per_s, 1), "load_avg_docs": load_avg,
            "peak_rss_mb": round(rss_mb()[1])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA / "scifact")
    ap.add_argument("--no-scifact", action="store_true", help="skip the corpus encode and nDCG (speed only)")
    args = ap.parse_args()
    claims = [json.loads(line)["text"] for line in
              (args.data / "queries.jsonl").read_text(encoding="utf-8").splitlines()[:500]]
    result = {"cores": local_model.thread_count(), **speed(claims)}
    print(f"all-MiniLM-L6-v2 int8 (onnxruntime, {result['cores']} threads): load {result['load_s']} s, "
          f"RSS {result['rss_after_load_mb']} MB | {result['sent_per_s_b32']} sent/s (batch 32, load avg "
          f"{result['load_avg_throughput']:.1f}) | one query p50 {result['query_p50_ms']} ms p95 "
          f"{result['query_p95_ms']} ms", flush=True)
    if not args.no_scifact:
        result["scifact"] = quality = scifact(args.data)
        print(f"SciFact exact cosine: nDCG@10 {quality['ndcg@10']:.4f} (published {PUBLISHED_NDCG10}) recall@100 "
              f"{quality['recall@100']:.4f} | {quality['docs']} docs at {quality['docs_per_s']} docs/s (load avg "
              f"{quality['load_avg_docs']:.1f}) | peak RSS {quality['peak_rss_mb']} MB", flush=True)
    OUT.mkdir(exist_ok=True)
    (OUT / "local_model.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
