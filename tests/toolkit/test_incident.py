"""`loomdb incident`: recording against a real loomdb with a planted problem (tombstones) and against a port
nobody listens on, the list/show/close/patterns cycle over a temporary database, the runbook update on close,
and a metrics window read from a monitor recording. The real CLI for the main paths, the Python API for the rest."""
from __future__ import annotations

from collections.abc import Iterator

import jsonschema
import numpy as np
import pytest
import weaviate
from weaviate.classes.config import Configure
from weaviate.classes.query import Filter

import loomdb
from loomdb.toolkit import Target
from loomdb.toolkit.incident import RULES, CaptureOptions, Incident, IncidentStore, capture, classify, load, matching
from loomdb.toolkit.incident.window import summarise
from loomdb.toolkit.remote.metrics import Metrics, Sample
from loomdb.toolkit.remote.snapshot import Snapshot, append_snapshot, take_snapshot
from loomdb.toolkit.schema import REPORT_SCHEMA

OBJECTS, DELETED = 1000, 95     # 95 tombstones: > 10 % of the 905 live objects (doctor's threshold) but < 10 % of
                                # the 1000-node graph, so loomdb's cleanup cycle leaves them in place


@pytest.fixture(scope="module")
def churned(tmp_path_factory) -> Iterator[loomdb.embedded.LoomServer]:
    """A loomdb with /metrics whose one collection had objects deleted: tombstones wait for cleanup."""
    srv = loomdb.start_embedded(tmp_path_factory.mktemp("incident"), metrics_enabled=True, metrics_port=0)
    client = weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                       skip_init_checks=True)
    try:
        churn = client.collections.create("Churn", vector_config=Configure.Vectors.self_provided(
            vector_index_config=Configure.VectorIndex.hnsw(cleanup_interval_seconds=3600)))
        vectors = np.random.default_rng(0).random((OBJECTS, 8), dtype=np.float32)
        with churn.batch.fixed_size(500) as batch:
            for n, vector in enumerate(vectors):
                batch.add_object(properties={"n": n}, vector=vector.tolist())
        churn.data.delete_many(where=Filter.by_property("n").less_than(DELETED))
    finally:
        client.close()
    yield srv
    srv.stop()


def _target(srv: loomdb.embedded.LoomServer) -> Target:
    return Target("127.0.0.1", srv.rest_port, srv.grpc_port, metrics_port=srv.metrics_port)


def _url(srv: loomdb.embedded.LoomServer) -> str:
    return f"http://127.0.0.1:{srv.rest_port}?grpc_port={srv.grpc_port}"


def test_record_derives_symptoms_from_a_live_target(cli, churned, tmp_path):
    db = str(tmp_path / "incidents.sqlite")
    run = cli("incident", "record", _url(churned), "--metrics-port", str(churned.metrics_port), "--title",
              "searches slow after a purge", "--note", "purged 95 objects", "--window", "0.5", "--db", db, "--json")
    doc = run.json()
    jsonschema.validate(doc, REPORT_SCHEMA)
    assert doc["command"] == "incident" and run.code == doc["exit_code"] == 1, run.err    # MEDIUM: tombstones
    assert "tombstones" in doc["measurements"]["symptoms"]
    assert doc["measurements"]["window"]["tombstones"] == DELETED
    shown = cli("incident", "show", str(doc["measurements"]["incident_id"]), "--db", db, "--json").json()
    incident = shown["measurements"]["incident"]
    assert incident["notes"] == "purged 95 objects" and incident["window"]["snapshots"] == 2
    assert {f["check"] for f in incident["doctor"]["findings"]} >= {"metrics.tombstones"}
    assert incident["audit"]["command"] == "audit"
    assert shown["measurements"]["runbooks"] == ["tombstones"]


def test_record_an_unreachable_target_is_still_stored(cli, unused_port, tmp_path):
    db = tmp_path / "incidents.sqlite"
    run = cli("incident", "record", f"http://127.0.0.1:{unused_port}?grpc_port={unused_port}", "--metrics-port",
              str(unused_port), "--title", "everything times out", "--window", "0", "--timeout", "1", "--db", str(db),
              "--json")
    doc = run.json()
    assert run.code == 3 and doc["unreachable"], run.err
    assert doc["measurements"]["symptoms"] == ["rest-unreachable"]      # gRPC and /metrics down too: implied
    [stored] = IncidentStore(db).all()
    assert stored.tags == ["rest-unreachable"] and stored.audit is None and stored.window["reachable"] is False


def _incident(at: float, tags: list[str], cause: str = "") -> Incident:
    symptoms = [{"tag": t, "severity": "HIGH", "evidence": [f"seen {t}"]} for t in tags]
    return Incident(at, "http://db:8080 (gRPC db:50051)", f"incident at {at}", symptoms=symptoms, cause=cause)


