"""A workload's operation as plain data (`OpSpec`), so a worker process started with `spawn` (the only start
method on Windows and macOS' default) can rebuild it on its own client: collection name, query set, filter cut-off
and the write generator's seed, never a client or a live handle."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .load import Operation
from .mix import LoadMix, load_kind
from .workloads import (
    Bm25,
    Hybrid,
    Import,
    Mixed,
    NearVector,
    ObjectMaker,
    QuerySet,
    TenantNearVector,
    bucket_below,
    mixed_kind,
)


@dataclass(frozen=True)
class OpSpec:
    workload: str
    collection: str
    queries: QuerySet
    k: int
    cutoff: int | None = None              # the filter `bucket < cutoff` (filtered, load)
    maker: ObjectMaker | None = None       # writes exist only on the generated data set
    batch_size: int = 100
    write_ratio: float = 0.1
    seed: int = 0
    rows: int = 0                          # generated rows (the load mix updates and deletes among them)
    tenants: tuple[str, ...] = ()

    def build(self, client: Any, worker: int = 0, workers: int = 1) -> Operation:
        """The operation on `client`; `worker` of `workers` is this process's place among the load's processes."""
        collection = client.collections.get(self.collection)
        if self.workload == "near_vector":
            return NearVector(collection, self.queries, self.k)
        if self.workload == "filtered":
            return NearVector(collection, self.queries, self.k, bucket_below(self.cutoff or 100))
        if self.workload == "bm25":
            return Bm25(collection, self.queries, self.k)
        if self.workload == "hybrid":
            return Hybrid(collection, self.queries, self.k)
        if self.workload == "tenants":
            return TenantNearVector(collection, self.tenants, self.queries, self.k, self.seed)
        if self.maker is None:
            raise ValueError(f"{self.workload} writes, and runs only on the generated data set")
        if self.workload == "mixed":
            return Mixed(NearVector(collection, self.queries, self.k), collection, self.maker, self.write_ratio,
                         self.seed)
        if self.workload == "load":
            return LoadMix(collection, self.queries, self.maker, self.rows, self.k, self.cutoff or 10, self.seed,
                           worker, workers)
        return Import(collection, self.maker, self.batch_size)


    def kind(self, i: int) -> str:
        """Op i's kind within a mix (the workload's name for the single-kind workloads)."""
        if self.workload == "load":
            return load_kind(self.seed, i)
        if self.workload == "mixed":
            return mixed_kind(self.seed, self.write_ratio, i)
        return self.workload

