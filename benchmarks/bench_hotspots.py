"""Hot spots of issue 9 part 4, measured in-process on the engine (no server): aggregations over 100k objects,
text filters and BM25 over 300k objects. Median of several runs per case, in ms.

    python benchmarks/bench_hotspots.py                          # ~1-2 minutes on a quiet 2-core machine
    python benchmarks/bench_hotspots.py --agg-objects 20000 --filter-objects 50000
    python benchmarks/bench_hotspots.py --compare old.json       # exactness: same result digests as a saved run

Every case also records a digest of its result (aggregation results, filter masks, BM25 hits), so a run on the
base commit and a run after a change can be compared result for result with --compare.
Writes benchmarks/out/hotspots.json.
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from loomdb.engine.query.aggregate import aggregate
from loomdb.engine.query.allowlist import FilterContext, allow_list
from loomdb.engine.query.keyword import KeywordConfig, bm25
from loomdb.engine.schema.model import PropertySpec
from loomdb.engine.shard import Shard
from loomdb.entities.aggregate import AggregateParams, PropertyAggregation
from loomdb.entities.filters import FilterLeaf
from loomdb.entities.objects import ObjectWrite
from loomdb.entities.search import Bm25

OUT = Path(__file__).parent / "out"
_SYLLABLES = ("ba", "co", "de", "ing", "ter", "an", "ro", "mi", "su", "lo", "ex", "qu", "ne", "tion", "al", "ri",
              "ka", "po", "ve", "ly")
_CTX = FilterContext("Bench", index_timestamps=False, index_null_state=True)
_KEYWORD = KeywordConfig("Bench", 1.2, 0.75, frozenset())


def words(rng: np.random.Generator, n: int) -> list[str]:
    """Distinct pseudo-words of 2-4 syllables: shared infixes and suffixes like a real vocabulary."""
    out: dict[str, None] = {}
    while len(out) < n:
        picks = rng.integers(0, len(_SYLLABLES), (n, 4)).tolist()
        for row, k in zip(picks, rng.integers(2, 5, n).tolist()):
            out["".join(_SYLLABLES[i] for i in row[:k])] = None
    return list(out)[:n]


def zipf_choice(rng: np.random.Generator, items: list[str], size: int) -> np.ndarray:
    p = 1.0 / np.arange(1, len(items) + 1)
    return rng.choice(np.array(items, dtype=object), size=size, p=p / p.sum())


def fill(shard: Shard, objects: list[dict], batch: int = 5000) -> None:
    for start in range(0, len(objects), batch):
        writes = [ObjectWrite(str(uuid.UUID(int=start + i + 1)), props, {})
                  for i, props in enumerate(objects[start:start + batch])]
        assert shard.put(writes, 1_700_000_000_000) == [None] * len(writes)


def agg_shard(path: Path, n: int, rng: np.random.Generator) -> Shard:
    specs = {
        "category": PropertySpec("category", "text", "word"),
        "tags": PropertySpec("tags", "text[]", "word"),
        "title": PropertySpec("title", "text", "word"),
        "owner": PropertySpec("owner", "uuid"),
        "score": PropertySpec("score", "int"),
        "price": PropertySpec("price", "number"),
        "when": PropertySpec("when", "date"),
        "hidden": PropertySpec("hidden", "int", index_filterable=False),
    }
    shard = Shard(path, specs, {})
    cats = [f"{a} {b}" for a in ("Science", "Art", "Music", "Sport", "Travel") for b in
            ("Fiction", "News", "Review", "Guide", "History", "Today", "Weekly", "Digest")]
    tags = [f"tag-{i}" for i in range(300)]
    owners = [str(uuid.UUID(int=int(x))) for x in rng.integers(1, 2**63, 1000)]
    vocab = words(rng, 20_000)
    base = datetime(2020, 1, 1, tzinfo=timezone.utc)
    cat_of = zipf_choice(rng, cats, n)
    title_words = zipf_choice(rng, vocab, n * 5).reshape(n, 5)
    objects = []
    for i in range(n):
        props = {"category": cat_of[i], "title": " ".join(title_words[i]),
                 "owner": owners[int(rng.integers(0, len(owners)))], "score": int(rng.integers(0, 100)),
                 "price": round(float(rng.random()) * 100, 2), "hidden": int(rng.integers(0, 1000)),
                 "when": (base + timedelta(hours=int(rng.integers(0, 20_000)))).strftime("%Y-%m-%dT%H:%M:%SZ")}
        if i % 10:       # some objects without tags
            props["tags"] = [tags[int(t)] for t in rng.integers(0, len(tags), int(rng.integers(1, 5)))]
        objects.append(props)
    fill(shard, objects)
    return shard


def filter_shard(path: Path, n: int, rng: np.random.Generator) -> tuple[Shard, list[str]]:
    specs = {
        "title": PropertySpec("title", "text", "word", index_searchable=True),
        "category": PropertySpec("category", "text", "field"),
        "tags": PropertySpec("tags", "text[]", "word"),
        "sku": PropertySpec("sku", "text", "field"),
    }
    shard = Shard(path, specs, {})
    vocab = words(rng, 50_000)
    lens = rng.integers(4, 11, n)
    drawn = zipf_choice(rng, vocab, int(lens.sum()))
    cats = [f"Category {i}" for i in range(100)]
    tags = [f"t{i}" for i in range(500)]
    objects, pos = [], 0
    for i in range(n):
        objects.append({"title": " ".join(drawn[pos:pos + lens[i]]) + f" code{i:06d}",
                        "category": cats[int(rng.integers(0, len(cats)))], "sku": f"SKU-{i:07d}",
                        "tags": [tags[int(t)] for t in rng.integers(0, len(tags), 3)]})
        pos += lens[i]
    fill(shard, objects)
    return shard, vocab


def plain(value):
    """A result as JSON-able data with sets sorted (their repr order changes with the string hash seed)."""
    if dataclasses.is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def digest(value) -> str:
    if isinstance(value, np.ndarray):
        raw = np.packbits(value).tobytes() if value.dtype == bool else value.tobytes()
    else:
        raw = json.dumps(plain(value), sort_keys=True).encode()
    return hashlib.sha1(raw).hexdigest()[:16]


def timed(fn, runs: int, budget_s: float) -> tuple[float, float, object]:
    """(first call ms, median ms of the repeated calls, result). The first call pays for lazily built structures
    and empty caches; the repeats (at least 3, up to `runs` within `budget_s`) show the steady state."""
    t = time.perf_counter()
    result = fn()
    first = (time.perf_counter() - t) * 1000
    times, start = [], time.perf_counter()
    for i in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
        if i >= 2 and time.perf_counter() - start > budget_s:
            break
    return first, statistics.median(times), result


def agg(name: str, kind: str, metrics: tuple[str, ...], limit: int | None = None) -> PropertyAggregation:
    return PropertyAggregation(name, kind, frozenset(metrics), limit)


def agg_cases(shard: Shard) -> list[tuple[str, object]]:
    numeric = ("count", "sum", "mean", "median", "mode", "maximum", "minimum")
    top = ("count", "type", "top_occurrences")

    def run(*aggs, **kw):
        return lambda: aggregate(shard, AggregateParams("Bench", tuple(aggs), **kw), _CTX, None)

    return [
        ("agg int metrics (score)", run(agg("score", "int", numeric))),
        ("agg text topOcc (category)", run(agg("category", "text", top))),
        ("agg text[] topOcc (tags)", run(agg("tags", "text", top, 10))),
        ("agg text topOcc (title, ~unique)", run(agg("title", "text", top))),
        ("agg text topOcc, filter score<30", run(agg("category", "text", top),
                                                 filters=FilterLeaf("LessThan", "score", 30, "int"))),
        ("agg date metrics (when)", run(agg("when", "date", ("count", "median", "mode", "maximum")))),
        ("agg int no filter column (hidden)", run(agg("hidden", "int", numeric))),
        ("group by category + int mean", run(agg("score", "int", ("mean",)), group_by="category")),
        ("group by tags (text[]) count", run(agg("score", "int", ("count",)), group_by="tags")),
        ("group by owner (uuid) count", run(agg("score", "int", ("count",)), group_by="owner", group_limit=10)),
        ("group by when (date)", run(agg("score", "int", ("count",)), group_by="when", group_limit=5)),
    ]


def filter_cases(shard: Shard, vocab: list[str]) -> list[tuple[str, object]]:
    def leaf(op, prop, value, vtype="text"):
        flt = FilterLeaf(op, prop, value, vtype)
        return lambda: allow_list(shard, flt, _CTX)

    common, rare = vocab[0], vocab[20_000]
    return [
        ("Equal title common word", leaf("Equal", "title", common)),
        ("Equal title rare word", leaf("Equal", "title", rare)),
        ("Equal title two words", leaf("Equal", "title", f"{common} {vocab[5]}")),
        ("NotEqual title word", leaf("NotEqual", "title", vocab[3])),
        ("Equal category (field)", leaf("Equal", "category", "Category 42")),
        ("ContainsAny tags x3", leaf("ContainsAny", "tags", ["t1", "t200", "t499"], "text[]")),
        ("ContainsAll tags x2", leaf("ContainsAll", "tags", ["t1", "t2"], "text[]")),
        ("ContainsNone tags x2", leaf("ContainsNone", "tags", ["t7", "t8"], "text[]")),
        ("Like title prefix ro*", leaf("Like", "title", "ro*")),
        ("Like title suffix *tion", leaf("Like", "title", "*tion")),
        ("Like title infix *exqu*", leaf("Like", "title", "*exqu*")),
        ("Like title wildcard b?co*", leaf("Like", "title", "b?co*")),
        ("Like sku prefix SKU-01234*", leaf("Like", "sku", "SKU-01234*")),
        ("Like sku infix *4242*", leaf("Like", "sku", "*4242*")),
        ("GreaterThan title (text range)", leaf("GreaterThan", "title", "ve")),
    ]


def bm25_cases(shard: Shard, vocab: list[str]) -> list[tuple[str, object]]:
    def query(q):
        def run():
            with shard.read():
                res = bm25(shard, Bm25(q, ("title",)), None, 10, _KEYWORD)
            return np.concatenate([res.slots.astype(np.float64), res.scores.astype(np.float64)])
        return run
    return [("bm25 title 2 words", query(f"{vocab[40]} {vocab[300]}")),
            ("bm25 title 4 words", query(" ".join(vocab[1000:1004])))]


def run_cases(cases, runs: int, budget_s: float, rows: dict) -> None:
    for name, fn in cases:
        first, median, result = timed(fn, runs, budget_s)
        rows[name] = {"first_ms": round(first, 2), "median_ms": round(median, 2), "digest": digest(result)}
        print(f"  {name:<40} {first:>10.2f} {median:>10.2f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agg-objects", type=int, default=100_000)
    ap.add_argument("--filter-objects", type=int, default=300_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--budget", type=float, default=3.0, help="seconds per case before fewer runs")
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--out", type=Path, default=OUT / "hotspots.json")
    ap.add_argument("--compare", type=Path, help="a saved run: fail when any result digest differs")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    rows: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="loomdb-hot-") as tmp:
        t = time.perf_counter()
        shard = agg_shard(Path(tmp) / "agg", args.agg_objects, rng)
        print(f"aggregations, {args.agg_objects} objects (built in {time.perf_counter() - t:.1f} s)"
              f"{'first ms':>21} {'median ms':>10}", flush=True)
        run_cases(agg_cases(shard), args.runs, args.budget, rows)
        shard.close()
        t = time.perf_counter()
        shard, vocab = filter_shard(Path(tmp) / "filter", args.filter_objects, rng)
        print(f"filters and bm25, {args.filter_objects} objects (built in {time.perf_counter() - t:.1f} s)",
              flush=True)
        with shard.read():
            run_cases(filter_cases(shard, vocab), args.runs, args.budget, rows)
        run_cases(bm25_cases(shard, vocab), args.runs, args.budget, rows)
        shard.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"agg_objects": args.agg_objects, "filter_objects": args.filter_objects,
                                    "cases": rows}, indent=1))
    if args.compare is not None:
        old = json.loads(args.compare.read_text())["cases"]
        differ = [name for name, row in rows.items() if name in old and old[name]["digest"] != row["digest"]]
        print(f"compared with {args.compare}: {len(differ)} of {len(rows)} results differ " + ", ".join(differ))
        sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
