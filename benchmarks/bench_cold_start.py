"""Cold start of `loomdb serve`: wall-clock from Popen to /v1/.well-known/ready and, in a separate start, to the
first near_vector answered over gRPC through the official client; plus the import cost of the entry points.

    python benchmarks/bench_cold_start.py                       # empty (one collection, 0 objects), 10k, 100k x 128
    python benchmarks/bench_cold_start.py --old /tmp/old-tree   # the same, interleaved with another source tree
                                                                # (git archive <commit> | tar -x -C /tmp/old-tree)

Data directories are built once under --root (HNSW, stopped with SIGTERM so the graph snapshot is written) and
reused; every start is a fresh process on the same directory. Medians over --repeats; the machine's load average
is printed because the numbers are only comparable within one run."""
from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import weaviate
from weaviate.classes.config import Configure, DataType, Property, VectorDistances
from weaviate.classes.data import DataObject

COLLECTION = "ColdStart"
DIM = 128


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(tree: Path | None, data: Path) -> tuple[subprocess.Popen, int, int, float]:
    """`python -m loomdb serve` on free ports, with `tree` first on the path; returns the process and Popen time."""
    rest, grpc_port = free_port(), free_port()
    env = dict(os.environ, PYTHONPATH=str(tree)) if tree else dict(os.environ)
    started = time.perf_counter()
    log = tempfile.TemporaryFile()      # the server's stderr, shown if it exits early (a pipe could fill up)
    proc = subprocess.Popen([sys.executable, "-m", "loomdb", "serve", "--data", str(data), "--port", str(rest),
                             "--grpc-port", str(grpc_port)], env=env, cwd=tree or None,
                            stdout=subprocess.DEVNULL, stderr=log)
    proc.stderr_log = log       # type: ignore[attr-defined]
    return proc, rest, grpc_port, started


def exited(proc: subprocess.Popen) -> str:
    """The stderr of a server that exited before answering."""
    proc.stderr_log.seek(0)
    return f"server exited: {proc.stderr_log.read().decode()[-2000:]}"


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(120)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.stderr_log.close()     # type: ignore[attr-defined]


def connect(rest: int, grpc_port: int) -> weaviate.WeaviateClient:
    return weaviate.connect_to_custom(http_host="127.0.0.1", http_port=rest, http_secure=False,
                                      grpc_host="127.0.0.1", grpc_port=grpc_port, grpc_secure=False,
                                      skip_init_checks=True)


def build(data: Path, n: int, tree: Path | None) -> None:
    """A data directory with one HNSW collection of n random 128-d vectors and an int property."""
    if (data / "collections").exists():
        return
    proc, rest, grpc_port, _ = start(tree, data)
    wait_ready(proc, rest, 120)
    rng = np.random.default_rng(0)
    with connect(rest, grpc_port) as client:
        collection = client.collections.create(
            COLLECTION, properties=[Property(name="cat", data_type=DataType.INT)],
            vector_config=Configure.Vectors.self_provided(vector_index_config=Configure.VectorIndex.hnsw(
                distance_metric=VectorDistances.COSINE, max_connections=16, ef_construction=128)))
        for lo in range(0, n, 2000):
            vectors = rng.standard_normal((min(2000, n - lo), DIM), dtype=np.float32)
            result = collection.data.insert_many([DataObject(properties={"cat": int(i % 100)}, vector=v.tolist())
                                                  for i, v in enumerate(vectors, lo)])
            assert not result.has_errors, result.errors
    stop(proc)


def wait_ready(proc: subprocess.Popen, rest: int, timeout: float = 600) -> None:
    deadline = time.perf_counter() + timeout
    with httpx.Client(timeout=1.0) as http:
        while time.perf_counter() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(exited(proc))
            try:
                if http.get(f"http://127.0.0.1:{rest}/v1/.well-known/ready").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.005)
    raise TimeoutError("server not ready")


def to_ready(tree: Path | None, data: Path) -> float:
    proc, rest, _, started = start(tree, data)
    try:
        wait_ready(proc, rest)
        return time.perf_counter() - started
    finally:
        stop(proc)


def to_first_query(tree: Path | None, data: Path, query: list[float]) -> float:
    """Popen until the first near_vector answers: a new client per attempt, as a client started with the server."""
    proc, rest, grpc_port, started = start(tree, data)
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(exited(proc))
            try:
                with connect(rest, grpc_port) as client:
                    client.collections.use(COLLECTION).query.near_vector(query, limit=10)
                return time.perf_counter() - started
            except Exception:       # not listening yet: connection refused / unavailable
                time.sleep(0.005)
    finally:
        stop(proc)


def import_ms(tree: Path | None, *args: str) -> float:
    """Cumulative import time (ms) of the top-level modules `python -X importtime <args>` loads."""
    env = dict(os.environ, PYTHONPATH=str(tree)) if tree else dict(os.environ)
    done = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True, text=True, env=env,
                          cwd=tree or None)
    total = 0
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[2].startswith(" ") \
                and not parts[2][1:].startswith(" ") and parts[1].strip().isdigit():
            total += int(parts[1])
    return total / 1000


def wall_s(tree: Path | None, *args: str) -> float:
    env = dict(os.environ, PYTHONPATH=str(tree)) if tree else dict(os.environ)
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], capture_output=True, env=env, cwd=tree or None, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="0,10000,100000", help="objects per data directory (comma-separated)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--root", type=Path, default=Path("/tmp/loomdb-bench-cold-start"))
    parser.add_argument("--old", type=Path, help="another loomdb source tree, measured interleaved ('old')")
    args = parser.parse_args()
    trees: dict[str, Path | None] = {"new": None, **({"old": args.old.resolve()} if args.old else {})}
    query = np.random.default_rng(1).standard_normal(DIM).tolist()
    sizes = [int(s) for s in args.sizes.split(",")]
    for n in sizes:
        build(args.root / f"n{n}", n, None)
    print(f"load average before: {Path('/proc/loadavg').read_text().split()[:3]}")
    rows: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.repeats):
        for name, tree in trees.items():
            rows.setdefault((name, "import loomdb.server.app (ms)"), []).append(
                import_ms(tree, "-c", "import loomdb.server.app"))
            rows.setdefault((name, "import for `loomdb --help` (ms)"), []).append(
                import_ms(tree, "-m", "loomdb", "--help"))
            rows.setdefault((name, "`loomdb --help` wall (s)"), []).append(wall_s(tree, "-m", "loomdb", "--help"))
            rows.setdefault((name, "`loomdb --version` wall (s)"), []).append(
                wall_s(tree, "-m", "loomdb", "--version"))
            for n in sizes:
                data = args.root / f"n{n}"
                rows.setdefault((name, f"{n:>6} x {DIM}: Popen -> ready (s)"), []).append(to_ready(tree, data))
                rows.setdefault((name, f"{n:>6} x {DIM}: Popen -> first gRPC query (s)"), []).append(
                    to_first_query(tree, data, query))
    print(f"load average after: {Path('/proc/loadavg').read_text().split()[:3]}")
    labels = list(dict.fromkeys(label for _, label in rows))
    print(f"{'measure':<44}" + "".join(f"{name:>18}" for name in trees))
    for label in labels:
        cells = []
        for name in trees:
            values = rows[(name, label)]
            cells.append(f"{statistics.median(values):>10.3f} ({min(values):.2f})")
        print(f"{label:<44}" + "".join(f"{c:>18}" for c in cells))
    print("cells: median (min) over", args.repeats, "repeats")


if __name__ == "__main__":
    main()
