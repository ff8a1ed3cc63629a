"""`loomdb monitor` against a real loomdb under load (a thread inserting and querying through the official client):
`--once --json` through the real CLI with an alert from a file and a recording, the degraded view without /metrics,
the textual dashboard driven by its pilot, and the real CLI in a real terminal (tmux)."""
from __future__ import annotations

import asyncio
import io
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator

import jsonschema
import pytest
import weaviate
from weaviate.classes.config import Configure
from weaviate.classes.data import DataObject

import loomdb
from loomdb.toolkit.monitor import Monitor, live_source, load_rules, once, replay_source
from loomdb.toolkit.monitor.app import MonitorApp
from loomdb.toolkit.remote.snapshot import read_recording
from loomdb.toolkit.remote.target import Target
from loomdb.toolkit.schema import REPORT_SCHEMA

COLLECTIONS = ("Books", "Authors")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Iterator[loomdb.embedded.LoomServer]:
    """A loomdb with metrics on and a client thread inserting (gRPC batch, REST insert) and querying (gRPC)."""
    srv = loomdb.start_embedded(tmp_path_factory.mktemp("monitor"), metrics_enabled=True, metrics_port=0)
    client = weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                       skip_init_checks=True)
    for name in COLLECTIONS:
        client.collections.create(name, vector_config=Configure.Vectors.self_provided())
    stop = threading.Event()

    def load() -> None:
        books, authors = (client.collections.get(n) for n in COLLECTIONS)
        step = 0
        while not stop.is_set():
            step += 1
            books.data.insert_many([DataObject({"title": f"b{step}-{i}"}, vector=[step % 7, i, 1.0])
                                    for i in range(5)])
            authors.data.insert({"name": f"a{step}"}, vector=[1.0, step % 5, 2.0])
            books.query.near_vector([1.0, 2.0, 3.0], limit=3)
            stop.wait(0.02)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    yield srv
    stop.set()
    worker.join(10)
    client.close()
    srv.stop()


@pytest.fixture(scope="module")
def monitor_url(loaded) -> str:
    return f"http://127.0.0.1:{loaded.rest_port}?grpc_port={loaded.grpc_port}"


def test_once_json_shows_rates_per_operation_fires_a_file_alert_and_records(cli, loaded, monitor_url, tmp_path):
    rules = tmp_path / "alerts.yaml"
    rules.write_text("rules:\n  - {id: search.busy, expr: 'op.grpc:Search.qps', op: '>', threshold: 0.1, "
                     "severity: HIGH, summary: searches are running}\n")
    recording = tmp_path / "rec.jsonl"
    run = cli("monitor", monitor_url, "--metrics-port", str(loaded.metrics_port), "--once", "--json",
              "--interval", "1", "--alerts", str(rules), "--record", str(recording))
    assert run.code == 2, run.err
    report = run.json()
    jsonschema.validate(report, REPORT_SCHEMA)
    assert report["command"] == "monitor" and report["worst_severity"] == "HIGH"
    ops = {op["operation"]: op for op in report["measurements"]["operations"] if op["api"] == "grpc"}
    for name in ("Search", "BatchObjects"):
        assert ops[name]["qps"] > 0 and ops[name]["p50_ms"] > 0 and ops[name]["p99_ms"] >= ops[name]["p50_ms"]
    assert report["measurements"]["import_rate_objects_per_s"] > 0
    assert {s["collection"] for s in report["measurements"]["shards"]} == set(COLLECTIONS)
    (alert,) = [f for f in report["findings"] if f["check"] == "alert.search.busy"]
    assert alert["severity"] == "HIGH" and alert["data"]["value"] > 0.1
    snaps = list(read_recording(recording))
    assert len(snaps) == 2 and snaps[1].taken_at - snaps[0].taken_at >= 1
    assert snaps[1].metrics is not None and any("search.busy" in a for a in snaps[1].extra["alerts"])
    replayed, again = once(Monitor(replay_source(recording, last=2), load_rules(rules)), 0, "recording")
    assert replayed is not None and again.exit_code == 2
    assert {op.key: op.requests for op in replayed.operations} == {
        f"{op['api']}:{op['operation']}": op["requests"] for op in report["measurements"]["operations"]}