def test_list_close_patterns_and_the_runbook_update(cli, tmp_path):
    db, books = tmp_path / "incidents.sqlite", tmp_path / "runbooks"
    store = IncidentStore(db)
    ids = [store.add(_incident(1_800_000_000 + n, tags)) for n, tags in enumerate(
        [["grpc-unreachable"], ["readonly-shards", "import-errors"], ["grpc-unreachable"],
         ["readonly-shards", "import-errors"], ["readonly-shards", "import-errors"]])]
    listed = cli("incident", "list", "--db", str(db))
    assert listed.code == 0 and listed.out.count("readonly-shards, import-errors") == 3
    closed = cli("incident", "close", str(ids[1]), "--cause", "disk full", "--resolution", "grew the volume",
                 "--runbooks", str(books), "--db", str(db), "--json").json()
    assert closed["measurements"]["runbook_updated"] == str(books / "readonly-disk-full.md")
    copied = (books / "readonly-disk-full.md").read_text()
    assert "## Seen before" in copied and f"incident #{ids[1]}" in copied and "grew the volume" in copied
    store.annotate(ids[3], cause="Disk  full")                           # the same cause, spelt differently
    document = cli("incident", "patterns", "--runbooks", str(books), "--db", str(db), "--json").json()
    jsonschema.validate(document, REPORT_SCHEMA)
    found = document["measurements"]
    top = found["by_symptoms"][0]
    assert (top["key"], top["count"], top["runbook"]) == ("readonly-shards + import-errors", 3, "readonly-disk-full")
    assert top["ids"] == [ids[4], ids[3], ids[1]] and top["open"] == 2
    assert found["by_symptoms"][1]["runbook"] == "grpc-unreachable"
    by_cause = {g["key"]: g for g in found["by_cause"]}
    assert by_cause["disk full"]["count"] == 2 and by_cause["disk full"]["resolutions"] == ["grew the volume"]
    assert load(books)["readonly-disk-full"].is_user                    # the user's copy now wins over the default


def test_recording_is_read_as_the_metrics_window(churned, tmp_path):
    recording = tmp_path / "monitor.jsonl"
    for _ in range(3):
        append_snapshot(recording, take_snapshot(_target(churned)))
    incident = capture(_target(churned), "from a recording", options=CaptureOptions(recording=recording,
                                                                                   run_audit=False))
    assert incident.window["source"] == f"recording {recording}" and incident.window["snapshots"] == 3
    assert "tombstones" in incident.tags and incident.audit is None


def _snapshot(at: float, auth: float, batch_failures: float, slow: float) -> Snapshot:
    samples = [
        Sample("weaviate_http_request_duration_seconds_count", {"method": "GET", "route": "/v1/schema",
                                                                "status_code": "401"}, auth),
        Sample("weaviate_grpc_server_request_duration_seconds_count", {"method": "BatchObjects", "status": "Internal",
                                                                       "grpc_service": "weaviate.v1.Weaviate"},
               batch_failures),
        Sample("weaviate_grpc_server_request_duration_seconds_bucket", {"method": "Search", "le": "0.5"}, 100.0),
        Sample("weaviate_grpc_server_request_duration_seconds_bucket", {"method": "Search", "le": "2.5"}, 100 + slow),
        Sample("weaviate_grpc_server_request_duration_seconds_bucket", {"method": "Search", "le": "+Inf"}, 100 + slow),
    ]
    return Snapshot(at, "t", Metrics(samples), {"nodes": [{"name": "n1", "status": "HEALTHY"}]})


def test_window_counts_errors_and_window_latency():
    window = summarise([_snapshot(0, 3, 1, 0), _snapshot(10, 5, 4, 20)], "live")
    assert window["errors_window"] == {"http 401 GET /v1/schema": 2, "grpc Internal BatchObjects": 3}
    assert (window["auth_failures"], window["import_errors"], window["server_errors"]) == (5, 4, 4)
    assert window["latency_p99_ms"]["grpc"] == 2500.0       # only the window's 20 requests, all slow
    tags = [s["tag"] for s in classify([], window)]
    assert tags == ["auth-failures", "import-errors", "query-errors", "high-latency"]


def test_every_symptom_has_a_shipped_runbook_and_a_user_file_overrides_it(tmp_path):
    shipped = load(tmp_path / "none")
    assert all(matching([rule.tag], shipped) for rule in RULES)
    (tmp_path / "tombstones.md").write_text("---\ntitle: ours\nsymptoms: tombstones\n---\n# ours\n")
    assert matching(["tombstones"], load(tmp_path))[0].title == "ours"
