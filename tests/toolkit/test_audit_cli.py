"""`loomdb audit` through the real CLI: measured recall agrees with an independent computation, planted
configuration problems are found, --json follows the documented schema."""
from __future__ import annotations

import jsonschema
import numpy as np
from weaviate.classes.config import Configure
from weaviate.classes.data import DataObject

from loomdb.toolkit.schema import REPORT_SCHEMA


def _independent_recall(collection, vectors: np.ndarray, ids: list, k: int) -> float:
    """Every stored vector as a query: near_vector's hits vs a numpy brute-force cosine top-k."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    index_of = {u: i for i, u in enumerate(ids)}
    total = 0.0
    for i, vector in enumerate(vectors):
        exact = set(np.argsort(1.0 - unit @ unit[i])[:k].tolist())
        found = {index_of[o.uuid] for o in collection.query.near_vector(vector.tolist(), limit=k).objects}
        total += len(found & exact) / k
    return total / len(vectors)


def test_recall_matches_independent_computation_and_low_ef_is_found(cli, live_client, url):
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(1500, 24)).astype(np.float32)
    col = live_client.collections.create("LowEf", vector_config=Configure.Vectors.self_provided(
        vector_index_config=Configure.VectorIndex.hnsw(ef=10, ef_construction=8, max_connections=4)))
    try:
        col.data.insert_many([DataObject(properties={"n": i}, vector=v.tolist()) for i, v in enumerate(vectors)])
        ids = [o.uuid for o in col.iterator(include_vector=True)]
        stored = np.asarray([o.vector["default"] for o in col.iterator(include_vector=True)], dtype=np.float32)
        independent = _independent_recall(col, stored, ids, 10)
        run = cli("audit", url, "LowEf", "--json", "--queries", "1500", "--profile-rounds", "3",
                  "--selectivity", "0.5", "--ef-sweep", "10,200")
        document = run.json()
        jsonschema.validate(document, REPORT_SCHEMA)
        recall = document["measurements"]["collections"]["LowEf"]["recall"]
        assert recall["unfiltered"]["queries"] == 1500 and recall["unfiltered"]["candidates"] == 1500
        assert abs(recall["unfiltered"]["mean"] - independent) <= 0.02, (recall["unfiltered"], independent)
        assert independent < 0.9                                       # the planted problem is real
        low = [f for f in document["findings"] if f["check"] == "recall.low"]
        assert low and low[0]["severity"] == "HIGH" and low[0]["collection"] == "LowEf"
        assert run.code == 2
        sweep = document["measurements"]["collections"]["LowEf"]["ef_sweep"]
        assert [p["ef"] for p in sweep] == [10, 200] and sweep[1]["mean"] > sweep[0]["mean"]
        assert col.config.get().vector_config["default"].vector_index_config.ef == 10   # the sweep restored ef
        profile = document["measurements"]["collections"]["LowEf"]["profile"]
        assert {"fetch", "near_vector", "filtered_near_vector"} <= set(profile)
        assert all(p["p50_ms"] <= p["p95_ms"] <= p["p99_ms"] for p in profile.values())
    finally:
        live_client.collections.delete("LowEf")


def test_flat_index_with_too_many_objects_is_found(cli, live_client, url):
    col = live_client.collections.create("BigFlat", vector_config=Configure.Vectors.self_provided(
        vector_index_config=Configure.VectorIndex.flat()))
    try:
        rng = np.random.default_rng(3)
        vectors = rng.normal(size=(12_000, 4)).astype(np.float32)
        col.data.insert_many([DataObject(properties={}, vector=v.tolist()) for v in vectors])
        run = cli("audit", url, "BigFlat", "--json", "--max-vectors", "100", "--profile-rounds", "3")
        found = {f["check"]: f for f in run.json()["findings"]}
        assert found["config.index_type"]["severity"] == "MEDIUM"
        assert "12000 objects" in found["config.index_type"]["title"]
        assert found["recall.skipped"]["severity"] == "INFO"
        assert run.code == 1
    finally:
        live_client.collections.delete("BigFlat")


def test_unknown_collection_exits_3(cli, url):
    run = cli("audit", url, "NoSuchCollection", "--json")
    assert run.code == 3
    assert run.json()["findings"][0]["check"] == "collection.missing"


def test_fix_recall_plans_applies_after_yes_and_measures_again(cli, live_client, url):
    rng = np.random.default_rng(11)
    col = live_client.collections.create("FixMe", vector_config=Configure.Vectors.self_provided(
        vector_index_config=Configure.VectorIndex.hnsw(ef=10, ef_construction=8, max_connections=4)))
    ef_now = lambda: col.config.get().vector_config["default"].vector_index_config.ef  # noqa: E731
    try:
        col.data.insert_many([DataObject(properties={}, vector=v.tolist())
                              for v in rng.normal(size=(1000, 24)).astype(np.float32)])
        args = ("audit", url, "FixMe", "--json", "--fix", "recall", "--ef-sweep", "10,100,400", "--queries", "200",
                "--target-recall", "0.8", "--profile-rounds", "3")
        unconfirmed = cli(*args)                      # no terminal, no --yes: the plan is shown, not applied
        assert "Planned changes:" in unconfirmed.err and "FixMe: ef 10 -> " in unconfirmed.err
        assert unconfirmed.json()["measurements"]["fix"]["applied"] is False and ef_now() == 10
        run = cli(*args, "--yes")
        document = run.json()
        jsonschema.validate(document, REPORT_SCHEMA)
        fix = document["measurements"]["fix"]
        assert fix["applied"] is True and fix["changes"][0]["before"] == 10
        assert fix["changes"][0]["after"] in (100, 400) and ef_now() == fix["changes"][0]["after"]
        assert fix["recall_after"]["FixMe"] > fix["recall_before"]["FixMe"]
        assert document["measurements"]["collections"]["FixMe"]["ef"] == fix["changes"][0]["after"]
    finally:
        live_client.collections.delete("FixMe")
