"""An acknowledged write survives kill -9: import in acknowledged chunks, kill the server mid-import, reopen,
and find every acknowledged object (with its vector) and a store that opens cleanly."""
from __future__ import annotations

import sqlite3
import threading
import uuid
from contextlib import closing

import numpy as np
import pytest
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.data import DataObject

TOTAL = 50_000
CHUNK = 500
KILL_AFTER = 20_000   # acknowledged objects before the kill (a chunk is always in flight then)


@pytest.mark.slow
def test_kill9_mid_import_loses_no_acknowledged_object(server_process, tmp_path):
    rng = np.random.default_rng(7)
    vectors = rng.random((TOTAL, 16), dtype=np.float32)
    ids = [str(uuid.UUID(int=int(x))) for x in rng.integers(1, 2**62, TOTAL)]
    sp = server_process(tmp_path / "data")
    client = sp.client()
    col = client.collections.create("Durable", properties=[Property(name="n", data_type=DataType.INT)],
                                    vector_config=Configure.Vectors.self_provided())
    acked: list[int] = []
    enough = threading.Event()

    def importer() -> None:
        for start in range(0, TOTAL, CHUNK):
            batch = [DataObject(properties={"n": i}, uuid=ids[i], vector=vectors[i].tolist())
                     for i in range(start, min(start + CHUNK, TOTAL))]
            try:
                res = col.data.insert_many(batch)
            except Exception:   # noqa: BLE001 - the server was killed under us
                return
            acked.extend(i for i in range(start, start + len(batch)) if i not in res.errors)
            if len(acked) >= KILL_AFTER:
                enough.set()

    t = threading.Thread(target=importer, daemon=True)
    t.start()
    assert enough.wait(300), "import too slow to reach the kill point"
    sp.kill9()
    t.join(120)
    client.close()
    assert KILL_AFTER <= len(acked) < TOTAL, f"kill landed outside the import ({len(acked)} acked)"
    print(f"acknowledged before kill -9: {len(acked)} of {TOTAL}")

    db_file = next((tmp_path / "data").rglob("objects.sqlite"))
    with closing(sqlite3.connect(db_file)) as con:     # sqlite3's own `with` commits but never closes
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    sp2 = server_process(tmp_path / "data")
    with sp2.client() as c2:
        col2 = c2.collections.get("Durable")
        found = {}
        for obj in col2.iterator(include_vector=True):
            found[str(obj.uuid)] = obj
        missing = [ids[i] for i in acked if ids[i] not in found]
        assert not missing, f"{len(missing)} acknowledged objects lost, e.g. {missing[:3]}"
        for i in acked[:: max(1, len(acked) // 200)]:
            obj = found[ids[i]]
            assert obj.properties["n"] == i
            np.testing.assert_allclose(obj.vector["default"], vectors[i], rtol=1e-6)
        assert len(col2) == len(found)
