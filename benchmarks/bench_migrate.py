"""`migrate copy` throughput loomdb -> loomdb: N objects with a 128-d vector and two properties, between two
`loomdb serve` processes started here (the copy runs in this process, as the CLI would).

    python benchmarks/bench_migrate.py              # 20,000 objects
    python benchmarks/bench_migrate.py --n 100000 --batch-size 1000
    python benchmarks/bench_migrate.py --index flat --async-indexing

The destination is written through gRPC BatchObjects (vectors as packed float32 bytes) for collections of plain
property types (migrate/grpc_writer.py), REST batches otherwise. Prints objects/s of the data phase (schema,
references and validation excluded) and of the whole command, next to the rate at which the source server imported
the same objects from plain REST batches; and the CPU seconds the source, the destination and the copier used (on
a loaded machine wall time mostly measures the neighbours, CPU time does not)."""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

from loomdb.toolkit.migrate import CopyOptions, copy


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(data: Path, async_indexing: bool) -> tuple[subprocess.Popen, str]:
    rest, grpc = _port(), _port()
    env = {**os.environ, "ASYNC_INDEXING": "true" if async_indexing else "false"}
    proc = subprocess.Popen([sys.executable, "-m", "loomdb", "serve", "--port", str(rest), "--grpc-port", str(grpc),
                             "--data", str(data)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{rest}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/v1/.well-known/ready", timeout=1).status_code == 200:
                return proc, f"{url}?grpc_port={grpc}"
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used: a figure machine load does not inflate, unlike wall time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load(url: str, n: int, dim: int, index: str) -> None:
    base = url.split("?")[0]
    with httpx.Client(base_url=base, timeout=120) as http:
        http.post("/v1/schema", json={"class": "Bench", "vectorizer": "none", "vectorIndexType": index,
                                      "properties": [{"name": "title", "dataType": ["text"]},
                                                     {"name": "rank", "dataType": ["int"]}]}).raise_for_status()
        rng = np.random.default_rng(7)
        for start in range(0, n, 1000):
            vectors = rng.random((min(1000, n - start), dim), dtype=np.float32).tolist()
            http.post("/v1/batch/objects", json={"objects": [
                {"class": "Bench", "properties": {"title": f"object {start + i}", "rank": start + i}, "vector": v}
                for i, v in enumerate(vectors)]}).raise_for_status()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--index", choices=("hnsw", "flat"), default="hnsw")
    parser.add_argument("--async-indexing", action="store_true",
                        help="ASYNC_INDEXING=true on the destination (Weaviate's advice for bulk imports)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        (src, src_url), (dst, dst_url) = _serve(Path(tmp, "a"), False), _serve(Path(tmp, "b"),
                                                                              args.async_indexing)
        try:
            load_start = time.perf_counter()
            _load(src_url, args.n, args.dim, args.index)
            load_s = time.perf_counter() - load_start
            start, cpu_before = time.perf_counter(), (_cpu_s(src.pid), _cpu_s(dst.pid), time.process_time())
            report = copy(src_url, dst_url, CopyOptions(batch_size=args.batch_size))
            total_s = time.perf_counter() - start
            cpu = [after - before for after, before in zip((_cpu_s(src.pid), _cpu_s(dst.pid), time.process_time()),
                                                           cpu_before)]
        finally:
            for proc in (src, dst):
                proc.terminate()
                proc.wait()
    m = report.measurements
    print(f"objects={m['objects_copied']} dim={args.dim} batch={args.batch_size} index={args.index} "
          f"async_indexing={args.async_indexing} exit={report.exit_code} load={os.getloadavg()[0]:.1f}")
    print(f"ceiling, the source's own import (REST batches of 1000): {args.n / load_s:,.0f} objects/s")
    print(f"data phase: {m['copy_s']:.2f} s = {m['objects_per_s']:,.0f} objects/s")
    print(f"whole command (schema, counts, validation): {total_s:.2f} s = {m['objects_copied'] / total_s:,.0f} "
          "objects/s")
    print(f"CPU seconds for the whole command: source {cpu[0]:.2f}, destination {cpu[1]:.2f}, copier {cpu[2]:.2f} "
          f"(objects per CPU second of all three: {m['objects_copied'] / sum(cpu):,.0f})")


if __name__ == "__main__":
    main()
