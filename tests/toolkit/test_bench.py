"""`loomdb bench` through the real CLI against a live loomdb: throughput and ordered percentiles, recall that
agrees with an independent brute force, fixed-rate mode, baselines and regressions (exit 2), usage errors (4)."""
from __future__ import annotations

import jsonschema
import numpy as np
import pytest
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.query import Filter

from loomdb.toolkit.bench.dataset import Dataset
from loomdb.toolkit.schema import REPORT_SCHEMA

SMALL = ("--objects", "300", "--dims", "16", "--batch-size", "100")


@pytest.fixture(autouse=True)
def _history(tmp_path, monkeypatch):
    """Every run is recorded in the history: keep these tests' runs out of the user's ~/.loomdb/bench."""
    monkeypatch.setenv("LOOMDB_BENCH_HISTORY", str(tmp_path / "history"))


def _ordered(figures: dict) -> bool:
    return figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"] <= figures["max_ms"]


def _independent_recall(collection, data: Dataset, k: int, cutoff: int | None = None) -> float:
    """Each query once: near_vector's rows (read from the stored `row` property) vs numpy's exact cosine top-k."""
    unit = data.vectors / np.linalg.norm(data.vectors, axis=1, keepdims=True)
    allowed = np.ones(len(unit), bool) if cutoff is None else data.buckets < cutoff
    where = None if cutoff is None else Filter.by_property("bucket").less_than(cutoff)
    total = 0.0
    for query in data.queries:
        cosine = 1.0 - unit @ (query / np.linalg.norm(query))
        cosine[~allowed] = np.inf
        exact = set(np.argsort(cosine)[:k].tolist())
        found = {o.properties["row"] for o in collection.query.near_vector(
            query.tolist(), limit=k, filters=where, return_properties=["row"]).objects}
        total += len(found & exact) / k
    return total / len(data.queries)


def test_short_run_measures_qps_percentiles_and_recall_that_agrees(cli, live_client, url):
    run = cli("bench", url, "--workload", "near_vector", "--workload", "filtered", "--duration", "2",
              "--concurrency", "2", "--objects", "1500", "--dims", "32", "--ef", "8", "--queries", "40",
              "--selectivity", "0.3", "--keep", "--json")
    document = run.json()
    jsonschema.validate(document, REPORT_SCHEMA)
    assert run.code == 0, run.err
    name = document["measurements"]["dataset"]["collection"]
    assert name.startswith("LoomdbBench_")
    try:
        data = Dataset.generate(1500, 32, 0, 40)
        collection = live_client.collections.get(name)
        for workload, cutoff in (("near_vector", None), ("filtered", 30)):
            figures = document["measurements"]["workloads"][workload]
            assert figures["qps"] > 0 and figures["completed"] > 40 and figures["errors"] == 0
            assert _ordered(figures)
            recall = figures["recall"]
            assert recall["queries"] == 40 and 0.0 <= recall["mean"] <= 1.0
            assert abs(recall["mean"] - _independent_recall(collection, data, 10, cutoff)) <= 0.02
        assert 0.25 <= document["measurements"]["workloads"]["filtered"]["selectivity"] <= 0.35
    finally:
        live_client.collections.delete(name)


def test_fixed_rate_other_workloads_and_cleanup(cli, live_client, url):
    before = set(live_client.collections.list_all())
    run = cli("bench", url, *SMALL, "--workload", "bm25", "--workload", "hybrid", "--workload", "mixed",
              "--workload", "import", "--duration", "1", "--rate", "40", "--write-ratio", "0.5", "--batch-size", "10",
              "--json")
    assert run.code == 0, run.err
    workloads = run.json()["measurements"]["workloads"]
    assert list(workloads) == ["bm25", "hybrid", "mixed", "import"]
    for name, figures in workloads.items():
        assert figures["target_qps"] == 40 and figures["qps"] <= 48 and _ordered(figures)
        assert figures["qps"] >= (1 if name == "import" else 20), (name, figures)    # import may saturate
        assert figures["p50_ms"] >= figures["service"]["p50_ms"]      # counted from the intended send time
    assert workloads["mixed"]["read"]["completed"] > 0 and workloads["mixed"]["write"]["completed"] > 0
    assert abs(workloads["import"]["objects_per_s"] - workloads["import"]["qps"] * 10) < 1
    assert set(live_client.collections.list_all()) == before          # the generated collection is dropped