def test_an_unreachable_target_is_exit_3_not_a_crash(unused_port):
    target = Target("127.0.0.1", unused_port, metrics_port=unused_port, timeout_s=1)
    window, report = once(Monitor(live_source(target), load_rules(None)), 0, target.describe())
    assert window is not None and not window.reachable
    assert report.unreachable and report.exit_code == 3


def test_without_metrics_the_view_degrades_and_says_what_to_set(cli, monitor_url, unused_port):
    run = cli("monitor", monitor_url, "--metrics-port", str(unused_port), "--once", "--interval", "0.2")
    assert run.code == 0, run.err
    assert "DEGRADED" in run.out and "PROMETHEUS_MONITORING_ENABLED=true" in run.out
    assert all(name in run.out for name in COLLECTIONS) and "no alert firing" in run.out


async def _until(pilot, condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the dashboard did not get there in time"
        await pilot.pause(0.1)


def test_dashboard_under_pilot_fills_its_panels_pauses_and_quits(loaded):
    target = Target("127.0.0.1", loaded.rest_port, loaded.grpc_port, metrics_port=loaded.metrics_port)
    app = MonitorApp(Monitor(live_source(target), load_rules(None)), 0.3, target.describe())

    async def drive() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await _until(pilot, lambda: app.window is not None and any(
                op.name == "Search" for op in app.window.operations))
            screen = _text(app)
            assert "grpc:Search" in screen and "QPS" in screen and all(n in screen for n in COLLECTIONS)
            await pilot.press("p")
            await pilot.pause(0.5)          # a refresh already under way may still land
            steps = app.monitor.steps
            await pilot.pause(1.0)
            assert app.paused and app.monitor.steps == steps and "PAUSED" in _text(app)
            await pilot.press("p")
            await _until(pilot, lambda: app.monitor.steps > steps)
            await pilot.press("q")
            await _until(pilot, lambda: not app.is_running, timeout=10)

    asyncio.run(drive())
    assert app.return_code == 0


def _text(app: MonitorApp) -> str:
    """What the dashboard's panels show, as plain text."""
    from rich.console import Console

    console = Console(width=200, record=True, file=io.StringIO())
    for widget in app.query("Static"):
        console.print(widget.content)
    return console.export_text()


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_the_real_cli_in_a_real_terminal_shows_collections_and_qps_then_quits_on_q(loaded, monitor_url):
    server = f"loomdb-monitor-test-{id(loaded)}"       # a tmux server of this test's own
    tmux = ["tmux", "-L", server]
    command = (f"exec {sys.executable} -m loomdb monitor '{monitor_url}' --metrics-port {loaded.metrics_port} "
               "--interval 0.5")
    # typed into the pane's shell, as a user would: the window has its 120x40 size by then
    subprocess.run([*tmux, "new-session", "-d", "-x", "120", "-y", "40", "-s", "mon"], check=True)
    subprocess.run([*tmux, "send-keys", "-t", "mon", command, "Enter"], check=True)
    try:
        screen = ""
        deadline = time.monotonic() + 60
        while not ("grpc:Search" in screen and all(n in screen for n in COLLECTIONS)):
            assert time.monotonic() < deadline, f"dashboard never showed the load:\n{screen}"
            time.sleep(0.5)
            screen = subprocess.run([*tmux, "capture-pane", "-p", "-t", "mon"], capture_output=True,
                                    text=True).stdout
        assert "QPS" in screen and "p99 ms" in screen
        subprocess.run([*tmux, "send-keys", "-t", "mon", "q"], check=True)
        deadline = time.monotonic() + 15
        while subprocess.run([*tmux, "has-session", "-t", "mon"], capture_output=True).returncode == 0:
            assert time.monotonic() < deadline, "q did not end the dashboard"
            time.sleep(0.2)
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
