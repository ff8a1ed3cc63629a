"""Search performance: BM25 and hybrid at 100k short documents, equality/range filters at 1M objects, and import
throughput with the inverted index on vs off. Server in a subprocess, official client, this machine.

    python benchmarks/bench_search.py                  # full run (1M-object filter part takes a few minutes)
    python benchmarks/bench_search.py --docs 20000 --filter-objects 100000 --queries 100

Targets (reported, not asserted): BM25 p50 <= 5 ms and hybrid p50 <= 15 ms at 100k short docs; equality and
range filters over 1M objects p50 <= 10 ms; import with the inverted index >= 70% of the rate without it.
Writes benchmarks/out/search.json.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from weaviate.classes.config import Configure, DataType, Property  # noqa: E402
from weaviate.classes.data import DataObject  # noqa: E402
from weaviate.classes.query import Filter  # noqa: E402

import loomdb.server  # noqa: E402,F401  (quiet the client's import-time warning)
from bench_foundation import Target  # noqa: E402

OUT = Path(__file__).parent / "out"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "scifact" / "corpus.jsonl"


def vocabulary(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Real words with their real frequencies (SciFact), or a Zipf-shaped synthetic vocabulary."""
    if CORPUS.exists():
        words: dict[str, int] = {}
        for line in CORPUS.read_text(encoding="utf-8").splitlines():
            for w in re.findall(r"[^\W_]+", json.loads(line)["text"].lower()):
                words[w] = words.get(w, 0) + 1
        vocab = np.array(list(words))
        freq = np.array(list(words.values()), dtype=np.float64)
    else:
        vocab = np.array([f"w{i}" for i in range(30_000)])
        freq = 1.0 / np.arange(1, 30_001)
    return vocab, freq / freq.sum()


def docs(rng, vocab, p, n):
    lens_t, lens_b = rng.integers(3, 9, n), rng.integers(15, 61, n)
    words = rng.choice(vocab, size=int(lens_t.sum() + lens_b.sum()), p=p)
    out, pos = [], 0
    for lt, lb in zip(lens_t, lens_b):
        out.append((" ".join(words[pos:pos + lt]), " ".join(words[pos + lt:pos + lt + lb])))
        pos += lt + lb
    return out


def timed(fn, args) -> np.ndarray:
    lat = []
    for a in args:
        t = time.perf_counter()
        fn(a)
        lat.append((time.perf_counter() - t) * 1000)
    return np.array(lat)


def pct(lat: np.ndarray) -> dict:
    return {"p50_ms": round(float(np.percentile(lat, 50)), 2), "p99_ms": round(float(np.percentile(lat, 99)), 2)}


def import_docs(client, name, texts, vecs, searchable: bool) -> float:
    client.collections.delete(name)
    col = client.collections.create(name, properties=[
        Property(name="title", data_type=DataType.TEXT, index_searchable=searchable, index_filterable=searchable),
        Property(name="body", data_type=DataType.TEXT, index_searchable=searchable, index_filterable=searchable)],
        vector_config=Configure.Vectors.self_provided())
    rows = vecs.tolist()
    t = time.perf_counter()
    with col.batch.fixed_size(batch_size=1000, concurrent_requests=2) as batch:
        for i, (title, body) in enumerate(texts):
            batch.add_object({"title": title, "body": body}, vector=rows[i])
    rate = len(texts) / (time.perf_counter() - t)
    assert len(col) == len(texts)
    return rate


