"""Concurrent writers share commits (one transaction per group) and see each other's writes in queue order;
the readers-writer lock lets neither side starve the other."""
from __future__ import annotations

import threading
import time

import numpy as np

from loomdb.engine.rwlock import RWLock
from loomdb.engine.schema.model import PropertySpec, VectorSpec
from loomdb.engine.shard import Shard
from loomdb.entities.objects import ObjectWrite

_SPECS = {"n": PropertySpec("n", "int")}
_VECTORS = {"default": VectorSpec("default", "flat", "cosine", "none")}


def _uid(i: int) -> str:
    return f"00000000-0000-0000-0000-{i:012d}"


def _write(i: int, n: int) -> ObjectWrite:
    return ObjectWrite(_uid(i), {"n": n}, {"default": np.array([1.0, float(n % 7) + 1], np.float32)})


def test_concurrent_writers_commit_in_groups_and_reopen_identical(tmp_path):
    shard = Shard(tmp_path, _SPECS, _VECTORS)
    commits = []
    real_commit = shard.store.commit

    def counting_commit(changes, seq=0):
        commits.append(len(changes))
        time.sleep(0.002)           # an fsync's worth: writers arriving meanwhile queue for the next group
        real_commit(changes, seq)

    shard.store.commit = counting_commit
    results: dict[int, list] = {}

    def writer(t: int) -> None:
        mine = []
        for k in range(20):
            key = t * 1000 + k
            mine.append(shard.put([_write(key, k), _write(5, t * 100 + k)], k + 1))    # id 5: everyone's
            if k % 4 == 3:
                mine.append(shard.delete([_uid(key - 1), _uid(99_999)]))
        results[t] = mine

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(commits) < sum(commits), "no two writes ever shared a commit"
    for outcomes in results.values():
        for outcome in outcomes:
            assert outcome in ([None, None], [True, False]), outcome
    expected = {_uid(t * 1000 + k) for t in range(8) for k in range(20) if k % 4 != 2} | {_uid(5)}
    live = set(shard.uuids_of(np.flatnonzero(shard.alive_mask())))
    assert live == expected and shard.object_count() == len(expected)
    last_n = shard.fetch([shard.doc_of(_uid(5))])[0].properties["n"]
    shard.close()
    reopened = Shard(tmp_path, _SPECS, _VECTORS)
    assert set(reopened.uuids_of(np.flatnonzero(reopened.alive_mask()))) == expected
    assert reopened.fetch([reopened.doc_of(_uid(5))])[0].properties["n"] == last_n
    reopened.close()


def test_duplicate_ids_in_a_delete_and_overwrites_keep_the_creation_time(tmp_path):
    shard = Shard(tmp_path, _SPECS, _VECTORS)
    assert shard.put([_write(1, 1)], 100) == [None]
    assert shard.delete([_uid(1), _uid(1)]) == [True, True]
    assert shard.put([_write(1, 2)], 200) == [None]
    assert shard.put([_write(1, 3)], 300, keep_created=True) == [None]
    obj = shard.fetch([shard.doc_of(_uid(1))])[0]
    assert (obj.properties["n"], obj.created_ms, obj.updated_ms) == (3, 200, 300)
    shard.close()


def _hold(lock_side, started: threading.Event, release: threading.Event) -> threading.Thread:
    def run() -> None:
        with lock_side():
            started.set()
            release.wait(5)
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_waiting_writer_holds_off_new_readers_and_then_lets_the_waiting_ones_in():
    lock = RWLock()
    order: list[str] = []
    reading, release_reader = threading.Event(), threading.Event()
    first = _hold(lock.read, reading, release_reader)
    reading.wait(5)

    def take(side, name: str) -> threading.Thread:
        def run() -> None:
            with side():
                order.append(name)
        thread = threading.Thread(target=run)
        thread.start()
        return thread

    writer = take(lock.write, "writer")
    while not lock._writers_waiting:
        time.sleep(0.001)
    late_reader = take(lock.read, "reader")          # queues behind the waiting writer
    while not lock._readers_waiting:
        time.sleep(0.001)
    second_writer = take(lock.write, "writer 2")     # arrives while the reader waits: the reader goes first
    while lock._writers_waiting < 2:
        time.sleep(0.001)
    release_reader.set()
    for thread in (first, writer, late_reader, second_writer):
        thread.join(5)
    assert order[1] == "reader", order       # between the two writers, whichever went first
