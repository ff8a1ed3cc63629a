"""The `load` preset's operation: issue 17's mix of reads and writes that many clients send at once. Each op index
draws one kind from MIX (seeded by the index, so a run is reproducible and a failed op's kind is known). Writes
keep the count checkable: inserts add `batch` new objects, updates and replaces touch the first half of the
generated rows (never deleted), deletes remove rows of the second half, each worker process its own stripe, so
`stored = before + inserted - deleted` must hold at the end ("acknowledged = stored")."""
from __future__ import annotations

import threading
from typing import Any

import numpy as np
from weaviate.classes.aggregate import GroupByAggregate
from weaviate.classes.query import Filter, Metrics

from .dataset import BUCKETS, category, object_uuid
from .workloads import ObjectMaker, QuerySet, bucket_below

# kind -> percent of calls. Aggregates are 5 % of calls, half of them a group_by on a text property (issue 17).
MIX: dict[str, float] = {
    "near_vector": 20, "near_vector_filtered": 15, "bm25": 15, "hybrid": 10, "fetch_filtered": 10,
    "insert": 10, "update": 5, "replace": 5, "delete": 5, "aggregate": 2.5, "aggregate_group_by": 2.5,
}
INSERT_BATCH = 10          # objects per insert (issue 17: "inserts (batches of 10)")
_KINDS = tuple(MIX)
_CUMULATIVE = np.cumsum([MIX[k] for k in _KINDS]) / sum(MIX.values())


def load_kind(seed: int, i: int) -> str:
    """Op i's kind, drawn from its index alone (so the kind of a failed op is known too)."""
    draw = np.random.default_rng([seed, 17, i]).random()
    return _KINDS[min(int(np.searchsorted(_CUMULATIVE, draw, side="right")), len(_KINDS) - 1)]


class LoadMix:
    """One op of the mix per index; `worker`/`workers` choose this process's stripe of rows to delete."""

    def __init__(self, collection: Any, queries: QuerySet, maker: ObjectMaker, rows: int, k: int, cutoff: int,
                 seed: int, worker: int = 0, workers: int = 1, batch: int = INSERT_BATCH) -> None:
        self._collection, self._queries, self._maker = collection, queries, maker
        self._rows, self._k, self._batch, self._seed = rows, k, batch, seed
        self._where = bucket_below(cutoff)
        self._worker, self._workers = worker, workers
        self._deletes = 0
        self._inserted = self._deleted = 0          # acknowledged by the server
        self._lock = threading.Lock()

    def acknowledged(self) -> dict[str, int]:
        with self._lock:
            return {"inserted": self._inserted, "deleted": self._deleted}

    def _acknowledge(self, inserted: int = 0, deleted: int = 0) -> None:
        with self._lock:
            self._inserted += inserted
            self._deleted += deleted

    def prepare(self, i: int) -> tuple[str, Any]:
        kind = load_kind(self._seed, i)
        rng = np.random.default_rng([self._seed, 18, i])
        if kind == "insert":
            return kind, self._maker.make(i, self._batch)
        if kind in ("update", "replace"):
            row = int(rng.integers(0, max(1, self._rows // 2)))
            return kind, (row, self._maker.make(i, 1)[0])
        if kind == "delete":
            return kind, self._next_delete_row()
        if kind == "fetch_filtered":
            return kind, int(rng.integers(0, BUCKETS))
        return kind, (self._queries.word(i), self._queries.vector(i)[1])

    def _next_delete_row(self) -> int:
        with self._lock:
            n = self._deletes
            self._deletes += 1
        row = self._rows // 2 + self._worker + n * self._workers
        if row >= self._rows:
            raise RuntimeError(f"no generated rows left to delete (raise --objects above {self._rows})")
        return row

    def execute(self, payload: tuple[str, Any]) -> str:
        kind, value = payload
        query, data = self._collection.query, self._collection.data
        if kind == "near_vector":
            query.near_vector(value[1], limit=self._k)
        elif kind == "near_vector_filtered":
            query.near_vector(value[1], limit=self._k, filters=self._where)
        elif kind == "bm25":
            query.bm25(value[0], limit=self._k)
        elif kind == "hybrid":
            query.hybrid(value[0], vector=value[1], limit=self._k)
        elif kind == "fetch_filtered":
            query.fetch_objects(filters=Filter.by_property("bucket").equal(value), limit=self._k)
        elif kind == "insert":
            result = data.insert_many(value)
            if result.has_errors:
                self._acknowledge(inserted=len(value) - len(result.errors))
                raise RuntimeError(next(iter(result.errors.values())).message)
            self._acknowledge(inserted=len(value))
        elif kind == "update":
            row, fresh = value
            bucket = fresh.properties["bucket"]
            data.update(uuid=object_uuid(row), properties={"bucket": bucket, "category": category(bucket)})
        elif kind == "replace":
            row, fresh = value
            data.replace(uuid=object_uuid(row), properties={**fresh.properties, "row": row}, vector=fresh.vector)
        elif kind == "delete":
            if not data.delete_by_id(object_uuid(value)):
                raise RuntimeError(f"delete of row {value}: the object was not found")
            self._acknowledge(deleted=1)
        elif kind == "aggregate":
            self._collection.aggregate.over_all(total_count=True, return_metrics=Metrics("bucket").integer(mean=True))
        else:
            self._collection.aggregate.over_all(total_count=True, group_by=GroupByAggregate(prop="category"))
        return kind