def text_part(client, args, rng) -> dict:
    vocab, p = vocabulary(rng)
    texts = docs(rng, vocab, p, args.docs)
    vecs = rng.standard_normal((args.docs, args.dim), dtype=np.float32)
    rate_off = import_docs(client, "SearchPlain", texts, vecs, searchable=False)
    rate_on = import_docs(client, "SearchText", texts, vecs, searchable=True)
    client.collections.delete("SearchPlain")
    col = client.collections.get("SearchText")
    # queries: 2-4 words drawn from mid-frequency ranks, like real keyword queries
    ranked = vocab[np.argsort(-p)]
    qwords = ranked[50:20_000] if len(ranked) > 20_050 else ranked[50:]
    queries = [" ".join(rng.choice(qwords, rng.integers(2, 5))) for _ in range(args.queries)]
    qvecs = rng.standard_normal((args.queries, args.dim), dtype=np.float32).tolist()
    for q in queries[:10]:
        col.query.bm25(q, limit=10)
    bm25 = timed(lambda q: col.query.bm25(q, limit=10), queries)
    hybrid = timed(lambda i: col.query.hybrid(queries[i], vector=qvecs[i], limit=10), range(args.queries))
    return {"docs": args.docs, "import_with_index_obj_s": round(rate_on), "import_without_index_obj_s": round(rate_off),
            "import_ratio": round(rate_on / rate_off, 3), "bm25": pct(bm25), "hybrid": pct(hybrid)}


def filter_part(client, args, rng) -> dict:
    n = args.filter_objects
    client.collections.delete("FilterBench")
    col = client.collections.create("FilterBench", properties=[Property(name="n", data_type=DataType.INT),
                                                               Property(name="cat", data_type=DataType.TEXT)],
                                    vector_config=Configure.Vectors.self_provided())
    cats = [f"c{i}" for i in range(100)]
    t = time.perf_counter()
    for start in range(0, n, 5000):
        res = col.data.insert_many([DataObject({"n": i, "cat": cats[i % 100]}, uuid=uuid.UUID(int=i + 1),
                                               vector=[1.0, float(i % 7)]) for i in range(start, min(n, start + 5000))])
        assert not res.errors
    import_s = time.perf_counter() - t
    values = rng.integers(0, n, args.queries).tolist()
    eq_int = timed(lambda v: col.query.fetch_objects(filters=Filter.by_property("n").equal(v), limit=10), values)
    rng_int = timed(lambda v: col.query.fetch_objects(
        filters=Filter.by_property("n").greater_than(v) & Filter.by_property("n").less_than(v + 5000), limit=10),
        values)
    eq_text = timed(lambda v: col.query.fetch_objects(filters=Filter.by_property("cat").equal(cats[v % 100]), limit=10),
                    values)
    count = timed(lambda v: col.aggregate.over_all(total_count=True, filters=Filter.by_property("n").less_than(v)),
                  values)
    return {"objects": n, "import_s": round(import_s, 1), "equal_int": pct(eq_int), "range_int": pct(rng_int),
            "equal_text": pct(eq_text), "count_range": pct(count)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--filter-objects", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory(prefix="loomdb-bench-") as tmp, Target(False, Path(tmp)) as client:
        text = text_part(client, args, rng)
        print(f"text, {text['docs']} docs: import {text['import_with_index_obj_s']} obj/s with inverted index vs "
              f"{text['import_without_index_obj_s']} without ({text['import_ratio']:.0%}) | BM25 p50 "
              f"{text['bm25']['p50_ms']} ms p99 {text['bm25']['p99_ms']} ms | hybrid p50 {text['hybrid']['p50_ms']} ms "
              f"p99 {text['hybrid']['p99_ms']} ms", flush=True)
        filt = filter_part(client, args, rng)
        print(f"filters, {filt['objects']} objects (import {filt['import_s']} s): equal int p50 "
              f"{filt['equal_int']['p50_ms']} ms | range int p50 {filt['range_int']['p50_ms']} ms | equal text p50 "
              f"{filt['equal_text']['p50_ms']} ms | count(range) p50 {filt['count_range']['p50_ms']} ms", flush=True)
    OUT.mkdir(exist_ok=True)
    (OUT / "search.json").write_text(json.dumps({"text": text, "filters": filt}, indent=1))


if __name__ == "__main__":
    main()
