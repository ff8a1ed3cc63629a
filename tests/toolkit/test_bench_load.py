"""`loomdb bench` from several client processes, the `load` preset (issue 17's mix), the multi-tenant workload,
the run history and its trend view, the HTML report: through the real CLI against a live loomdb."""
from __future__ import annotations

import json
import re

import jsonschema
import pytest

from loomdb.toolkit.bench.history import record_run
from loomdb.toolkit.bench.mix import MIX
from loomdb.toolkit.schema import REPORT_SCHEMA


@pytest.fixture
def history(tmp_path, monkeypatch):
    """Runs are recorded here, never in the user's ~/.loomdb/bench."""
    monkeypatch.setenv("LOOMDB_BENCH_HISTORY", str(tmp_path / "history"))
    return tmp_path / "history"


def test_load_preset_from_processes_merges_every_sample_and_counts_acknowledged_writes(cli, url, live_client,
                                                                                       history, tmp_path):
    before = set(live_client.collections.list_all())
    page = tmp_path / "report.html"
    run = cli("bench", url, "--preset", "load", "--workload", "near_vector", "--workload", "load",
              "--processes", "2", "--threads", "2", "--duration", "2", "--objects", "400", "--dims", "16",
              "--queries", "20", "--html", str(page), "--json")
    assert run.code == 0, run.err
    document = run.json()
    jsonschema.validate(document, REPORT_SCHEMA)
    settings = document["measurements"]["settings"]
    assert settings["preset"] == "load" and settings["processes"] == 2 and settings["concurrency"] == 2
    workloads = document["measurements"]["workloads"]
    assert workloads["near_vector"]["clients"] == 4 and workloads["near_vector"]["recall"]["queries"] == 20
    load = workloads["load"]
    assert load["errors"] == 0 and load["clients"] == 4 and load["qps"] > 0
    assert set(load["ops"]) == set(MIX)
    assert sum(op["completed"] for op in load["ops"].values()) == load["completed"]     # every sample merged
    done = [op for op in load["ops"].values() if op["completed"]]
    assert all(op["p50_ms"] <= op["p99_ms"] for op in done)
    ack = load["acknowledged"]
    assert ack["before"] == 400 and ack["inserted"] % 10 == 0 and ack["inserted"] > 0
    assert ack["expected"] == ack["stored"] and ack["lost"] == 0
    assert set(live_client.collections.list_all()) == before
    html = page.read_text()
    assert html.startswith("<!doctype html>") and "data:image/png;base64," in html and "load: per operation" in html
    assert not re.search(r"""(src|href)=["']?https?:""", html)             # self-contained
    recorded = [json.loads(line) for line in (history / "runs.jsonl").read_text().splitlines()]
    assert len(recorded) == 1 and recorded[0]["report"]["measurements"]["workloads"]["load"]["qps"] == load["qps"]


def test_tenants_workload_measures_activation(cli, url, live_client, history):
    before = set(live_client.collections.list_all())
    run = cli("bench", url, "--workload", "tenants", "--tenants", "4", "--objects", "200", "--dims", "8",
              "--duration", "0.5", "--no-record", "--json")
    assert run.code == 0, run.err
    figures = run.json()["measurements"]["workloads"]["tenants"]
    assert figures["tenants"] == 4 and figures["completed"] > 0 and figures["errors"] == 0
    activation = figures["activation"]
    assert activation["tenants"] == 4
    assert activation["activate"]["p50_ms"] > 0 and activation["first_query"]["p50_ms"] > 0
    assert set(live_client.collections.list_all()) == before
    assert not (history / "runs.jsonl").exists()                         # --no-record


def _run_document(qps: float, p99: float, target: str = "t") -> dict:
    return {"target": target, "measurements": {"settings": {"preset": "hybrid"}, "workloads": {
        "bm25": {"qps": qps, "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": p99, "errors": 0}}}}


def test_history_view_shows_the_trend_and_flags_a_drift(cli, history, tmp_path):
    record_run(_run_document(10.0, 50.0, target="elsewhere"), history)    # not comparable: another target
    for qps, p99 in ((100.0, 3.0), (104.0, 3.1), (60.0, 9.0)):
        record_run(_run_document(qps, p99), history)
    with (history / "runs.jsonl").open("a") as torn:
        torn.write('{"recorded_at": 1, "rep')                            # a run killed while writing
    png = tmp_path / "trend.png"
    run = cli("bench", "--history", "--plot", str(png), "--json")
    document = run.json()
    jsonschema.validate(document, REPORT_SCHEMA)
    assert run.code == 1                                                 # the drift is MEDIUM
    rows = document["measurements"]["history"]["rows"]
    assert [(r["run"], r["qps"]) for r in rows] == [(1, 10.0), (2, 100.0), (3, 104.0), (4, 60.0)]
    assert rows[0]["config"] != rows[1]["config"] == rows[3]["config"]
    trend = document["measurements"]["history"]["trend"]["bm25"]
    assert trend["metrics"]["qps"]["baseline"] == 102.0 and trend["metrics"]["qps"]["regressed"]
    assert next(f for f in document["findings"] if f["check"] == "bench.trend")["severity"] == "MEDIUM"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    human = cli("bench", "--history", "--last", "2", "--preset", "hybrid")
    lines = human.out.splitlines()
    header = next(line for line in lines if "QPS" in line)
    assert header.split()[:4] == ["run", "when", "(UTC)", "preset"]
    assert [line.split()[0] for line in lines if line.split()[:1] in (["2"], ["3"], ["4"])] == ["3", "4"]


def test_load_preset_refuses_a_users_collection(cli, url):
    run = cli("bench", url, "--preset", "load", "--collection", "Anything")
    assert run.code == 4 and "load" in run.err
