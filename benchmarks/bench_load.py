"""Load benchmark of issue 17: many clients at once against a `loomdb serve` subprocess, through the official
client (gRPC for batches, queries and aggregates; REST where the client uses it: single-object update, replace,
delete).

    python benchmarks/bench_load.py                                  # 16 clients (4 processes x 4 threads), 180 s
    python benchmarks/bench_load.py --duration 30 --objects 20000    # shorter
    python benchmarks/bench_load.py --scaling 1 2 4 16 --duration 20 # near_vector alone at 1, 2, 4, 16 clients
    python benchmarks/bench_load.py --server-src /tmp/base           # the server from another source tree (old code)

The mix (weights per call): inserts (batches of 10), updates, replaces, deletes, near_vector plain and filtered,
bm25, hybrid, filtered fetch and aggregates (5%: half of them group_by on a text property). Prints per-op p50/p99,
total operations/s, server CPU cores (from /proc/<pid>/stat of the server process), errors, the load average
before and after, and whether every acknowledged write is stored at the end (count and a sample of ids).
The seeded data directory is built once per (objects, dim, seed) and copied for each run.
Writes benchmarks/out/load.json (or --out).

Targets (issue 17, reported, not asserted): >= 600 ops/s, read p99 <= 50 ms, write p99 <= 100 ms, server CPU
> 1.6 cores, 0 errors, acknowledged = stored; near_vector alone >= 1.8x from 1 to 4 clients.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore", message=".*httpx module is deprecated.*")
import weaviate  # noqa: E402
from weaviate.classes.aggregate import GroupByAggregate  # noqa: E402
from weaviate.classes.config import Configure, DataType, Property, Tokenization  # noqa: E402
from weaviate.classes.data import DataObject  # noqa: E402
from weaviate.classes.init import AdditionalConfig, Timeout  # noqa: E402
from weaviate.classes.query import Filter, MetadataQuery, Metrics  # noqa: E402

OUT = Path(__file__).parent / "out"
COLLECTION = "LoadBench"
CATEGORIES = [f"category {i:02d}" for i in range(24)]
WORDS = [f"w{i:03d}" for i in range(400)]
# op -> weight (shares of all calls); aggregates 5%, half of them group_by on text
MIX = {"insert": 8, "update": 5, "replace": 5, "delete": 4, "near_vector": 20, "near_vector_filtered": 14,
       "bm25": 14, "hybrid": 10, "fetch_filtered": 15, "aggregate": 2.5, "aggregate_group_by": 2.5}
WRITES = ("insert", "update", "replace", "delete")
BATCH = 10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process (and its reaped children) from /proc, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


@dataclass
class Server:
    """`python -m loomdb serve` on free ports over `data`, optionally from another source tree."""

    data: Path
    src: str | None = None
    proc: subprocess.Popen | None = None
    ports: tuple[int, int] = (0, 0)

    def __enter__(self) -> Server:
        self.ports = (_free_port(), _free_port())
        env = dict(os.environ)
        if self.src:
            env["PYTHONPATH"] = self.src + os.pathsep + env.get("PYTHONPATH", "")
        self.proc = subprocess.Popen([sys.executable, "-m", "loomdb", "serve", "--port", str(self.ports[0]),
                                      "--grpc-port", str(self.ports[1]), "--data", str(self.data)],
                                     env=env, cwd=self.src or None,    # `-m` puts the cwd first on sys.path
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 300
        while True:
            try:
                connect(self.ports).close()
                return self
            except Exception:  # noqa: BLE001 - still starting
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise
                time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        assert self.proc is not None
        self.proc.terminate()
        self.proc.wait(300)


def connect(ports: tuple[int, int]) -> weaviate.WeaviateClient:
    return weaviate.connect_to_local(port=ports[0], grpc_port=ports[1], skip_init_checks=True,
                                     additional_config=AdditionalConfig(timeout=Timeout(query=120, insert=120)))


def _props(rng: np.random.Generator) -> dict:
    return {"title": " ".join(rng.choice(WORDS, 6).tolist()), "category": CATEGORIES[int(rng.integers(24))],
            "score": int(rng.integers(0, 1000))}


def _seed_uuid(i: int) -> str:
    return str(uuid.UUID(int=i + 1))


def seed(data: Path, objects: int, dim: int, rng_seed: int, src: str | None) -> None:
    """The collection with `objects` random vectors (HNSW), written through the client; the server stops cleanly
    so its graph snapshot is on disk for every copy."""
    rng = np.random.default_rng(rng_seed)
    with Server(data, src) as server:
        client = connect(server.ports)
        try:
            col = client.collections.create(
                COLLECTION,
                vector_config=Configure.Vectors.self_provided(vector_index_config=Configure.VectorIndex.hnsw()),
                properties=[Property(name="title", data_type=DataType.TEXT),
                            Property(name="category", data_type=DataType.TEXT, tokenization=Tokenization.FIELD),
                            Property(name="score", data_type=DataType.INT)])
            for start in range(0, objects, 1000):
                n = min(1000, objects - start)
                vecs = rng.standard_normal((n, dim), dtype=np.float32).tolist()
                result = col.data.insert_many([DataObject(properties=_props(rng), vector=vecs[i],
                                                          uuid=_seed_uuid(start + i)) for i in range(n)])
                assert not result.errors, result.errors
        finally:
            client.close()


@dataclass
class ThreadLog:
    """What one client thread saw during the measured window."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    inserted: list[str] = field(default_factory=list)     # acknowledged and not deleted since
    deleted: list[str] = field(default_factory=list)      # acknowledged deletes


