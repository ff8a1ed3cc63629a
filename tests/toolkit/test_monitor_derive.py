"""monitor's arithmetic on hand-made snapshots: PromQL's histogram_quantile, rates and percentiles between two
scrapes, a restarted server, the alert rules and their file, the alert log's transitions."""
from __future__ import annotations

import math

import pytest

from loomdb.toolkit.monitor import derive, histogram_quantile, load_rules
from loomdb.toolkit.monitor.alerts import AlertConfigError, AlertLog, evaluate
from loomdb.toolkit.remote.metrics import Metrics, Sample
from loomdb.toolkit.remote.snapshot import Snapshot
from loomdb.toolkit.report import Severity

INF = math.inf
GRPC = "weaviate_grpc_server_request_duration_seconds"


def test_histogram_quantile_interpolates_inside_the_bucket_like_prometheus():
    buckets = [(0.1, 10), (0.5, 30), (1.0, 40), (INF, 40)]
    assert histogram_quantile(0.5, buckets) == pytest.approx(0.3)       # rank 20: 0.1 + 0.4 * 10/20
    assert histogram_quantile(0.95, buckets) == pytest.approx(0.9)      # rank 38: 0.5 + 0.5 * 8/10
    assert histogram_quantile(0.1, buckets) == pytest.approx(0.04)      # first bucket starts at 0: 0.1 * 4/10
    assert histogram_quantile(0.99, [(0.1, 10), (INF, 20)]) == 0.1     # rank in +Inf: the highest finite bound
    assert histogram_quantile(0.5, [(0.1, 0), (INF, 0)]) is None        # nothing observed
    assert histogram_quantile(0.5, [(0.1, 3)]) is None                  # no +Inf bucket: not a histogram
    assert histogram_quantile(0.5, [(INF, 4), (1.0, 4), (0.5, 2)]) == pytest.approx(0.5)   # any order


def _histogram(method: str, status: str, cumulative: dict[float, float]) -> list[Sample]:
    labels = {"grpc_service": "weaviate.v1.Weaviate", "method": method, "status": status}
    out = [Sample(f"{GRPC}_bucket", {**labels, "le": "+Inf" if le == INF else str(le)}, n)
           for le, n in cumulative.items()]
    return [*out, Sample(f"{GRPC}_count", labels, cumulative[INF])]


def _snap(at: float, samples: list[Sample], objects: int) -> Snapshot:
    nodes = {"nodes": [{"name": "node1", "status": "HEALTHY", "version": "1.36.0", "stats": {"objectCount": objects},
                        "shards": [{"class": "Books", "name": "abc", "objectCount": objects,
                                    "vectorIndexingStatus": "READY", "vectorQueueLength": 0, "loaded": True}]}]}
    return Snapshot(at, "t", Metrics(samples), nodes)


def test_rates_and_percentiles_come_from_the_growth_between_two_snapshots():
    start = _snap(100.0, [*_histogram("Search", "OK", {0.001: 10, 0.005: 10, 0.01: 10, INF: 10}),
                          *_histogram("Search", "Unavailable", {0.001: 0, 0.005: 0, 0.01: 0, INF: 0})], 50)
    end = _snap(102.0, [*_histogram("Search", "OK", {0.001: 10, 0.005: 15, 0.01: 20, INF: 20}),
                        *_histogram("Search", "Unavailable", {0.001: 0, 0.005: 0, 0.01: 2, INF: 2})], 250)
    window = derive(start, end)
    (search,) = window.operations
    assert (search.key, search.requests, search.errors, search.qps) == ("grpc:Search", 12, 2, 6.0)
    # the window's buckets: .005: 5, .01: 12 (10 ok + 2 failed), +Inf: 12
    assert search.percentiles_ms["p50_ms"] == pytest.approx(5.0 + 5 * (6 - 5) / 7)      # rank 6 in (5, 10] ms
    assert search.percentiles_ms["p99_ms"] == pytest.approx(5.0 + 5 * (11.88 - 5) / 7)
    assert window.import_rate == pytest.approx(100.0)                                   # 200 objects in 2 s
    figures = window.figures()
    assert figures["error_ratio"] == pytest.approx(2 / 12) and figures["op.grpc:Search.qps"] == 6.0


def test_a_restarted_server_counts_from_zero_and_a_first_look_has_no_rates():
    start = _snap(10.0, _histogram("Search", "OK", {0.001: 100, INF: 100}), 5)
    end = _snap(11.0, _histogram("Search", "OK", {0.001: 3, INF: 3}), 5)
    assert derive(start, end).operations[0].requests == 3
    first = derive(None, end)
    assert first.operations == [] and first.import_rate is None and "qps" not in first.figures()
    assert first.shards[0].collection == "Books" and first.objects == 5


def test_alert_rules_from_a_file_override_defaults_and_fire_per_matching_figure(tmp_path):
    path = tmp_path / "alerts.yaml"
    path.write_text("rules:\n  - {id: latency.p99, expr: 'op.*.p99_ms', op: '>', threshold: 5, severity: HIGH}\n"
                    "  - {id: busy, expr: qps, threshold: 1, severity: low}\ndisable: [tombstones.ratio]\n")
    rules = {r.id: r for r in load_rules(path)}
    assert rules["latency.p99"].threshold == 5 and rules["busy"].severity is Severity.LOW
    assert "tombstones.ratio" not in rules and "shards.readonly" in rules
    figures = {"op.grpc:Search.p99_ms": 9.0, "op.rest:GET /v1/nodes.p99_ms": 2.0, "qps": 3.0}
    fired = {(a.rule.id, a.subject) for a in evaluate(rules.values(), figures)}
    assert fired == {("latency.p99", "op.grpc:Search.p99_ms"), ("busy", "qps")}
    bad = tmp_path / "bad.json"
    bad.write_text('{"rules": [{"id": "x", "expr": "qps", "threshold": 1, "op": "=~"}]}')
    with pytest.raises(AlertConfigError, match="op must be one of"):
        load_rules(bad)


def test_the_alert_log_records_firing_and_resolved_once_each():
    (rule,) = [r for r in load_rules(None) if r.id == "shards.readonly"]
    log = AlertLog()
    assert [e.fired for e in log.update(evaluate([rule], {"shards.READONLY": 1}), at=1)] == [True]
    assert log.update(evaluate([rule], {"shards.READONLY": 2}), at=2) == []
    assert [e.fired for e in log.update(evaluate([rule], {"shards.READONLY": 0}), at=3)] == [False]
    assert len(log.entries) == 2 and not log.firing
