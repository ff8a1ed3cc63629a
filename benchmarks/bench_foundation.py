"""Foundation benchmark: batch import throughput through the official client's batch.dynamic() and exact
near_vector latency, at 10k and 100k objects x 128-d.

    python benchmarks/bench_foundation.py                 # server in a subprocess (like `loomdb serve`)
    python benchmarks/bench_foundation.py --embedded      # server in the benchmark's own process
    python benchmarks/bench_foundation.py --sizes 10000 --queries 100

Prints a table and writes benchmarks/out/foundation.json. Targets (reported, not asserted):
>= 5,000 objects/s import; exact near_vector p50 <= 10 ms at 100k x 128.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore", message=".*httpx module is deprecated.*")
import weaviate  # noqa: E402
from weaviate.classes.config import Configure, DataType, Property  # noqa: E402
from weaviate.classes.init import AdditionalConfig, Timeout  # noqa: E402
from weaviate.classes.query import Filter, MetadataQuery  # noqa: E402

OUT = Path(__file__).parent / "out"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Target:
    """A loomdb to measure: subprocess (default) or in-process."""

    def __init__(self, embedded: bool, data: Path, start_timeout: float = 30, stop_timeout: float = 60,
                 client_timeout: Timeout | None = None) -> None:
        self.embedded, self.data, self.proc, self.server = embedded, data, None, None
        self.start_timeout, self.stop_timeout = start_timeout, stop_timeout   # a big data dir loads/snapshots longer
        # the client's own call timeouts (a vectorising import on a loaded machine outlasts the default 90 s)
        self.config = AdditionalConfig(timeout=client_timeout) if client_timeout is not None else None

    def __enter__(self) -> weaviate.WeaviateClient:
        if self.embedded:
            import loomdb
            self.server = loomdb.start_embedded(self.data)
            port, grpc_port = self.server.rest_port, self.server.grpc_port
        else:
            port, grpc_port = _free_port(), _free_port()
            self.proc = subprocess.Popen([sys.executable, "-m", "loomdb", "serve", "--port", str(port),
                                          "--grpc-port", str(grpc_port), "--data", str(self.data)],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.ports = (port, grpc_port)
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                self.client = weaviate.connect_to_local(port=port, grpc_port=grpc_port, skip_init_checks=True,
                                                        additional_config=self.config)
                break
            except Exception:  # noqa: BLE001 - still starting
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        return self.client

    def connect(self) -> weaviate.WeaviateClient:
        """One more client connection to the running server (e.g. one per load-generating thread)."""
        return weaviate.connect_to_local(port=self.ports[0], grpc_port=self.ports[1], skip_init_checks=True)

    def __exit__(self, *exc) -> None:
        self.client.close()
        if self.server is not None:
            self.server.stop()
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(self.stop_timeout)


def bench_size(client: weaviate.WeaviateClient, n: int, dim: int, queries: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    vecs = rng.standard_normal((n, dim), dtype=np.float32)
    name = f"Bench{n}"
    client.collections.delete(name)
    col = client.collections.create(name, properties=[Property(name="title", data_type=DataType.TEXT),
                                                      Property(name="year", data_type=DataType.INT)],
                                    vector_config=Configure.Vectors.self_provided())
    rows = vecs.tolist()
    uuids = [str(uuid.UUID(int=i + 1)) for i in range(n)]
    t0 = time.perf_counter()
    with col.batch.dynamic() as batch:
        for i in range(n):
            batch.add_object(properties={"title": f"t{i}", "year": 2000 + i % 25}, vector=rows[i],
                             uuid=uuids[i])
    import_s = time.perf_counter() - t0
    failed = len(col.batch.failed_objects)
    assert len(col) == n, f"stored {len(col)} of {n}"
    # the same objects again (as overwrites) with fixed 1000-object batches: server capacity without the
    # dynamic mode's ramp-up (+50 objects per request per second while the server reports no queue)
    t0 = time.perf_counter()
    with col.batch.fixed_size(batch_size=1000, concurrent_requests=2) as batch:
        for i in range(n):
            batch.add_object(properties={"title": f"t{i}", "year": 2000 + i % 25}, vector=rows[i],
                             uuid=uuids[i])
    fixed_s = time.perf_counter() - t0

    def timed(fn) -> np.ndarray:
        lat = []
        for q in qs:
            t = time.perf_counter()
            fn(q)
            lat.append((time.perf_counter() - t) * 1000)
        return np.array(lat)

    qs = rng.standard_normal((queries, dim), dtype=np.float32).tolist()
    for q in qs[:10]:   # warm-up
        col.query.near_vector(q, limit=10)
    plain = timed(lambda q: col.query.near_vector(q, limit=10, return_metadata=MetadataQuery(distance=True)))
    flt = Filter.by_property("year").greater_than(2010)
    filtered = timed(lambda q: col.query.near_vector(q, limit=10, filters=flt,
                                                      return_metadata=MetadataQuery(distance=True)))
    return {"objects": n, "dim": dim, "import_s": round(import_s, 2), "import_obj_per_s": round(n / import_s),
            "import_fixed_size_obj_per_s": round(n / fixed_s),
            "failed": failed,
            "near_vector_p50_ms": round(float(np.percentile(plain, 50)), 2),
            "near_vector_p99_ms": round(float(np.percentile(plain, 99)), 2),
            "filtered_near_vector_p50_ms": round(float(np.percentile(filtered, 50)), 2),
            "filtered_near_vector_p99_ms": round(float(np.percentile(filtered, 99)), 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--embedded", action="store_true", help="run the server in this process")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="loomdb-bench-") as tmp, Target(args.embedded, Path(tmp)) as client:
        for n in args.sizes:
            r = bench_size(client, n, args.dim, args.queries, args.seed)
            results.append(r)
            print(f"{n:>8} x {args.dim}: import dynamic() {r['import_obj_per_s']:>6} obj/s ({r['import_s']} s, "
                  f"{r['failed']} failed), fixed_size(1000) {r['import_fixed_size_obj_per_s']:>6} obj/s | "
                  f"near_vector p50 {r['near_vector_p50_ms']} ms p99 "
                  f"{r['near_vector_p99_ms']} ms | filtered (year>2010) p50 {r['filtered_near_vector_p50_ms']} ms "
                  f"p99 {r['filtered_near_vector_p99_ms']} ms", flush=True)
    OUT.mkdir(exist_ok=True)
    meta = {"mode": "embedded" if args.embedded else "subprocess", "python": platform.python_version(),
            "cpus": os.cpu_count(), "results": results}
    (OUT / "foundation.json").write_text(json.dumps(meta, indent=1))
    print(f"wrote {OUT / 'foundation.json'}")


if __name__ == "__main__":
    main()