class Client:
    """One load-generating client: its own connection, its own random stream and its own inserted ids (it
    deletes only objects it inserted, updates and replaces only seeded ones, so the final count is known)."""

    def __init__(self, ports: tuple[int, int], ident: int, objects: int, dim: int, ops: list[str]) -> None:
        self.client = connect(ports)
        self.col = self.client.collections.get(COLLECTION)
        self.rng = np.random.default_rng(1000 + ident)
        self.ident, self.objects, self.dim = ident, objects, dim
        self.ops = ops
        weights = np.array([MIX[o] for o in ops], float)
        self.p = weights / weights.sum()
        self.counter = 0
        self.log = ThreadLog()

    def _vector(self) -> list[float]:
        return self.rng.standard_normal(self.dim, dtype=np.float32).tolist()

    def _new_uuid(self) -> str:
        self.counter += 1
        return str(uuid.UUID(int=(self.ident + 1) << 64 | self.counter))

    def run_one(self, op: str, record: bool) -> None:
        t0 = time.perf_counter()
        try:
            getattr(self, "op_" + op)(record)
        except Exception as exc:  # noqa: BLE001 - counted and sampled
            if record:
                self.log.errors[op] = self.log.errors.get(op, 0) + 1
                if len(self.log.error_samples) < 5:
                    self.log.error_samples.append(f"{op}: {type(exc).__name__}: {str(exc)[:300]}")
            return
        if record:
            self.log.latencies.setdefault(op, []).append((time.perf_counter() - t0) * 1000)

    def loop(self, start: float, measure_from: float, until: float) -> ThreadLog:
        while time.time() < start:
            time.sleep(0.01)
        while (now := time.time()) < until:
            op = self.ops[int(self.rng.choice(len(self.ops), p=self.p))]
            self.run_one(op, now >= measure_from)
        self.client.close()
        return self.log

    # ---- writes ------------------------------------------------------------------------------------------------
    def op_insert(self, record: bool) -> None:
        ids = [self._new_uuid() for _ in range(BATCH)]
        result = self.col.data.insert_many([DataObject(properties=_props(self.rng), vector=self._vector(), uuid=u)
                                            for u in ids])
        self.log.inserted.extend(u for i, u in enumerate(ids) if i not in result.errors)
        if result.errors:
            raise RuntimeError(f"{len(result.errors)} batch errors: {next(iter(result.errors.values()))}")

    def op_update(self, record: bool) -> None:
        self.col.data.update(_seed_uuid(int(self.rng.integers(self.objects))), properties={
            "score": int(self.rng.integers(0, 1000))})

    def op_replace(self, record: bool) -> None:
        self.col.data.replace(_seed_uuid(int(self.rng.integers(self.objects))), properties=_props(self.rng),
                              vector=self._vector())

    def op_delete(self, record: bool) -> None:
        if not self.log.inserted:
            self.op_insert(record)
            return
        victim = self.log.inserted.pop(int(self.rng.integers(len(self.log.inserted))))
        try:
            self.col.data.delete_by_id(victim)
        except Exception:
            self.log.inserted.append(victim)     # not acknowledged: still expected to exist (or not, either way)
            raise
        self.log.deleted.append(victim)

    # ---- reads -------------------------------------------------------------------------------------------------
    def op_near_vector(self, record: bool) -> None:
        self.col.query.near_vector(self._vector(), limit=10, return_properties=["title", "category"],
                                   return_metadata=MetadataQuery(distance=True))

    def op_near_vector_filtered(self, record: bool) -> None:
        flt = Filter.by_property("category").equal(CATEGORIES[int(self.rng.integers(24))])
        self.col.query.near_vector(self._vector(), limit=10, filters=flt, return_properties=["title", "category"],
                                   return_metadata=MetadataQuery(distance=True))

    def op_bm25(self, record: bool) -> None:
        self.col.query.bm25(" ".join(self.rng.choice(WORDS, 2).tolist()), limit=10, return_properties=["title"])

    def op_hybrid(self, record: bool) -> None:
        self.col.query.hybrid(" ".join(self.rng.choice(WORDS, 2).tolist()), vector=self._vector(), limit=10,
                              return_properties=["title"])

    def op_fetch_filtered(self, record: bool) -> None:
        low = int(self.rng.integers(0, 990))
        flt = (Filter.by_property("score").greater_or_equal(low) & Filter.by_property("score").less_than(low + 10))
        self.col.query.fetch_objects(filters=flt, limit=20, return_properties=["title", "score"])

    def op_aggregate(self, record: bool) -> None:
        self.col.aggregate.over_all(total_count=True, return_metrics=[
            Metrics("score").integer(mean=True, maximum=True, minimum=True, median=True),
            Metrics("category").text(top_occurrences_count=True, top_occurrences_value=True, limit=5)])

    def op_aggregate_group_by(self, record: bool) -> None:
        self.col.aggregate.over_all(group_by=GroupByAggregate(prop="category"), total_count=True,
                                    return_metrics=Metrics("score").integer(mean=True))