def test_baseline_then_compare_flags_regression_with_exit_2(cli, url, tmp_path):
    common = ("bench", url, *SMALL, "--duration", "0.5", "--history-dir", str(tmp_path), "--json")
    saved = cli(*common, "--baseline", "ci")
    assert saved.code == 0, saved.err
    assert (tmp_path / "ci.json").is_file()
    regressed = cli(*common, "--compare", "ci", "--threshold", "-1000")
    document = regressed.json()
    jsonschema.validate(document, REPORT_SCHEMA)
    assert regressed.code == 2
    finding = next(f for f in document["findings"] if f["check"] == "bench.regression")
    assert finding["severity"] == "HIGH" and finding["data"]["metrics"]["p50_ms"]["regressed"]
    tolerant = cli(*common, "--compare", "ci", "--threshold", "100000", "--recall-threshold", "1")
    assert tolerant.code == 0, tolerant.out
    assert tolerant.json()["measurements"]["comparison"]["workloads"]["near_vector"]["qps"]["regressed"] is False


def test_own_collection_read_only(cli, live_client, url):
    col = live_client.collections.create("BenchOwn", properties=[Property(name="body", data_type=DataType.TEXT)],
                                         vector_config=Configure.Vectors.self_provided())
    try:
        rng = np.random.default_rng(5)
        with col.batch.fixed_size(100) as batch:
            for i in range(200):
                batch.add_object({"body": f"alpha bravo item{i} charlie"}, vector=rng.normal(size=8).tolist())
        run = cli("bench", url, "--collection", "BenchOwn", "--workload", "near_vector", "--workload", "bm25",
                  "--duration", "0.5", "--warmup", "0.2", "--json")
        assert run.code == 0, run.err
        workloads = run.json()["measurements"]["workloads"]
        assert workloads["near_vector"]["qps"] > 0 and workloads["bm25"]["qps"] > 0
        assert len(col) == 200
        human = cli("bench", url, "--collection", "BenchOwn", "--workload", "bm25", "--duration", "0.3")
        assert human.code == 0 and "\x1b[" not in human.out                 # no escape codes in a pipe
        header = next(line for line in human.out.splitlines() if "QPS" in line)
        assert header.split()[:5] == ["workload", "QPS", "p50", "ms", "p95"]
        assert any(line.split()[:1] == ["bm25"] for line in human.out.splitlines())
    finally:
        live_client.collections.delete("BenchOwn")


def test_usage_errors_exit_4_and_unreachable_exits_3(cli, url, tmp_path, unused_port):
    for args in (("--collection", "X", "--workload", "import"), ("--baseline", "bad/name"),
                 ("--compare", "missing", "--history-dir", str(tmp_path))):
        run = cli("bench", url, *args)
        assert run.code == 4, (args, run.err)
    run = cli("bench", f"http://127.0.0.1:{unused_port}?grpc_port={unused_port}", "--duration", "0.5", "--json")
    assert run.code == 3 and run.json()["unreachable"] is True


def test_ef_sweep_recall_qps_plot(cli, live_client, url, tmp_path):
    png = tmp_path / "recall-qps.png"
    run = cli("bench", url, "--objects", "1000", "--dims", "32", "--ef", "16", "--ef-sweep", "4,256",
              "--duration", "0.5", "--plot", str(png), "--json")
    assert run.code == 0, run.err
    document = run.json()
    sweep = document["measurements"]["ef_sweep"]
    assert [p["ef"] for p in sweep] == [4, 256] and sweep[1]["recall"] >= sweep[0]["recall"]
    assert all(p["qps"] > 0 and 0 <= p["recall"] <= 1 for p in sweep) and any(p["pareto"] for p in sweep)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "near_vector" in document["measurements"]["workloads"]     # the workloads still ran, at ef 16
