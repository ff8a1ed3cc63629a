"""Where a loomdb server's memory goes, part by part, for one data directory (HNSW over n x dim vectors).

    python benchmarks/bench_memory.py                 # 100k x 128 (built by bench_cold_start.py's layout)
    python benchmarks/bench_memory.py --n 10000 --old /tmp/old-tree   # and another source tree, same run

Three views, each in fresh processes:
1. import growth (issue 18's "RSS added"): `loomdb serve` on an empty directory, RSS before the collection exists
   and after n objects went in over gRPC (insert_many of 2000), with a raw faiss HNSWFlat (M=16, efConstruction
   128) of the same vectors built in its own process as the reference;
2. the server over the finished directory: RSS when ready (imports + open + listeners) and after 200 near_vector
   queries (anonymous and file-backed RSS from /proc/<pid>/smaps_rollup);
3. an in-process probe: RSS after the imports and after `Database(dir)`, tracemalloc's Python-object total, the
   numpy arrays reachable from each shard (by owner), the faiss index (vectors + graph), SQLite's own heap."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench_cold_start import COLLECTION, build, connect, start, stop, wait_ready  # noqa: E402

PROBE = r'''
import ctypes, gc, json, sys, time, tracemalloc, _sqlite3
from pathlib import Path
import numpy as np

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

out = {"rss_interpreter": rss()}
import loomdb.server.app
from loomdb.engine.database import Database
out["rss_imports"] = rss()
tracemalloc.start()
db = Database(Path(sys.argv[1]))
out["python_objects_traced"] = tracemalloc.get_traced_memory()[0] / 2**20
tracemalloc.stop()
out["rss_open"] = rss()
sqlite = ctypes.CDLL(_sqlite3.__file__)
sqlite.sqlite3_memory_used.restype = ctypes.c_int64
out["sqlite_heap"] = sqlite.sqlite3_memory_used() / 2**20

arrays, seen = {}, set()
faiss_bytes = {}
def walk(obj, path, depth):
    if depth > 6 or id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        base = obj.base if isinstance(obj.base, np.ndarray) else obj
        if id(base) in seen and base is not obj:
            return
        seen.add(id(base))
        arrays[path] = arrays.get(path, 0) + base.nbytes / 2**20
        return
    kind = type(obj).__module__ or ""
    if kind.startswith("faiss"):
        index = obj
        for _ in range(3):
            inner = getattr(index, "index", None) or getattr(index, "storage", None)
            if getattr(index, "hnsw", None) is not None:
                break
            index = inner if inner is not None else index
        hnsw = getattr(index, "hnsw", None)
        if hnsw is not None:
            import faiss
            graph = (hnsw.neighbors.size() * 4 + hnsw.offsets.size() * 8 + hnsw.levels.size() * 4) / 2**20
            storage = faiss.downcast_index(index.storage)
            codes = getattr(storage, "codes", None)
            faiss_bytes[path + " graph"] = graph
            faiss_bytes[path + " stored vectors/codes"] = (codes.size() if codes is not None else 0) / 2**20
        return
    if isinstance(obj, dict):
        for key, value in list(obj.items()):
            walk(value, f"{path}[{key}]" if isinstance(key, str) else path, depth + 1)
        return
    if isinstance(obj, (list, tuple)):
        for value in obj[:64]:
            walk(value, path, depth + 1)
        return
    if not kind.startswith("loomdb"):
        return
    fields = getattr(obj, "__dict__", None) or {}
    names = list(fields) + [s for cls in type(obj).__mro__ for s in getattr(cls, "__slots__", ())]
    for name in names:
        if name in ("store", "_lookup", "lookup"):
            continue
        try:
            walk(getattr(obj, name), f"{path}.{name}", depth + 1)
        except AttributeError:
            pass

for shard in db.open_shards():
    walk(shard, "shard", 0)
out["arrays"] = arrays
out["faiss"] = faiss_bytes
print(json.dumps(out))
'''


def rss_parts(pid: int) -> dict[str, float]:
    parts = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("Rss", "Anonymous", "Pss_File"):
            parts[key] = int(value.split()[0]) / 1024
    return parts


def env_for(tree: Path | None) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(tree)) if tree else dict(os.environ)


def serve(tree: Path | None, data: Path) -> tuple[subprocess.Popen, int, int]:
    proc, rest, grpc_port, _ = start(tree, data)
    wait_ready(proc, rest, 120)
    return proc, rest, grpc_port


def vectors(n: int, dim: int) -> np.ndarray:
    return np.random.default_rng(0).standard_normal((n, dim), dtype=np.float32)


def import_growth(tree: Path | None, root: Path, n: int, dim: int) -> dict[str, float]:
    """RSS of a server on an empty directory before the collection exists and after n objects went in."""
    from weaviate.classes.config import Configure, DataType, Property, VectorDistances
    from weaviate.classes.data import DataObject

    data = root / f"import-{time.time_ns()}"
    proc, rest, grpc_port = serve(tree, data)
    try:
        before = rss_parts(proc.pid)["Rss"]
        with connect(rest, grpc_port) as client:
            collection = client.collections.create(
                COLLECTION, properties=[Property(name="cat", data_type=DataType.INT)],
                vector_config=Configure.Vectors.self_provided(vector_index_config=Configure.VectorIndex.hnsw(
                    distance_metric=VectorDistances.COSINE, max_connections=16, ef_construction=128)))
            data_vectors = vectors(n, dim)
            for lo in range(0, n, 2000):
                result = collection.data.insert_many([DataObject(properties={"cat": i % 100}, vector=v.tolist())
                                                      for i, v in enumerate(data_vectors[lo:lo + 2000], lo)])
                assert not result.has_errors
        time.sleep(2)
        after = rss_parts(proc.pid)
    finally:
        stop(proc)
        subprocess.run(["rm", "-rf", str(data)], check=False)
    return {"rss_before_create": before, "rss_after_import": after["Rss"], "added": after["Rss"] - before}


RAW = r'''
import sys, numpy as np, faiss
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
n, dim = int(sys.argv[1]), int(sys.argv[2])
x = np.random.default_rng(0).standard_normal((n, dim), dtype=np.float32)
faiss.normalize_L2(x)
before = rss()
index = faiss.IndexHNSWFlat(dim, 16, faiss.METRIC_INNER_PRODUCT)
index.hnsw.efConstruction = 128
for lo in range(0, n, 2000):
    index.add(x[lo:lo + 2000])
print(rss() - before)
'''


def server_phases(tree: Path | None, data: Path, dim: int) -> dict[str, float]:
    proc, rest, grpc_port = serve(tree, data)
    try:
        ready = rss_parts(proc.pid)
        queries = vectors(200, dim) + 0.01
        with connect(rest, grpc_port) as client:
            collection = client.collections.use(COLLECTION)
            collection.query.near_vector(queries[0].tolist(), limit=10)
            first = rss_parts(proc.pid)["Rss"]
            for q in queries:
                collection.query.near_vector(q.tolist(), limit=10)
        after = rss_parts(proc.pid)
    finally:
        stop(proc)
    return {"rss_ready": ready["Rss"], "anon_ready": ready["Anonymous"], "rss_first_query": first,
            "rss_200_queries": after["Rss"], "anon_200_queries": after["Anonymous"]}


def probe(tree: Path | None, data: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, str(data)], capture_output=True, text=True,
                          env=env_for(tree), cwd=tree or None)
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--root", type=Path, default=Path("/tmp/loomdb-bench-cold-start"))
    parser.add_argument("--old", type=Path, help="another loomdb source tree, measured in the same run ('old')")
    parser.add_argument("--skip-import", action="store_true", help="skip view 1 (the n-object import)")
    args = parser.parse_args()
    dim = 128
    data = args.root / f"n{args.n}"
    build(data, args.n, None)
    trees: dict[str, Path | None] = {"new": None, **({"old": args.old.resolve()} if args.old else {})}
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}; {args.n} x {dim}, MiB")
    rows: dict[str, dict[str, float]] = {name: {} for name in trees}
    if not args.skip_import:
        raw = subprocess.run([sys.executable, "-c", RAW, str(args.n), str(dim)], capture_output=True, text=True)
        print(f"raw faiss HNSWFlat M=16 added: {float(raw.stdout.strip()):.0f}; vectors alone "
              f"{args.n * dim * 4 / 2**20:.0f}")
    for name, tree in trees.items():
        if not args.skip_import:
            rows[name].update({f"import: {k}": v for k, v in import_growth(tree, args.root, args.n, dim).items()})
        rows[name].update({f"serve: {k}": v for k, v in server_phases(tree, data, dim).items()})
        found = probe(tree, data)
        for key in ("rss_interpreter", "rss_imports", "rss_open", "python_objects_traced", "sqlite_heap"):
            rows[name][f"probe: {key}"] = found[key]
        rows[name]["probe: numpy arrays total"] = sum(found["arrays"].values())
        for path, size in sorted(found["arrays"].items(), key=lambda item: -item[1])[:12]:
            rows[name][f"  array {path}"] = size
        for path, size in found["faiss"].items():
            rows[name][f"  faiss {path}"] = size
    labels = list(dict.fromkeys(label for values in rows.values() for label in values))
    print(f"{'part':<60}" + "".join(f"{name:>10}" for name in trees))
    for label in labels:
        print(f"{label:<60}" + "".join(f"{rows[name].get(label, float('nan')):>10.1f}" for name in trees))


if __name__ == "__main__":
    main()
