"""engine/backup.py under a running import: each snapshot, taken while batches commit (and WAL checkpoints run),
opens as an intact SQLite database holding whole batches 0..k-1 only (a state that existed, no torn shard), and
its recorded sizes and checksums (XXH3-128 of the whole file) match the copied bytes."""
from __future__ import annotations

import sqlite3
import threading
import uuid

import numpy as np
import orjson
import xxhash

from loomdb.engine.database import Database
from loomdb.entities.objects import IncomingObject

BATCH = 200


def test_snapshots_during_an_import_are_consistent(tmp_path):
    db = Database(tmp_path / "data")
    db.create_collection({"class": "Busy", "vectorizer": "none", "vectorIndexType": "flat",
                          "properties": [{"name": "batch", "dataType": ["int"]}]})
    collection = db.collection("Busy")
    rng = np.random.default_rng(3)
    stop = threading.Event()
    committed: list[int] = []

    def write() -> None:
        k = 0
        while not stop.is_set():
            vectors = rng.random((BATCH, 64), dtype=np.float32)
            assert not any(collection.put_many([IncomingObject(str(uuid.uuid4()), {"batch": k}, {}, vectors[i])
                                                for i in range(BATCH)]))
            committed.append(k)
            k += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        snapshots = []
        while len(snapshots) < 8:
            if len(committed) > 3 * (len(snapshots) + 1):
                dest, committed_before = tmp_path / f"snap{len(snapshots)}", len(committed)
                snapshots.append((dest, db.snapshot_collection("Busy", dest), committed_before))
    finally:
        stop.set()
        writer.join()
        db.close()
    for dest, snapshot, committed_before in snapshots:
        for file in snapshot.files:
            data = (dest / file.path).read_bytes()
            assert (len(data), xxhash.xxh3_128_hexdigest(data)) == (file.size, file.checksum)
        con = sqlite3.connect(dest / "collection" / "shard" / "objects.sqlite")
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        counts: dict[int, int] = {}
        for (props,) in con.execute("SELECT props FROM objects"):
            batch = orjson.loads(props)["batch"]
            counts[batch] = counts.get(batch, 0) + 1
        assert con.execute("SELECT count(*) FROM vectors").fetchone() == (sum(counts.values()),)
        con.close()
        assert set(counts.values()) == {BATCH} and sorted(counts) == list(range(len(counts)))
        assert len(counts) >= committed_before