def client_process(ports: tuple[int, int], proc: int, threads: int, objects: int, dim: int, ops: list[str],
                   ready: mp.Queue, start_at, warmup: float, duration: float, out: mp.Queue) -> None:
    """One client process: `threads` clients in threads, connected before the parent sets `start_at` (a shared
    double, 0 until every process is ready); their logs are put on `out` as one list."""
    clients = [Client(ports, proc * threads + t, objects, dim, ops) for t in range(threads)]
    ready.put(proc)
    while not start_at.value:
        time.sleep(0.01)
    start = start_at.value
    logs: list[ThreadLog | None] = [None] * threads

    def run(i: int) -> None:
        logs[i] = clients[i].loop(start, start + warmup, start + warmup + duration)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out.put(logs)


def run_load(server: Server, processes: int, threads: int, objects: int, dim: int, ops: list[str],
             warmup: float, duration: float) -> dict:
    """Run the clients, time the server's CPU over the measured window; one summary dict."""
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    ready: mp.Queue = ctx.Queue()
    start_at = ctx.Value("d", 0.0)
    procs = [ctx.Process(target=client_process, args=(server.ports, p, threads, objects, dim, ops, ready, start_at,
                                                      warmup, duration, queue)) for p in range(processes)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=600)
    start = start_at.value = time.time() + 0.2
    assert server.proc is not None
    while time.time() < start + warmup:
        time.sleep(0.01)
    cpu0, wall0, load0 = _cpu_seconds(server.proc.pid), time.monotonic(), _loadavg()
    while time.time() < start + warmup + duration:
        time.sleep(0.01)
    cpu1, wall1, load1 = _cpu_seconds(server.proc.pid), time.monotonic(), _loadavg()
    logs: list[ThreadLog] = [log for _ in procs for log in queue.get()]
    for p in procs:
        p.join()
    return summarise(logs, duration, (cpu1 - cpu0) / (wall1 - wall0), load0, load1)


def summarise(logs: list[ThreadLog], duration: float, cores: float, load0: str, load1: str) -> dict:
    per_op: dict[str, dict] = {}
    total = 0
    for op in MIX:
        lat = np.array([x for log in logs for x in log.latencies.get(op, [])])
        errors = sum(log.errors.get(op, 0) for log in logs)
        if len(lat) or errors:
            per_op[op] = {"calls": len(lat), "errors": errors,
                          "p50_ms": round(float(np.percentile(lat, 50)), 1) if len(lat) else None,
                          "p99_ms": round(float(np.percentile(lat, 99)), 1) if len(lat) else None}
            total += len(lat)
    reads = [v["p99_ms"] for k, v in per_op.items() if k not in WRITES and v["p99_ms"] is not None]
    writes = [v["p99_ms"] for k, v in per_op.items() if k in WRITES and v["p99_ms"] is not None]
    return {"ops_per_s": round(total / duration, 1), "server_cores": round(cores, 2),
            "errors": sum(v["errors"] for v in per_op.values()),
            "error_samples": [s for log in logs for s in log.error_samples][:10],
            "worst_read_p99_ms": max(reads, default=None), "worst_write_p99_ms": max(writes, default=None),
            "loadavg_before": load0, "loadavg_after": load1, "ops": per_op,
            "inserted": [u for log in logs for u in log.inserted], "deleted": [u for log in logs for u in log.deleted]}


