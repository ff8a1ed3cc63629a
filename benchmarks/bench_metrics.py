"""What Prometheus metrics cost: near_vector QPS through the official client (several clients at once) against a
`loomdb serve` subprocess with PROMETHEUS_MONITORING_ENABLED off and on (same data directory, rounds alternated so
drift hits both alike), and the time of one /metrics scrape with many collections.

QPS on a shared machine moves with whatever else runs; the server's own CPU time per query (user + system, from
/proc) is the steadier figure of what the metrics add, and is reported next to it.

    python benchmarks/bench_metrics.py                              # 5k x 64-d, 4 clients, 3 rounds of 8 s
    python benchmarks/bench_metrics.py --clients 8 --seconds 15 --collections 10

Writes benchmarks/out/metrics.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import httpx
import numpy as np

warnings.filterwarnings("ignore", message=".*httpx module is deprecated.*")
import weaviate  # noqa: E402
from weaviate.classes.config import Configure  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from bench_foundation import _free_port  # noqa: E402

OUT = Path(__file__).parent / "out"
NAME = "MetricsBench"


class Server:
    """`python -m loomdb serve` on free ports, metrics on or off."""

    def __init__(self, data: str, metrics: bool) -> None:
        self.port, self.grpc_port, self.metrics_port = _free_port(), _free_port(), _free_port()
        env = {**os.environ, "PROMETHEUS_MONITORING_ENABLED": "true" if metrics else "false",
               "PROMETHEUS_MONITORING_PORT": str(self.metrics_port)}
        self.proc = subprocess.Popen([sys.executable, "-m", "loomdb", "serve", "--port", str(self.port),
                                      "--grpc-port", str(self.grpc_port), "--data", data], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/v1/.well-known/ready", timeout=0.5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("loomdb serve did not start")
            time.sleep(0.1)

    def client(self) -> weaviate.WeaviateClient:
        return weaviate.connect_to_local(port=self.port, grpc_port=self.grpc_port, skip_init_checks=True)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(60)


def load(server: Server, name: str, n: int, dim: int, seed: int) -> None:
    vectors = np.random.default_rng(seed).random((n, dim), dtype=np.float32)
    with server.client() as c:
        col = c.collections.create(name, vector_config=Configure.Vectors.self_provided())
        with col.batch.fixed_size(1000) as batch:
            for i in range(n):
                batch.add_object({"i": i}, vector=vectors[i])
        assert not col.batch.failed_objects


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/<pid>/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def qps(server: Server, clients: int, seconds: float, queries: np.ndarray) -> tuple[float, float]:
    """(queries answered per second by `clients` threads, each with its own official client, after 1 s warm-up;
    the server's CPU microseconds per query)."""
    counts = [0] * clients
    start = threading.Barrier(clients + 1)
    measuring = threading.Event()
    stop = threading.Event()

    def work(k: int) -> None:
        with server.client() as c:
            col = c.collections.get(NAME)
            start.wait()
            i = k
            while not stop.is_set():
                col.query.near_vector(queries[i % len(queries)], limit=10)
                if measuring.is_set():
                    counts[k] += 1
                i += clients

    threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    time.sleep(1.0)
    cpu_before = cpu_seconds(server.proc.pid)
    measuring.set()
    began = time.perf_counter()
    time.sleep(seconds)
    measuring.clear()
    took = time.perf_counter() - began
    cpu = cpu_seconds(server.proc.pid) - cpu_before
    stop.set()
    for t in threads:
        t.join()
    return sum(counts) / took, cpu * 1e6 / max(sum(counts), 1)


def scrape_cost(data: str, collections: int, per_collection: int, dim: int, scrapes: int) -> dict:
    server = Server(data, metrics=True)
    try:
        for k in range(collections):
            load(server, f"Scraped{k}", per_collection, dim, seed=100 + k)
        url = f"http://127.0.0.1:{server.metrics_port}/metrics"
        with httpx.Client() as h:
            size = len(h.get(url).content)
            times = []
            for _ in range(scrapes):
                began = time.perf_counter()
                assert h.get(url).status_code == 200
                times.append((time.perf_counter() - began) * 1000)
    finally:
        server.stop()
    times.sort()
    return {"collections": collections, "objects_per_collection": per_collection, "scrapes": scrapes,
            "bytes": size, "mean_ms": round(statistics.fmean(times), 2), "p50_ms": round(times[len(times) // 2], 2),
            "p95_ms": round(times[int(len(times) * 0.95)], 2)}


def recording_cost(calls: int = 50_000, repeats: int = 7) -> float:
    """Median CPU µs (process time, so other processes on the machine do not count) the gRPC interceptor spends
    recording one Search: the part of a query's cost that metrics add, next to the ~1000 µs a query costs."""
    from prometheus_client import CollectorRegistry

    from loomdb.server.metrics import GrpcMetricsInterceptor, RequestMetrics

    record = GrpcMetricsInterceptor(RequestMetrics(CollectorRegistry(), False))._recorder("weaviate.v1.Weaviate",
                                                                                           "Search")

    class Answered:
        def code(self) -> None:
            return None

    request, context, costs = type("Request", (), {"collection": NAME})(), Answered(), []
    for _ in range(repeats):
        started = time.process_time()
        for _ in range(calls):
            record(request, context, time.perf_counter(), False)
        costs.append((time.process_time() - started) / calls * 1e6)
    return statistics.median(costs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--collections", type=int, default=10)
    ap.add_argument("--per-collection", type=int, default=1000)
    ap.add_argument("--scrapes", type=int, default=200)
    args = ap.parse_args()
    queries = np.random.default_rng(9).random((500, args.dim), dtype=np.float32)

    runs: dict[str, list[float]] = {"off": [], "on": []}
    cpu: dict[str, list[float]] = {"off": [], "on": []}
    with tempfile.TemporaryDirectory() as data:
        server = Server(data, metrics=False)
        try:
            load(server, NAME, args.n, args.dim, seed=1)
        finally:
            server.stop()
        for r in range(args.rounds):
            for mode in (("off", "on") if r % 2 == 0 else ("on", "off")):
                server = Server(data, metrics=mode == "on")
                try:
                    rate, per_query = qps(server, args.clients, args.seconds, queries)
                finally:
                    server.stop()
                runs[mode].append(rate)
                cpu[mode].append(per_query)
                print(f"round {r + 1} metrics {mode:3}: {rate:.0f} QPS, server {per_query:.0f} µs CPU per query",
                      flush=True)
    with tempfile.TemporaryDirectory() as data:
        scrape = scrape_cost(data, args.collections, args.per_collection, args.dim, args.scrapes)
    record_us = recording_cost()

    off, on = statistics.median(runs["off"]), statistics.median(runs["on"])
    cpu_off, cpu_on = statistics.median(cpu["off"]), statistics.median(cpu["on"])
    result = {"objects": args.n, "dim": args.dim, "clients": args.clients, "seconds": args.seconds,
              "qps_off": [round(x) for x in runs["off"]], "qps_on": [round(x) for x in runs["on"]],
              "median_off": round(off), "median_on": round(on), "loss_percent": round((off - on) / off * 100, 2),
              "cpu_us_per_query_off": round(cpu_off, 1), "cpu_us_per_query_on": round(cpu_on, 1),
              "cpu_extra_percent": round((cpu_on - cpu_off) / cpu_off * 100, 2), "scrape": scrape,
              "record_us_per_grpc_query": round(record_us, 2), "loadavg": os.getloadavg()[0]}
    print(f"near_vector, {args.clients} clients, {args.n:,} x {args.dim}-d: median {off:.0f} QPS metrics off, "
          f"{on:.0f} QPS on ({result['loss_percent']:+.2f}% loss); server CPU per query {cpu_off:.0f} µs off, "
          f"{cpu_on:.0f} µs on ({result['cpu_extra_percent']:+.2f}%)")
    print(f"recording one gRPC Search in the interceptor: {record_us:.2f} µs CPU "
          f"({record_us / cpu_off * 100:.2f}% of a query's server CPU); load average {os.getloadavg()[0]:.1f}")
    print(f"/metrics with {args.collections} collections x {args.per_collection} objects: {scrape['mean_ms']} ms "
          f"mean, {scrape['p50_ms']} ms p50, {scrape['p95_ms']} ms p95 per scrape ({scrape['bytes']:,} bytes)")
    OUT.mkdir(exist_ok=True)
    (OUT / "metrics.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
