"""Filtered near_vector benchmark (issue 18's table): recall@10 against the exact top-10 of the filtered subset and
1-thread QPS through the official client over gRPC, per selectivity and ef, for one or more loomdb source trees
(before/after in the same run), with raw faiss' selector walk on the same data and parameters alongside.

    python benchmarks/bench_filtered.py                                  # 100k x 128 clustered, M=16, efC=128
    python benchmarks/bench_filtered.py --dataset jeopardy               # 9.5k x 1536 OpenAI vectors
    python benchmarks/bench_filtered.py --tree old=/tmp/old --tree new=.  # before/after, interleaved per query set

Objects carry `cat` uniform over 0..99 and `sub` uniform over 0..9: `cat == 7 and sub == 3` allows 0.1%,
`cat == 7` 1%, `cat < 10` 10%, `cat < 50` 50%, `cat < 90` 90%. Cosine, k=10, one query at a time. Each tree runs
as its own `loomdb serve` process (PYTHONPATH = the tree) on its own data directory, and the trees are measured
interleaved (same load). hnswlib is not a dependency and not measured. Numbers are noisy on a shared machine: the
load average is printed with the table.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import faiss  # noqa: E402
import weaviate  # noqa: E402
from weaviate.classes.config import Configure, DataType, Property, Reconfigure  # noqa: E402
from weaviate.classes.data import DataObject  # noqa: E402
from weaviate.classes.query import Filter  # noqa: E402

from bench_ann import embeddings, jeopardy  # noqa: E402

K = 10
FILTERS = {   # share -> (filter through the client, mask over (cat, sub))
    0.001: (lambda: Filter.by_property("cat").equal(7) & Filter.by_property("sub").equal(3),
            lambda cat, sub: (cat == 7) & (sub == 3)),
    0.01: (lambda: Filter.by_property("cat").equal(7), lambda cat, sub: cat == 7),
    0.1: (lambda: Filter.by_property("cat").less_than(10), lambda cat, sub: cat < 10),
    0.5: (lambda: Filter.by_property("cat").less_than(50), lambda cat, sub: cat < 50),
    0.9: (lambda: Filter.by_property("cat").less_than(90), lambda cat, sub: cat < 90),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`loomdb serve` of one source tree on a fresh data directory."""

    def __init__(self, tree: Path, data: Path) -> None:
        self.port, self.grpc_port = _free_port(), _free_port()
        env = dict(os.environ, PYTHONPATH=str(tree))
        self.proc = subprocess.Popen([sys.executable, "-m", "loomdb", "serve", "--port", str(self.port),
                                      "--grpc-port", str(self.grpc_port), "--data", str(data)], env=env, cwd=tree,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.client = weaviate.connect_to_local(port=self.port, grpc_port=self.grpc_port,
                                                        skip_init_checks=True)
                self.client.collections.list_all()
                return
            except Exception:  # noqa: BLE001 - still starting
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def close(self) -> None:
        self.client.close()
        self.proc.terminate()
        self.proc.wait(60)


def load(client, data: np.ndarray, cat: np.ndarray, sub: np.ndarray, m: int, efc: int):
    client.collections.delete("Filtered")
    col = client.collections.create(
        "Filtered", vector_config=Configure.Vectors.self_provided(vector_index_config=Configure.VectorIndex.hnsw(
            max_connections=m, ef_construction=efc)),
        properties=[Property(name="cat", data_type=DataType.INT), Property(name="sub", data_type=DataType.INT)])
    for start in range(0, len(data), 1000):
        res = col.data.insert_many([
            DataObject(properties={"cat": int(cat[i]), "sub": int(sub[i])}, uuid=uuid.UUID(int=i + 1),
                       vector=data[i].tolist()) for i in range(start, min(len(data), start + 1000))])
        assert not res.errors, res.errors
    return col


def measure(col, qlist: list, flt, gt: np.ndarray) -> tuple[float, float, float]:
    """(recall@10, 1-thread QPS, p50 ms) through the client."""
    for q in qlist[:5]:
        col.query.near_vector(q, limit=K, filters=flt)
    found, lat = [], []
    t0 = time.perf_counter()
    for q in qlist:
        t = time.perf_counter()
        objs = col.query.near_vector(q, limit=K, filters=flt).objects
        lat.append(time.perf_counter() - t)
        found.append([uuid.UUID(str(o.uuid)).int - 1 for o in objs])
    qps = len(qlist) / (time.perf_counter() - t0)
    return recall(found, gt), qps, float(np.median(lat) * 1e3)


def recall(found: list, gt: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(g.tolist())) / max(1, len(g)) for f, g in zip(found, gt)]))


