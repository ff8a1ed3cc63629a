"""`loomdb change plan|apply|rollback` through the real CLI against a real loomdb started here: each kind of change
classified; an in-place apply; an immutable change (tokenization) rebuilt into Docs_v2 and the alias swapped while
a thread queries through the alias with the official client (no error, always every object); rollback swapping
back; destructive changes refused without the flag; a bad file is a usage error (exit 4)."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from click.testing import CliRunner
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.data import DataObject
from weaviate.classes.tenants import Tenant

from loomdb.cli.main import cli as cli_main
from loomdb.toolkit.change import DesiredStateError, load
from loomdb.toolkit.schema import REPORT_SCHEMA

OBJECTS = 300


@pytest.fixture(scope="module")
def planted(live_client):
    rng = np.random.default_rng(3)
    docs = live_client.collections.create(
        "Docs_v1", properties=[Property(name="title", data_type=DataType.TEXT),
                               Property(name="rank", data_type=DataType.INT)],
        vector_config=Configure.Vectors.self_provided(vector_index_config=Configure.VectorIndex.hnsw(ef=64)))
    docs.data.insert_many([DataObject(properties={"title": f"hello world {i}", "rank": i},
                                      vector=rng.normal(size=16).tolist()) for i in range(OBJECTS)])
    live_client.alias.create(alias_name="Docs", target_collection="Docs_v1")
    live_client.collections.create("Plain", properties=[Property(name="body", data_type=DataType.TEXT),
                                                        Property(name="old", data_type=DataType.TEXT)])
    tenanted = live_client.collections.create("Tenanted", multi_tenancy_config=Configure.multi_tenancy(enabled=True))
    tenanted.tenants.create([Tenant(name="a"), Tenant(name="b")])
    return live_client


def _in_process(*args: str) -> tuple[int, dict]:
    """The same CLI in this process (no interpreter start-up): for the calls whose output alone is checked."""
    result = CliRunner().invoke(cli_main, ["change", *args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def _write(tmp_path: Path, name: str, document: dict) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def _docs(tokenization: str = "word", description: str | None = None) -> dict:
    out = {"class": "Docs", "properties": [{"name": "title", "dataType": ["text"], "tokenization": tokenization},
                                           {"name": "rank", "dataType": ["int"]}]}
    return out | ({"description": description} if description else {})


def test_plan_classifies_in_place_rebuild_and_destructive(planted, url, cli, tmp_path):
    desired = _write(tmp_path, "all.json", {
        "classes": [_docs("field", "documents"),
                    {"class": "Plain", "properties": [{"name": "body", "dataType": ["text"]}]}],
        "tenants": {"Tenanted": [{"name": "a", "activityStatus": "COLD"}, "c"]},
        "aliases": {"Latest": "Docs"}})
    run = cli("change", "plan", url, desired, "--json")
    assert run.code == 2, run.err
    report = run.json()
    jsonschema.validate(report, REPORT_SCHEMA)
    kinds = {(c["collection"], c["change"]): c["kind"] for c in report["measurements"]["changes"]}
    assert kinds == {("Docs", "description"): "in_place", ("Docs", "properties.title.tokenization"): "rebuild",
                     ("Plain", "properties.old"): "destructive"}
    docs = report["measurements"]["collections"]["Docs"]
    assert docs["new_collection"] == "Docs_v2" and docs["objects_to_copy"] == OBJECTS
    assert docs["copy_rate_objects_per_s"] > 0 and docs["estimated_copy_s"] is not None   # measured by the probe
    blocking = {f["check"] for f in report["findings"] if f["severity"] == "HIGH"}
    assert blocking == {"change.rebuild", "change.tenants_deleted"}       # Plain: destructive and not aliased
    assert report["measurements"]["aliases"] == [{"alias": "Latest", "before": None, "after": "Docs_v2"}]
    assert not any(n.startswith("LoomdbChangeProbe") for n in planted.collections.list_all())

    code, allowed = _in_process("plan", url, desired, "--allow-destructive", "--adopt-alias", "--copy-rate", "1000")
    assert code == 1 and allowed["worst_severity"] == "MEDIUM"
    plain = allowed["measurements"]["collections"]["Plain"]
    assert (plain["adopt_collection"], plain["new_collection"]) == ("Plain_v1", "Plain_v2")

    code, _ = _in_process("apply", url, desired, "--yes", "--copy-rate", "1000", "--ledger",
                          str(tmp_path / "ledger.jsonl"))
    assert code == 2
    assert set(planted.collections.use("Tenanted").tenants.get()) == {"a", "b"}      # nothing ran
    assert not (tmp_path / "ledger.jsonl").exists()


def test_apply_in_place_then_nothing_pending(planted, url, cli, tmp_path):
    desired = _write(tmp_path, "inplace.json", {
        "classes": [{"class": "Plain", "description": "plain docs",
                     "properties": [{"name": "body", "dataType": ["text"], "description": "the body"},
                                    {"name": "old", "dataType": ["text"]},
                                    {"name": "added", "dataType": ["int"]}],
                     "invertedIndexConfig": {"bm25": {"b": 0.6}}}],
        "tenants": {"Tenanted": [{"name": "a", "activityStatus": "COLD"}, "b", "c"]}})
    run = cli("change", "apply", url, desired, "--yes", "--json")
    assert run.code == 0, run.out + run.err
    config = planted.collections.use("Plain").config.get()
    assert config.description == "plain docs" and config.inverted_index_config.bm25.b == 0.6
    assert {p.name: p.description for p in config.properties} == {"body": "the body", "old": None, "added": None}
    states = {n: str(t.activity_status.value) for n, t in planted.collections.use("Tenanted").tenants.get().items()}
    assert states == {"a": "INACTIVE", "b": "ACTIVE", "c": "ACTIVE"}
    ledger = [json.loads(line) for line in (tmp_path / ".loomdb" / "change-ledger.jsonl").read_text().splitlines()]
    assert [r["action"] for r in ledger if r["event"] == "step"] == [
        "add_property", "update_collection", "add_tenants", "tenant_states"]
    assert _in_process("plan", url, desired)[0] == 0


def test_rebuild_swaps_the_alias_under_queries_then_rollback(planted, live, url, cli, tmp_path):
    import weaviate

    desired = _write(tmp_path, "rebuild.json", {"classes": [_docs("field")]})
    errors: list[str] = []
    results: list[int] = []
    stop = threading.Event()

    def query() -> None:
        with weaviate.connect_to_local(host="127.0.0.1", port=live.rest_port, grpc_port=live.grpc_port,
                                       skip_init_checks=True) as client:
            docs = client.collections.use("Docs")
            while not stop.is_set():
                try:
                    results.append(len(docs.query.fetch_objects(limit=OBJECTS + 10).objects))
                    results.append(len(docs.query.near_vector([0.1] * 16, limit=OBJECTS).objects))
                except Exception as exc:            # any error through the alias fails the test
                    errors.append(repr(exc))
                stop.wait(0.005)                    # the server shares this process's GIL with the reader

    reader = threading.Thread(target=query)
    reader.start()
    try:
        done = subprocess.run([sys.executable, "-m", "loomdb", "change", "apply", url, desired, "--yes", "--json",
                               "--copy-rate", "1000"], capture_output=True, text=True, timeout=120)
    finally:
        stop.set()
        reader.join()
    assert done.returncode == 0, done.stdout + done.stderr
    assert not errors and results and set(results) == {OBJECTS}
    assert planted.alias.get(alias_name="Docs").collection == "Docs_v2"
    title = next(p for p in planted.collections.use("Docs_v2").config.get().properties if p.name == "title")
    assert title.tokenization.value == "field"
    assert len(planted.collections.use("Docs").query.fetch_objects(limit=1, include_vector=True)
               .objects[0].vector["default"]) == 16

    back = cli("change", "rollback", url, "--ledger", str(tmp_path / ".loomdb" / "change-ledger.jsonl"), "--json")
    assert back.code == 0, back.out
    assert planted.alias.get(alias_name="Docs").collection == "Docs_v1"
    assert planted.collections.exists("Docs_v2")                     # kept until --drop-new
    code, again = _in_process("rollback", url, "--ledger", str(tmp_path / ".loomdb" / "change-ledger.jsonl"))
    assert code == 0 and again["findings"][0]["check"] == "change.nothing_to_undo"


def test_adopt_alias_turns_a_collection_into_an_alias(planted, url, tmp_path):
    solo = planted.collections.create("Solo", properties=[Property(name="body", data_type=DataType.TEXT)])
    solo.data.insert_many([{"body": f"b {i}"} for i in range(20)])
    desired = _write(tmp_path, "solo.json", {"classes": [
        {"class": "Solo", "properties": [{"name": "body", "dataType": ["text"], "tokenization": "field"}]}]})
    code, report = _in_process("apply", url, desired, "--yes", "--adopt-alias", "--copy-rate", "1000")
    assert code == 0, report["findings"]
    assert [s["action"] for s in report["measurements"]["steps"]] == [
        "create_copy_target", "adopt", "create_copy_target", "rebuild"]
    assert planted.alias.get(alias_name="Solo").collection == "Solo_v2"
    assert len(planted.collections.use("Solo").query.fetch_objects(limit=100).objects) == 20
    assert len(planted.collections.use("Solo_v1").query.fetch_objects(limit=100).objects) == 20


def test_bad_file_is_a_usage_error(url, cli, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("classes: [{class: Docs, properties: 3}]")
    run = cli("change", "plan", url, str(path))
    assert run.code == 4 and "invalid desired state" in run.err and "Docs.properties must be a list" in run.err
    for content, message in (("{not yaml: [", "not valid YAML"), ("colections: []", "unknown top-level key")):
        path.write_text(content)
        with pytest.raises(DesiredStateError, match=message):
            load(str(path))
