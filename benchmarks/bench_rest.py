"""REST latency on a kept-alive connection: the calls the official client makes one at a time.

    python benchmarks/bench_rest.py               # server in a subprocess (like `loomdb serve`)
    python benchmarks/bench_rest.py --embedded    # server in the benchmark's own process
    python benchmarks/bench_rest.py --n 500

Every schema call, single-object write, tenant call, reference call and /v1/nodes is one REST request on the
client's kept-alive connection, so a per-request stall (Nagle's algorithm against a delayed ACK costs ~40 ms)
caps single-object writes at ~20/s. Prints median / p99 per call and writes benchmarks/out/rest.json.
Targets (reported, not asserted): keep-alive GET /v1/meta median <= 1 ms; data.insert median <= 3 ms.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from weaviate.classes.config import Configure, DataType, Property  # noqa: E402

import loomdb.server  # noqa: E402,F401  (quiet the client's import-time warning)
from bench_foundation import Target  # noqa: E402

OUT = Path(__file__).parent / "out"


def timed(call: Callable[[int], object], n: int) -> dict:
    """Median and p99 in ms of `n` calls (after 5 warm-up calls)."""
    for i in range(5):
        call(-1 - i)
    took = np.empty(n)
    for i in range(n):
        t0 = time.perf_counter()
        call(i)
        took[i] = time.perf_counter() - t0
    return {"median_ms": round(float(np.median(took)) * 1000, 3),
            "p99_ms": round(float(np.percentile(took, 99)) * 1000, 3), "calls": n}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=300, help="calls per measured operation")
    ap.add_argument("--embedded", action="store_true", help="run the server in this process")
    args = ap.parse_args()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp, Target(args.embedded, Path(tmp) / "data") as client:
        rest_url = str(client._connection.url)
        with httpx.Client(base_url=rest_url) as raw:     # one kept-alive connection, like the client's
            results["GET /v1/meta (httpx, keep-alive)"] = timed(lambda i: raw.get("/v1/meta").raise_for_status(),
                                                                args.n)
        results["client.get_meta()"] = timed(lambda i: client.get_meta(), args.n)
        col = client.collections.create("RestBench", properties=[Property(name="title", data_type=DataType.TEXT)],
                                        vector_config=Configure.Vectors.self_provided())
        vec = np.random.default_rng(1).standard_normal(128).astype(np.float32).tolist()
        ids = [str(uuid.UUID(int=i + 1)) for i in range(args.n)]
        results["collection.data.insert"] = timed(
            lambda i: col.data.insert({"title": f"t{i}"}, vector=vec, uuid=ids[i] if i >= 0 else None), args.n)
        results["collection.data.replace"] = timed(
            lambda i: col.data.replace(ids[max(i, 0)], {"title": f"r{i}"}, vector=vec), args.n)
        results["collection.data.update"] = timed(lambda i: col.data.update(ids[max(i, 0)], {"title": f"u{i}"}),
                                                  args.n)
        results["collection.data.exists"] = timed(lambda i: col.data.exists(ids[max(i, 0)]), args.n)
        results["collections.exists"] = timed(lambda i: client.collections.exists("RestBench"), args.n)
        results["cluster.nodes"] = timed(lambda i: client.cluster.nodes(), args.n)
        results["collection.data.delete_by_id"] = timed(lambda i: col.data.delete_by_id(ids[i] if i >= 0 else
                                                                                       str(uuid.uuid4())), args.n)
    width = max(map(len, results))
    print(f"{'call':<{width}}  median ms   p99 ms")
    for name, r in results.items():
        print(f"{name:<{width}}  {r['median_ms']:>9.3f}  {r['p99_ms']:>7.3f}")
    meta, insert = results["GET /v1/meta (httpx, keep-alive)"], results["collection.data.insert"]
    print(f"targets: GET /v1/meta median {meta['median_ms']} ms (<= 1), data.insert median "
          f"{insert['median_ms']} ms (<= 3)")
    OUT.mkdir(exist_ok=True)
    (OUT / "rest.json").write_text(json.dumps({"embedded": args.embedded, "results": results}, indent=1))


if __name__ == "__main__":
    main()