def raw_faiss(data: np.ndarray, qs: np.ndarray, masks: dict, gts: dict, efs: list, m: int, efc: int) -> dict:
    """faiss IndexHNSWFlat with an IDSelectorBitmap per filter: (share, ef) -> (recall, qps)."""
    index = faiss.IndexHNSWFlat(data.shape[1], m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = efc
    index.add(data)
    out = {}
    for share, mask in masks.items():
        bits = np.packbits(mask, bitorder="little")
        sel = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits))
        for ef in efs:
            params = faiss.SearchParametersHNSW(efSearch=ef, sel=sel)
            t = time.perf_counter()
            found = [index.search(q[None], K, params=params)[1][0] for q in qs]
            qps = len(qs) / (time.perf_counter() - t)
            out[share, ef] = (recall([[int(x) for x in f if x >= 0] for f in found], gts[share]), qps)
    return out


def table(title: str, headers: list[str], rows: list[list]) -> None:
    print(f"\n## {title}   (load {open('/proc/loadavg').read().split()[0]})")
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    for row in [headers, ["-" * w for w in widths], *rows]:
        print("  ".join(str(x).rjust(w) for x, w in zip(row, widths)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", choices=["clustered", "jeopardy"], default="clustered")
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--m", type=int, default=16)
    ap.add_argument("--ef-construction", type=int, default=128)
    ap.add_argument("--efs", type=int, nargs="+", default=[32, 64, 128])
    ap.add_argument("--shares", type=float, nargs="+", default=list(FILTERS))
    ap.add_argument("--tree", action="append", default=[],
                    help="label=path of a loomdb source tree to serve (repeatable; default: this checkout)")
    ap.add_argument("--no-raw", action="store_true", help="skip raw faiss")
    args = ap.parse_args()
    trees = [t.split("=", 1) for t in args.tree] or [["loomdb", str(Path(__file__).parents[1])]]

    x = embeddings(args.n + args.queries, args.dim, 7) if args.dataset == "clustered" else jeopardy()
    data, qs = np.ascontiguousarray(x[:-args.queries]), np.ascontiguousarray(x[-args.queries:])
    rng = np.random.default_rng(3)
    cat, sub = rng.integers(0, 100, len(data)), rng.integers(0, 10, len(data))
    masks = {s: FILTERS[s][1](cat, sub) for s in args.shares}
    gts = {}
    for s, mask in masks.items():
        allowed = np.flatnonzero(mask)
        top = faiss.knn(qs, data[allowed], min(K, len(allowed)), faiss.METRIC_INNER_PRODUCT)[1]
        gts[s] = allowed[top]
    print(f"{args.dataset}: {len(data)} x {data.shape[1]}, {len(qs)} queries, M={args.m} efC={args.ef_construction}"
          f", faiss {faiss.__version__}")
    raw = {} if args.no_raw else raw_faiss(data, qs, masks, gts, args.efs, args.m, args.ef_construction)
    qlist = qs.tolist()
    servers = {}
    with tempfile.TemporaryDirectory(prefix="loomdb-filtered-") as tmp:
        try:
            for label, tree in trees:
                t = time.perf_counter()
                srv = servers[label] = Server(Path(tree).resolve(), Path(tmp) / label)
                load(srv.client, data, cat, sub, args.m, args.ef_construction)
                print(f"{label}: imported in {time.perf_counter() - t:.0f} s", flush=True)
            rows = []
            for ef in args.efs:
                for label in servers:
                    servers[label].client.collections.get("Filtered").config.update(
                        vector_config=Reconfigure.Vectors.update(
                            name="default", vector_index_config=Reconfigure.VectorIndex.hnsw(ef=ef)))
                for s in args.shares:
                    row = [ef, f"{s:.1%}", int(masks[s].sum())]
                    for srv in servers.values():      # interleaved: the trees see the same load
                        rec, qps, p50 = measure(srv.client.collections.get("Filtered"), qlist, FILTERS[s][0](),
                                                gts[s])
                        row += [f"{rec:.3f}", round(qps), f"{p50:.2f}"]
                    if raw:
                        row += [f"{raw[s, ef][0]:.3f}", round(raw[s, ef][1])]
                    rows.append(row)
                    print(row, flush=True)
            headers = ["ef", "share", "allowed"]
            for label in servers:
                headers += [f"{label} recall", f"{label} qps", f"{label} p50 ms"]
            if raw:
                headers += ["faiss recall", "faiss qps"]
            table(f"filtered near_vector, k={K}, 1 client thread over gRPC", headers, rows)
        finally:
            for srv in servers.values():
                srv.close()


if __name__ == "__main__":
    main()
