"""Under load (issue 17), through the official client: writes during a long read, and concurrent writers, are all
acknowledged, stored and visible to their own next read, and the long read's answer stays right.

Timings are printed, never asserted (a relative bound still failed on a busy CI machine): how long writers wait
behind readers is measured by benchmarks/bench_load.py."""
from __future__ import annotations

import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from weaviate.classes.config import DataType, Property, ReferenceProperty
from weaviate.classes.data import DataObject
from weaviate.classes.query import Filter, Metrics

TARGETS = 20
SOURCES = 4000
REFS_PER_SOURCE = 20


@pytest.fixture(scope="module")
def referencing(client):
    """A collection whose objects each hold many references: aggregating `pointing_to` over it reads every
    object from the store, the longest read there is."""
    names = ("TUnderLoadTarget", "TUnderLoadSource")
    for name in names:
        client.collections.delete(name)
    target = client.collections.create(names[0], properties=[Property(name="n", data_type=DataType.INT)])
    ids = [str(uuid.uuid4()) for _ in range(TARGETS)]
    target.data.insert_many([DataObject(properties={"n": i}, uuid=u) for i, u in enumerate(ids)])
    source = client.collections.create(names[1], properties=[Property(name="n", data_type=DataType.INT)],
                                       references=[ReferenceProperty(name="to", target_collection=names[0])])
    rng = np.random.default_rng(7)
    for start in range(0, SOURCES, 500):
        result = source.data.insert_many([
            DataObject(properties={"n": start + i},
                       references={"to": [ids[k] for k in rng.integers(0, TARGETS, REFS_PER_SOURCE).tolist()]})
            for i in range(500)])
        assert not result.errors
    yield source
    for name in reversed(names):
        client.collections.delete(name)


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def test_writes_during_a_long_aggregation_are_acknowledged_and_visible(referencing):
    col = referencing
    metrics = Metrics("to").reference(pointing_to=True)

    def aggregate() -> int:
        return len(col.aggregate.over_all(return_metrics=metrics).properties["to"].pointing_to)

    def write() -> uuid.UUID:
        result = col.data.insert_many([DataObject(properties={"n": -1})])
        assert not result.errors
        return result.uuids[0]

    alone = statistics.median(_timed(aggregate) for _ in range(3))
    write_alone = statistics.median(_timed(write) for _ in range(3))
    during, written = [], []
    with ThreadPoolExecutor(1) as pool:
        for _ in range(3):
            pending = pool.submit(aggregate)
            time.sleep(alone * 0.1)                     # the aggregation is under way
            started = time.perf_counter()
            written.append(write())
            during.append(time.perf_counter() - started)
            assert pending.result() == TARGETS          # the long read's answer is unharmed by the write
    assert all(col.query.fetch_object_by_id(w) is not None for w in written)     # read-your-writes
    print(f"\nwrite {write_alone * 1e3:.1f} ms alone, {statistics.median(during) * 1e3:.1f} ms during a "
          f"{alone * 1e3:.0f} ms aggregation")


def test_concurrent_writers_are_acknowledged_stored_and_read_back(client, collection_factory):
    col = collection_factory(properties=[Property(name="writer", data_type=DataType.INT),
                                         Property(name="k", data_type=DataType.INT)])
    writers, batches = 8, 6

    def run(writer: int) -> list[str]:
        acknowledged = []
        for k in range(batches):
            objs = [DataObject(properties={"writer": writer, "k": k}, uuid=str(uuid.uuid4())) for _ in range(5)]
            assert not col.data.insert_many(objs).errors
            acknowledged.extend(str(o.uuid) for o in objs)
            mine = col.query.fetch_objects(filters=Filter.by_property("writer").equal(writer), limit=1000)
            assert {str(o.uuid) for o in mine.objects} >= set(acknowledged)     # read-your-writes
            col.data.update(acknowledged[0], properties={"k": -k})
            if k % 2:
                col.data.delete_by_id(acknowledged.pop())
        return acknowledged

    with ThreadPoolExecutor(writers) as pool:
        kept = [u for ids in pool.map(run, range(writers)) for u in ids]
    assert len(col) == len(kept) == writers * (batches * 5 - batches // 2)
    stored = col.query.fetch_objects(filters=Filter.by_id().contains_any(kept), limit=len(kept))
    assert {str(o.uuid) for o in stored.objects} == set(kept)
