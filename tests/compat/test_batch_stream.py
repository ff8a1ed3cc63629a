"""gRPC BatchStream through the official client: batch.stream(), client.batch.stream() and data.ingest()."""
from __future__ import annotations

import uuid

import pytest
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.data import DataObject

N = 20_000


@pytest.fixture
def articles(collection_factory):
    return collection_factory(properties=[Property(name="title", data_type=DataType.TEXT),
                                          Property(name="n", data_type=DataType.INT)],
                              vector_config=Configure.Vectors.self_provided())


def test_stream_imports_everything_and_bad_objects_fail_alone(articles):
    bad = {5, 4_321, 19_999}
    ids = [uuid.UUID(int=i + 1) for i in range(N)]
    with articles.batch.stream() as batch:
        for i, uid in enumerate(ids):
            props = {"title": f"t{i}", "n": "not a number" if i in bad else i}
            batch.add_object(properties=props, uuid=uid, vector=[float(i % 7), 1.0, 0.5])
    failed = articles.batch.failed_objects
    assert sorted(str(f.object_.uuid) for f in failed) == sorted(str(ids[i]) for i in bad)
    assert all("n" in f.message for f in failed)
    assert len(articles) == N - len(bad)
    assert articles.query.fetch_object_by_id(ids[7]).properties["n"] == 7
    assert articles.query.fetch_object_by_id(ids[5]) is None
    results = articles.batch.results.objs
    assert len(results.uuids) == N - len(bad) and len(results.errors) == len(bad)


def test_client_stream_routes_by_collection_and_reports_errors(client, collection_factory):
    a = collection_factory("A", vector_config=Configure.Vectors.self_provided())
    b = collection_factory("B", vector_config=Configure.Vectors.self_provided())
    with client.batch.stream() as batch:
        for i in range(300):
            batch.add_object(collection=a.name if i % 2 else b.name, properties={"k": i}, vector=[1.0, float(i)])
        batch.add_object(collection=a.name, properties={"k": 1}, vector=[1.0, 2.0, 3.0])   # wrong dimension
    assert len(a) == 150 and len(b) == 150
    assert len(client.batch.failed_objects) == 1
    assert "dimension" in client.batch.failed_objects[0].message or "length" in client.batch.failed_objects[0].message


def test_ingest(articles):
    objs = (DataObject(properties={"title": f"x{i}", "n": i}, uuid=uuid.UUID(int=10**6 + i), vector=[1.0, 0.0, i])
            for i in range(5_000))
    ret = articles.data.ingest(objs)
    assert not ret.errors and len(ret.uuids) == 5_000
    assert len(articles) == 5_000
    ret = articles.data.ingest([{"title": "plain dict", "n": 1}, {"title": "bad", "n": "x"}])
    assert len(ret.errors) == 1 and len(ret.uuids) == 1


def test_bad_references_in_stream_fail_per_item(collection_factory):
    c = collection_factory(vector_config=Configure.Vectors.self_provided())
    uid = uuid.uuid4()
    with c.batch.stream() as batch:
        batch.add_object(properties={"title": "a"}, uuid=uid, vector=[1.0, 0.0])
        batch.add_reference(from_uuid=uid, from_property="self", to=uid)
    assert len(c) == 1
    failed = c.batch.failed_references
    assert len(failed) == 1 and failed[0].message == f"property self does not exist for class {c.name}"


@pytest.mark.loomdb_only("drives loomdb's use case and engine directly")
def test_stream_session_backpressure_is_bounded(tmp_path):
    """The use case's work queue never holds more than its capacity (+ one message) and every item is reported,
    with the real ObjectService storing into a real data directory (each batch is an fsync'd commit, so
    submitting outruns storing and the bound is exercised)."""
    import threading
    import uuid as uuid_mod

    import numpy as np

    from loomdb.engine.database import Database
    from loomdb.entities.objects import IncomingObject
    from loomdb.usecases.objects import ObjectService, StreamItem, StreamSession

    db = Database(tmp_path / "data")
    try:
        service = ObjectService(db, query_maximum_results=10_000, autoschema=True)
        reported, done = [], threading.Event()
        session = StreamSession(service, None, on_results=lambda r: reported.extend(r.successes),
                                on_done=done.set, headers={}, capacity=300, max_batch=100)
        peak = 0
        vec = np.ones(4, np.float32)
        for m in range(60):
            items = []
            for i in range(50):
                uid = str(uuid_mod.UUID(int=m * 50 + i + 1))
                items.append(StreamItem(uid, "C", obj=IncomingObject(uid, {"i": i}, {}, vec)))
            assert session.submit(items)
            peak = max(peak, session.pending)
        sizes = {session.suggested_batch_size() for _ in range(3)}
        session.finish()
        assert done.wait(60)
        assert len(reported) == 3000 and peak <= 350
        assert all(10 <= s <= 1000 for s in sizes)
        assert db.collection("C").object_count() == 3000
    finally:
        db.close()
