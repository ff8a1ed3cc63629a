"""The snapshot seam of monitor and incident: one look at a real loomdb's /metrics and /v1/nodes, kept as JSON
Lines and read back; a target without /metrics degrades instead of failing."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

import loomdb
from loomdb.toolkit.remote.snapshot import append_snapshot, read_recording, take_snapshot
from loomdb.toolkit.remote.target import Target


@pytest.fixture(scope="module")
def monitored(tmp_path_factory) -> Iterator[loomdb.embedded.LoomServer]:
    srv = loomdb.start_embedded(tmp_path_factory.mktemp("snapshot"), metrics_enabled=True, metrics_port=0)
    yield srv
    srv.stop()


def _target(srv: loomdb.embedded.LoomServer, metrics_port: int) -> Target:
    return Target("127.0.0.1", srv.rest_port, srv.grpc_port, metrics_port=metrics_port)


def test_snapshot_round_trips_through_a_recording(monitored, tmp_path):
    snap = take_snapshot(_target(monitored, monitored.metrics_port))
    assert snap.metrics is not None and snap.metrics_error == ""
    assert snap.metrics.total("weaviate_index_shards_total") is not None
    assert snap.nodes is not None and snap.nodes["nodes"][0]["status"] == "HEALTHY"
    recording = tmp_path / "rec.jsonl"
    append_snapshot(recording, snap)
    append_snapshot(recording, snap)
    with recording.open("a", encoding="utf-8") as torn:
        torn.write('{"version": 1, "taken_at"')          # a writer killed mid-line
    back = list(read_recording(recording))
    assert len(back) == 2
    assert back[0].taken_at == snap.taken_at and back[0].nodes == snap.nodes
    assert back[0].metrics is not None and len(back[0].metrics.samples) == len(snap.metrics.samples)


def test_snapshot_without_metrics_says_why(monitored, unused_port):
    snap = take_snapshot(_target(monitored, unused_port))
    assert snap.metrics is None and "Connect" in snap.metrics_error
    assert snap.nodes is not None
