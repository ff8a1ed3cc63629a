"""Relevance benchmark: BM25 (Weaviate's BM25F as loomdb implements it) on real judged collections.

    python benchmarks/bench_relevance.py                       # scifact and cranfield from ../shared/data
    python benchmarks/bench_relevance.py --data DIR --sets scifact

Imports each BEIR-layout collection (corpus.jsonl, queries.jsonl, qrels/test.tsv) through the official client
into an in-process loomdb, runs every judged test query with `query.bm25(limit=100)` over title + text, and
prints nDCG@10 and recall@100 (graded gains as in the qrels). Published anchors: BM25 nDCG@10 on SciFact 0.665
(BEIR paper) / 0.679 (Anserini, k1=0.9 b=0.4, with stemming); Weaviate has no stemming and uses k1=1.2 b=0.75.
Writes benchmarks/out/relevance.json.
"""
from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
import uuid
from pathlib import Path

from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.data import DataObject

import loomdb
import loomdb.server  # noqa: F401  (quiet the client's import-time warning)

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
OUT = Path(__file__).parent / "out"


def load(folder: Path):
    corpus = [json.loads(line) for line in (folder / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    queries = {q["_id"]: q["text"] for q in map(json.loads,
                                                 (folder / "queries.jsonl").read_text(encoding="utf-8").splitlines())}
    qrels: dict[str, dict[str, int]] = {}
    with (folder / "qrels" / "test.tsv").open(encoding="utf-8") as f:
        next(f)
        for line in f:
            qid, did, score = line.rstrip("\n").split("\t")
            if int(score) > 0:
                qrels.setdefault(qid, {})[did] = int(score)
    return corpus, queries, qrels


def ndcg_at(ranked: list[str], gains: dict[str, int], k: int) -> float:
    dcg = sum(gains.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(gains.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def evaluate(client, name: str, folder: Path) -> dict:
    corpus, queries, qrels = load(folder)
    cname = "Rel" + name.capitalize()
    client.collections.delete(cname)
    col = client.collections.create(cname, properties=[Property(name="title", data_type=DataType.TEXT),
                                                       Property(name="text", data_type=DataType.TEXT),
                                                       Property(name="docid", data_type=DataType.TEXT,
                                                                index_searchable=False)],
                                    vector_config=Configure.Vectors.self_provided())
    t0 = time.perf_counter()
    for start in range(0, len(corpus), 1000):
        res = col.data.insert_many([DataObject({"title": d.get("title", ""), "text": d.get("text", ""),
                                                "docid": d["_id"]}, uuid=uuid.uuid5(uuid.NAMESPACE_OID, d["_id"]))
                                    for d in corpus[start:start + 1000]])
        assert not res.errors, res.errors
    import_s = time.perf_counter() - t0
    ndcgs, recalls, lat = [], [], []
    for qid, gains in qrels.items():
        t = time.perf_counter()
        res = col.query.bm25(queries[qid], limit=100, query_properties=["title", "text"],
                             return_properties=["docid"])
        lat.append((time.perf_counter() - t) * 1000)
        ranked = [o.properties["docid"] for o in res.objects]
        ndcgs.append(ndcg_at(ranked, gains, 10))
        recalls.append(len(set(ranked) & set(gains)) / len(gains))
    lat.sort()
    return {"set": name, "docs": len(corpus), "queries": len(qrels), "ndcg@10": round(sum(ndcgs) / len(ndcgs), 4),
            "recall@100": round(sum(recalls) / len(recalls), 4), "import_s": round(import_s, 2),
            "bm25_p50_ms": round(lat[len(lat) // 2], 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--sets", nargs="+", default=["scifact", "cranfield"])
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="loomdb-rel-") as tmp, loomdb.connect_embedded(tmp) as client:
        for name in args.sets:
            r = evaluate(client, name, args.data / name)
            results.append(r)
            print(f"{name:>10}: {r['docs']} docs, {r['queries']} judged queries | BM25 nDCG@10 {r['ndcg@10']:.4f} "
                  f"recall@100 {r['recall@100']:.4f} | query p50 {r['bm25_p50_ms']} ms (in-process client)",
                  flush=True)
    OUT.mkdir(exist_ok=True)
    (OUT / "relevance.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
