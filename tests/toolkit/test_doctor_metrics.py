"""doctor reads tombstone and async-indexing backlogs from a Prometheus endpoint on the target's host. loomdb has no
/metrics yet, so a minimal exposition server stands in for one, serving Weaviate's metric names."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

EXPOSITION = b"""# HELP object_count Number of currently ongoing async operations
# TYPE object_count gauge
object_count{class_name="Docs",shard_name="s1"} 600
object_count{class_name="Docs",shard_name="s2"} 400
# TYPE vector_index_tombstones gauge
vector_index_tombstones{class_name="Docs",shard_name="s1"} 250
vector_index_tombstones{class_name="Docs",shard_name="s2"} 50
# TYPE queue_size gauge
queue_size{class_name="Docs",shard_name="s1"} 7
"""


class _Metrics(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802  (http.server's name)
        body = EXPOSITION if self.path == "/metrics" else b""
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def metrics_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Metrics)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_tombstones_and_queue_from_metrics(cli, url, metrics_port):
    run = cli("doctor", url, "--metrics-port", str(metrics_port), "--json")
    document = run.json()
    found = {f["check"]: f for f in document["findings"]}
    assert found["metrics.tombstones"]["severity"] == "MEDIUM"
    assert "vector_index_tombstones = 300 for object_count = 1000" in found["metrics.tombstones"]["evidence"]
    assert found["metrics.async_queue"]["severity"] == "LOW"
    assert document["measurements"]["metrics_available"] is True
    assert "metrics.unavailable" not in found
    assert run.code == 1


def test_absent_metrics_are_information_only(cli, url, unused_port):
    run = cli("doctor", url, "--metrics-port", str(unused_port), "--json")
    found = {f["check"]: f for f in run.json()["findings"]}
    assert found["metrics.unavailable"]["severity"] == "INFO"
    assert "PROMETHEUS_MONITORING_ENABLED" in found["metrics.unavailable"]["action"]
