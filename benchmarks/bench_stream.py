"""Streaming import benchmark: N objects x D-d through the official client's `collection.batch.stream()` (gRPC
BatchStream) into a `loomdb serve` subprocess, with the server's RSS sampled before, during and after.

    python benchmarks/bench_stream.py                    # 100k x 128
    python benchmarks/bench_stream.py --n 20000 --dim 64
    python benchmarks/bench_stream.py --index flat   # the stream's own cost, without HNSW graph building

"Memory flat" means the server holds no more of the stream than its bounded work queue: RSS grows by about what
the stored data needs in memory (the float32 vector matrix plus per-object columns), not by the stream's size, and
the growth of the second half of the import matches the first half's. Writes benchmarks/out/stream_<index>.json.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore", message=".*httpx module is deprecated.*")
import weaviate  # noqa: E402
from weaviate.classes.config import Configure, DataType, Property  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from bench_foundation import _free_port  # noqa: E402

OUT = Path(__file__).parent / "out"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.05)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--index", choices=["hnsw", "flat"], default="hnsw",
                    help="vector index of the collection (hnsw is Weaviate's default)")
    args = ap.parse_args()
    rng = np.random.default_rng(7)
    vectors = rng.random((args.n, args.dim), dtype=np.float32)

    with tempfile.TemporaryDirectory() as data:
        port, grpc_port = _free_port(), _free_port()
        proc = subprocess.Popen([sys.executable, "-m", "loomdb", "serve", "--port", str(port), "--grpc-port",
                                 str(grpc_port), "--data", data], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    client = weaviate.connect_to_local(port=port, grpc_port=grpc_port, skip_init_checks=True)
                    break
                except Exception:  # noqa: BLE001 - still starting
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            coll = client.collections.create("StreamBench", properties=[
                Property(name="title", data_type=DataType.TEXT), Property(name="n", data_type=DataType.INT)],
                vector_config=Configure.Vectors.self_provided(vector_index_config=(
                    Configure.VectorIndex.flat() if args.index == "flat" else Configure.VectorIndex.hnsw())))
            before = rss_mb(proc.pid)
            sampler = Sampler(proc.pid)
            sampler.start()
            half, mid = args.n // 2, 0.0
            started = time.perf_counter()
            with coll.batch.stream() as batch:
                for i in range(args.n):
                    if i == half:
                        mid = rss_mb(proc.pid)
                    batch.add_object(properties={"title": f"object number {i}", "n": i}, uuid=uuid.UUID(int=i + 1),
                                     vector=vectors[i].tolist())
            took = time.perf_counter() - started
            sampler.stop.set()
            sampler.join()
            after = rss_mb(proc.pid)
            count = len(coll)
            failed = len(coll.batch.failed_objects)
            client.close()
        finally:
            proc.terminate()
            proc.wait(60)

    result = {"objects": args.n, "dim": args.dim, "index": args.index, "stored": count, "failed": failed,
              "seconds": round(took, 2),
              "objects_per_s": round(args.n / took), "rss_before_mb": round(before, 1),
              "rss_half_mb": round(mid, 1), "rss_peak_mb": round(sampler.peak, 1), "rss_after_mb": round(after, 1),
              "vector_matrix_mb": round(args.n * args.dim * 4 / 2**20, 1)}
    print(f"BatchStream import ({args.index}): {args.n:,} objects x {args.dim}-d in {took:.1f} s = "
          f"{result['objects_per_s']:,} "
          f"objects/s (stored {count:,}, failed {failed})")
    print(f"server RSS: before {before:.0f} MB, at half {mid:.0f} MB, peak {sampler.peak:.0f} MB, after {after:.0f} MB"
          f" (growth {after - before:.0f} MB: first half {mid - before:.0f} MB, second half {after - mid:.0f} MB; "
          f"the float32 vector matrix alone is {result['vector_matrix_mb']:.0f} MB)")
    OUT.mkdir(exist_ok=True)
    (OUT / f"stream_{args.index}.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
