"""Write path without the wire: 20k objects x 128-d stored through the objects use case (auto-schema on, as the
server runs it) into a fresh data directory, in batches like the client's dynamic batching sends them.

    python benchmarks/bench_write_path.py                    # best of --repeat runs, seconds and objects/s
    python benchmarks/bench_write_path.py --index hnsw       # with graph building (faiss dominates then)
    python benchmarks/bench_write_path.py --profile          # cProfile of one run, top functions by own time

Measures the engine's validation, coercion, vector checks, SQLite commit and in-memory apply; not gRPC decoding.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

from loomdb.engine.database import Database
from loomdb.entities.objects import IncomingObject
from loomdb.usecases.objects import ObjectService


def make_objects(count: int, dim: int) -> list[IncomingObject]:
    rng = np.random.default_rng(7)
    vectors = rng.random((count, dim), dtype=np.float32)
    return [IncomingObject(str(uuid.UUID(int=i + 1)),
                           {"title": f"object {i}", "count": i, "score": i / 7, "tags": ["a", "b"]},
                           {}, vectors[i]) for i in range(count)]


def run_once(objects: list[IncomingObject], batch: int, index: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) for storing `objects`; CPU time is steadier on a shared
    machine."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp))
        try:
            db.create_collection({"class": "Bench", "vectorIndexType": index})    # properties by auto-schema
            service = ObjectService(db, query_maximum_results=10_000, autoschema=True)
            started, cpu = time.perf_counter(), time.process_time()
            for start in range(0, len(objects), batch):
                entries = [(pos, "Bench", obj) for pos, obj in enumerate(objects[start:start + batch], start)]
                errors = service.batch_put(None, entries, {})
                assert not errors, next(iter(errors.values()))
            return time.perf_counter() - started, time.process_time() - cpu
        finally:
            db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=20_000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--index", default="flat", help="vectorIndexType (flat keeps graph building out of it)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    objects = make_objects(args.objects, args.dim)
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        run_once(objects, args.batch, args.index)
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)
        return
    runs = [run_once(objects, args.batch, args.index) for _ in range(args.repeat)]
    wall, cpu = min(w for w, _ in runs), min(c for _, c in runs)
    print(f"{args.objects} objects x {args.dim}-d, {args.index}, batches of {args.batch}: {wall:.3f} s wall "
          f"({args.objects / wall:,.0f} objects/s), {cpu:.3f} s CPU, best of {args.repeat}")


if __name__ == "__main__":
    main()