def check_stored(ports: tuple[int, int], objects: int, inserted: list[str], deleted: list[str]) -> dict:
    """Acknowledged = stored: the count is seeded + inserted - deleted, every surviving insert is there (all of
    them, 500 ids per query) and no acknowledged delete is."""
    client = connect(ports)
    try:
        col = client.collections.get(COLLECTION)
        count = col.aggregate.over_all(total_count=True).total_count
        found = 0
        for i in range(0, len(inserted), 500):
            chunk = inserted[i:i + 500]
            found += len(col.query.fetch_objects(filters=Filter.by_id().contains_any(chunk), limit=len(chunk)).objects)
        resurrected = 0
        for i in range(0, len(deleted), 500):
            chunk = deleted[i:i + 500]
            resurrected += len(col.query.fetch_objects(filters=Filter.by_id().contains_any(chunk),
                                                       limit=len(chunk)).objects)
    finally:
        client.close()
    expected = objects + len(inserted)
    return {"expected": expected, "stored": count, "inserted_found": f"{found}/{len(inserted)}",
            "deleted_back": resurrected, "ok": count == expected and found == len(inserted) and not resurrected}


def seeded_copy(args: argparse.Namespace, tmp: Path) -> Path:
    """A fresh copy of the seeded data directory (built once and kept in --seed-cache)."""
    cache = Path(args.seed_cache) / f"load-{args.objects}x{args.dim}-s{args.seed}"
    if not (cache / "done").exists():
        shutil.rmtree(cache, ignore_errors=True)
        print(f"seeding {args.objects} x {args.dim} into {cache} ...", flush=True)
        t0 = time.perf_counter()
        seed(cache, args.objects, args.dim, args.seed, args.server_src)
        (cache / "done").write_text("")
        print(f"seeded in {time.perf_counter() - t0:.0f} s", flush=True)
    data = tmp / "data"
    shutil.copytree(cache, data, ignore=shutil.ignore_patterns("done", "loomdb.lock"))
    return data


def print_mix(label: str, r: dict) -> None:
    print(f"\n== {label}: {r['ops_per_s']} ops/s, server {r['server_cores']} cores, {r['errors']} errors, "
          f"worst read p99 {r['worst_read_p99_ms']} ms, worst write p99 {r['worst_write_p99_ms']} ms")
    print(f"   loadavg before [{r['loadavg_before']}] after [{r['loadavg_after']}]")
    print(f"   {'op':<22}{'calls':>7}{'errors':>7}{'p50 ms':>9}{'p99 ms':>9}")
    for op, v in r["ops"].items():
        print(f"   {op:<22}{v['calls']:>7}{v['errors']:>7}{v['p50_ms'] or '-':>9}{v['p99_ms'] or '-':>9}")
    if "stored" in r:
        print(f"   acknowledged = stored: {r['stored']}")
    for sample in r["error_samples"]:
        print(f"   error: {sample}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--objects", type=int, default=50_000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--duration", type=float, default=180, help="measured seconds (per scaling step)")
    ap.add_argument("--warmup", type=float, default=5)
    ap.add_argument("--processes", type=int, default=4)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--scaling", type=int, nargs="*", default=None,
                    help="near_vector alone at these client counts (1, 2, 4: one thread per process; more: "
                         "4 processes) instead of the mix")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--seed-cache", default=str(Path(tempfile.gettempdir()) / "loomdb-bench-load"))
    ap.add_argument("--server-src", default=None, help="source tree to run the server from (PYTHONPATH)")
    ap.add_argument("--out", default=str(OUT / "load.json"))
    args = ap.parse_args()
    result: dict = {"args": vars(args), "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="loomdb-load-") as tmp:
        data = seeded_copy(args, Path(tmp))
        with Server(data, args.server_src) as server:
            if args.scaling:
                result["scaling"] = {}
                for clients in args.scaling:
                    procs = min(clients, args.processes)
                    r = run_load(server, procs, clients // procs, args.objects, args.dim, ["near_vector"],
                                 args.warmup, args.duration)
                    del r["inserted"], r["deleted"]
                    result["scaling"][clients] = r
                    nv = r["ops"]["near_vector"]
                    print(f"near_vector, {clients:>2} clients: {r['ops_per_s']:>7} ops/s  p50 {nv['p50_ms']} ms  "
                          f"p99 {nv['p99_ms']} ms  server {r['server_cores']} cores  errors {r['errors']}  "
                          f"loadavg [{r['loadavg_after']}]", flush=True)
                first = result["scaling"][args.scaling[0]]["ops_per_s"]
                for r in result["scaling"].values():
                    r["speedup"] = round(r["ops_per_s"] / first, 2) if first else None
                print("speedup: " + ", ".join(f"{c}: {r['speedup']}x" for c, r in result["scaling"].items()))
            else:
                r = run_load(server, args.processes, args.threads, args.objects, args.dim, list(MIX), args.warmup,
                             args.duration)
                r["stored"] = check_stored(server.ports, args.objects, r.pop("inserted"), r.pop("deleted"))
                result["mix"] = r
                print_mix(f"{args.processes * args.threads} clients, {args.duration:.0f} s", r)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
