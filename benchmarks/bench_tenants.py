"""Multi-tenancy benchmark through the official client against an embedded loomdb (same process, so RSS is the
server's): time to create 10k tenants, RSS with 10k inactive tenants, and the time to activate one tenant that
holds 10k objects and run its first query.

    python benchmarks/bench_tenants.py [--tenants 10000] [--objects 10000] [--dim 128]

RSS is read from /proc/self/statm (Linux); elsewhere it is reported as n/a.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore", message=".*httpx module is deprecated.*")
import weaviate  # noqa: E402
from weaviate.classes.config import Configure, DataType, Property  # noqa: E402
from weaviate.classes.data import DataObject  # noqa: E402
from weaviate.classes.tenants import Tenant, TenantActivityStatus  # noqa: E402

import loomdb  # noqa: E402


def rss_mib() -> float | None:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, AttributeError):
        return None


def fmt(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.1f} MiB"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenants", type=int, default=10_000)
    ap.add_argument("--objects", type=int, default=10_000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--index", choices=("hnsw", "flat"), default="hnsw",
                    help="vector index of the collection (an HNSW graph is rebuilt when a shard opens)")
    args = ap.parse_args()
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory() as data:
        srv = loomdb.start_embedded(data)
        client = weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                           skip_init_checks=True)
        try:
            col = client.collections.create(
                "BenchTenants", properties=[Property(name="title", data_type=DataType.TEXT),
                                            Property(name="n", data_type=DataType.INT)],
                vector_config=Configure.Vectors.self_provided(
                    vector_index_config=Configure.VectorIndex.flat() if args.index == "flat" else None),
                multi_tenancy_config=Configure.multi_tenancy(enabled=True))
            names = [f"user-{i:05d}" for i in range(args.tenants)]
            rss0 = rss_mib()
            t = time.perf_counter()
            col.tenants.create(names)
            create_s = time.perf_counter() - t
            rss_created = rss_mib()
            big = col.with_tenant(names[0])
            vecs = rng.standard_normal((args.objects, args.dim)).astype(np.float32)
            t = time.perf_counter()
            for start in range(0, args.objects, 1000):
                big.data.insert_many([DataObject(properties={"title": f"doc {i}", "n": i}, vector=vecs[i].tolist())
                                      for i in range(start, min(start + 1000, args.objects))])
            import_s = time.perf_counter() - t
            t = time.perf_counter()
            col.tenants.update([Tenant(name=n, activity_status=TenantActivityStatus.INACTIVE) for n in names])
            deactivate_s = time.perf_counter() - t
            rss_inactive = rss_mib()
            t = time.perf_counter()
            col.tenants.activate(names[0])
            activate_s = time.perf_counter() - t
            t = time.perf_counter()
            hits = big.query.near_vector(vecs[42].tolist(), limit=10).objects
            first_query_s = time.perf_counter() - t
            assert hits and hits[0].properties["n"] == 42
            t = time.perf_counter()
            big.query.near_vector(vecs[7].tolist(), limit=10)
            second_query_s = time.perf_counter() - t
        finally:
            client.close()
            srv.stop()
    growth = None if rss0 is None or rss_inactive is None else rss_inactive - rss0
    print(f"tenants: {args.tenants:,}   objects in the activated tenant: {args.objects:,} x {args.dim}-d "
          f"({args.index} index)")
    print(f"create {args.tenants:,} tenants (one call)          {create_s:8.2f} s")
    print(f"import {args.objects:,} objects into one tenant       {import_s:8.2f} s")
    print(f"deactivate all {args.tenants:,} tenants (PUT x {(args.tenants + 99) // 100})  {deactivate_s:8.2f} s")
    created = None if rss0 is None or rss_created is None else rss_created - rss0
    print(f"RSS before tenants / after creating them    {fmt(rss0)} / {fmt(rss_created)} (growth {fmt(created)})")
    print(f"RSS with all inactive (after the import)    {fmt(rss_inactive)} (growth {fmt(growth)}; includes what "
          "the allocator kept from the 10k-object import)")
    print(f"activate the 10k-object tenant              {activate_s * 1000:8.1f} ms")
    print(f"its first query (opens the shard lazily)    {first_query_s * 1000:8.1f} ms")
    print(f"activate + first query                      {(activate_s + first_query_s) * 1000:8.1f} ms")
    print(f"second query                                {second_query_s * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
