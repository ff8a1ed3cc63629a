"""`loomdb advise`: the real CLI in a subprocess. Memory figures checked against Weaviate's formula computed here,
latency against the cached calibration constants, compression recall against an independent numpy computation
on a seeded sample, the snippets against a live loomdb, --json against the schema, usage errors exit 4."""
from __future__ import annotations

import jsonschema
import numpy as np
import pytest

from loomdb.toolkit.schema import REPORT_SCHEMA

GIB = 2**30


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LOOMDB_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _advise(cli, *args):
    run = cli("advise", *args, "--json")
    assert run.code in (0, 1), run.err
    document = run.json()
    jsonschema.validate(document, REPORT_SCHEMA)
    assert document["command"] == "advise"
    return document


def test_resources_match_weaviates_formula(cli):
    doc = _advise(cli, "resources", "--objects", "1000000", "--dims", "384", "--memory-gib", "1")
    n, d, m = 1_000_000, 384, 32
    formula = doc["measurements"]["resources"]["formula"]
    assert formula["formula_bytes"] == n * (d * 4 + m * 10)          # objects x (dims x 4 + M x 10)
    assert formula["rule_of_thumb_bytes"] == 2 * n * d * 4
    table = doc["measurements"]["resources"]["by_compression"]
    graph = n * m * 10
    assert table["none"]["memory_bytes"] == n * d * 4 + graph
    assert table["rq8"]["memory_bytes"] == n * (384 + 16) + graph     # dims padded to 64, +16 B
    assert table["rq1"]["memory_bytes"] == n * (384 // 8 + 8) + graph
    assert table["bq"]["memory_bytes"] == n * 48 + graph              # 1 bit per dim in 64-bit words
    assert table["sq"]["memory_bytes"] == n * 384 + 8 + graph
    assert table["pq"]["memory_bytes"] == n * 64 + 256 * d * 4 + graph   # 384 / 6 = 64 segments + codebook
    fit = next(f for f in doc["findings"] if f["check"] == "resources.fit")
    # 0.8 x 1 GiB holds every compressed form (<= 0.72 GB) but not the 1.86 GB of float32 vectors + graph
    assert fit["data"]["fits"] == ["pq", "sq", "bq", "rq8", "rq1"]
    assert fit["severity"] == "MEDIUM" and doc["exit_code"] == 1


def test_hnsw_advice_and_latency_from_measured_constants(cli, cache_dir):
    doc = _advise(cli, "hnsw", "--objects", "200000", "--dims", "128", "--filters", "0.01", "--qps", "100")
    measured = doc["measurements"]
    assert measured["parameters"] == {"ef": 64, "efConstruction": 128, "maxConnections": 32}
    calibration = measured["calibration"]
    assert calibration["cached"] is False and (cache_dir / "calibration.json").exists()
    latency = measured["latency"]
    evaluations = 64 * 2 * 32
    assert latency["distance_evaluations"] == evaluations
    assert latency["hnsw_ms"] == pytest.approx(1000 * evaluations * 128 / calibration["gather_components_per_s"],
                                               rel=1e-3, abs=1e-4)
    assert latency["flat_ms"] == pytest.approx(1000 * 200_000 * 128 / calibration["scan_components_per_s"],
                                               rel=1e-3, abs=1e-4)
    assert latency["filtered_evaluations"] == 2000 and latency["filtered_path"].startswith("flat")
    assert measured["qps"]["cores_for_vector_work"] == pytest.approx(100 * latency["filtered_ms"] / 1000, rel=1e-3,
                                                                     abs=1e-4)
    snippet = measured["snippet"]["class_json"]["vectorConfig"]["default"]["vectorIndexConfig"]
    assert (snippet["ef"], snippet["efConstruction"], snippet["maxConnections"]) == (64, 128, 32)
    again = _advise(cli, "hnsw", "--objects", "200000", "--dims", "128", "--recall-target", "0.99")
    assert again["measurements"]["calibration"]["cached"] is True
    assert again["measurements"]["parameters"]["maxConnections"] == 48
    fresh = _advise(cli, "hnsw", "--objects", "5000", "--dims", "128", "--recalibrate")
    assert fresh["measurements"]["calibration"]["cached"] is False
    assert any(f["check"] == "hnsw.index_type" for f in fresh["findings"])   # 5000 objects: flat is enough


def _sample(path):
    rng = np.random.default_rng(7)
    centres = rng.standard_normal((20, 64)) * 2
    data = centres[rng.integers(0, 20, 1050)] + rng.standard_normal((1050, 64))
    np.save(path, data.astype(np.float32))
    return data.astype(np.float32)


def _independent_recall(data, k=10, queries=50):
    """BQ (sign bits, hamming) and SQ (256 buckets over the base's range) recall@k, cosine, no rescoring."""
    unit = data / np.linalg.norm(data, axis=1, keepdims=True)
    base, probes = unit[:-queries], unit[-queries:]
    low, high = base.min(), base.max()
    step = (high - low) / 255
    sq = np.round((base - low) / step) * step + low
    out = {"bq": [], "sq": []}
    for q in probes:
        truth = set(np.argsort(-(base @ q))[:k].tolist())
        hamming = ((base > 0) != (q > 0)).sum(axis=1)
        out["bq"].append(len(truth & set(np.argsort(hamming, kind="stable")[:k].tolist())) / k)
        out["sq"].append(len(truth & set(np.argsort(-(sq @ q), kind="stable")[:k].tolist())) / k)
    return {kind: float(np.mean(values)) for kind, values in out.items()}


def test_compression_recall_on_a_seeded_sample(cli, tmp_path):
    path = tmp_path / "sample.npy"
    data = _sample(path)
    doc = _advise(cli, "compression", "--objects", "1000000", "--vectors", str(path), "--queries", "50",
                  "--rescore", "50")
    recall = doc["measurements"]["compression"]["recall"]
    assert recall["base"] == 1000 and recall["queries"] == 50
    for kind in ("pq", "sq", "bq", "rq8", "rq1"):
        raw, rescored = recall[kind]["recall"]["mean"], recall[kind]["recall_rescored"]["mean"]
        assert 0.0 <= raw <= rescored <= 1.0, kind
    expected = _independent_recall(data)
    assert recall["bq"]["recall"]["mean"] == pytest.approx(expected["bq"], abs=1e-4)
    assert recall["sq"]["recall"]["mean"] == pytest.approx(expected["sq"], abs=1e-4)
    assert recall["bq"]["recall"]["mean"] <= recall["sq"]["recall"]["mean"]
    assert recall["rq1"]["recall"]["mean"] <= recall["rq8"]["recall"]["mean"]
    chosen = doc["measurements"]["recommended"]
    assert chosen in ("pq", "sq", "bq", "rq8", "rq1", "none")
    assert doc["measurements"]["snippet"]["class_json"]["class"] == "MyCollection"


def test_compression_samples_a_live_collection_and_the_snippets_work(cli, live, live_client):
    from weaviate.classes.config import Configure

    live_client.collections.create("Planned", vector_config=Configure.Vectors.self_provided())
    rng = np.random.default_rng(3)
    with live_client.collections.use("Planned").batch.fixed_size(200) as batch:
        for vector in rng.standard_normal((200, 16)):
            batch.add_object(properties={}, vector=vector.tolist())
    url = f"http://127.0.0.1:{live.rest_port}?grpc_port={live.grpc_port}"
    doc = _advise(cli, "compression", url, "--collection", "Planned", "--objects", "1000", "--queries", "20",
                  "--name", "FromSnippet")
    assert doc["measurements"]["compression"]["recall"]["base"] == 180
    snippet = doc["measurements"]["snippet"]
    exec(snippet["python"], {"client": live_client})                 # the v4 code runs as printed
    created = live_client.collections.use("FromSnippet").config.get()
    assert created.vector_config["default"].vector_index_config.max_connections == 32
    body = {**snippet["class_json"], "class": "FromJson"}
    reply = live_client._connection.post(path="/schema", weaviate_object=body)   # the class JSON is accepted
    assert reply.status_code == 200, reply.text


def test_embedding_table_cites_every_figure(cli):
    doc = _advise(cli, "embedding", "--objects", "1000000")
    models = doc["measurements"]["embedding"]["models"]
    assert all(m["source"] for m in models)
    offline = [m for m in models if m["offline"]]
    assert offline and all(m["scifact_ndcg10"] is not None for m in offline)
    assert all(m["memory_bytes"] == 1_000_000 * (m["dims"] * 4 + 32 * 10) for m in models)
    assert doc["measurements"]["embedding"]["recommended"] in {m["name"] for m in offline}
    hosted = [m for m in models if not m["offline"]]
    assert hosted and all(m["sent_per_s_1t"] is None for m in hosted)   # not measured: not guessed


@pytest.mark.parametrize("args", [
    ("hnsw", "--dims", "8"),                                   # --objects missing
    ("hnsw", "--objects", "0", "--dims", "8"),
    ("hnsw", "--objects", "10"),                               # --dims missing
    ("nosuch",),
    (),                                                        # no subcommand
    ("compression", "--objects", "10", "http://127.0.0.1:1"),  # URL without --collection
    ("resources", "--objects", "10", "--dims", "8", "--distance", "bogus"),
])
def test_usage_errors_exit_4(cli, args):
    run = cli("advise", *args)
    assert run.code == 4, (run.code, run.out, run.err)


def test_bad_vector_file_is_a_usage_error(cli, tmp_path):
    path = tmp_path / "flat.npy"
    np.save(path, np.zeros(10, dtype=np.float32))
    run = cli("advise", "compression", "--objects", "10", "--vectors", str(path))
    assert run.code == 4 and "2-d" in run.err
    np.save(path, np.zeros((30, 4), dtype=np.float32))
    run = cli("advise", "compression", "--objects", "10", "--vectors", str(path), "--queries", "25")
    assert run.code == 4 and "need more than" in run.err


def test_hnsw_tiers_measured_on_a_sample_choose_the_cheapest_reaching_the_target(cli, cache_dir, tmp_path):
    import faiss

    from loomdb.toolkit.advise.hnsw import TIERS

    rng = np.random.default_rng(3)
    sample = rng.normal(size=(1000, 32)).astype(np.float32)
    path = tmp_path / "sample.npy"
    np.save(path, sample)
    doc = _advise(cli, "hnsw", "--objects", "100000", "--vectors", str(path), "--queries", "40",
                  "--recall-target", "0.999")
    tiers = doc["measurements"]["tiers"]
    assert tiers["sample"] == 1000 and tiers["queries"] == 40
    measured = tiers["measured"]
    assert [(t["ef"], t["efConstruction"], t["maxConnections"]) for t in measured] == [t[1:] for t in TIERS]
    chosen = next(t for t in measured if t["recall"]["mean"] >= 0.999)
    assert all(t["recall"]["mean"] < 0.999 for t in measured[:measured.index(chosen)])
    assert doc["measurements"]["parameters"] == {"ef": chosen["ef"], "efConstruction": chosen["efConstruction"],
                                                 "maxConnections": chosen["maxConnections"]}
    # independent: an exact cosine top-k here, and a graph of the first tier's shape built here
    unit = sample / np.linalg.norm(sample, axis=1, keepdims=True)
    base, probes = unit[:-40], unit[-40:]
    first = measured[0]
    index = faiss.IndexHNSWFlat(32, first["maxConnections"], faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = first["efConstruction"]
    index.add(base)
    index.hnsw.efSearch = first["ef"]
    found = index.search(probes, 10)[1]
    exact = np.argsort(-(probes @ base.T), axis=1)[:, :10]
    recall = np.mean([len(set(f) & set(e)) / 10 for f, e in zip(found, exact, strict=True)])
    assert abs(recall - first["recall"]["mean"]) <= 0.03
    assert next(f for f in doc["findings"] if f["check"] == "hnsw.measured_recall")


def test_hnsw_sample_with_an_unmeasurable_metric_is_a_usage_error(cli, tmp_path):
    path = tmp_path / "sample.npy"
    np.save(path, np.ones((100, 4), np.float32))
    run = cli("advise", "hnsw", "--objects", "1000", "--vectors", str(path), "--distance", "manhattan")
    assert run.code == 4 and "manhattan" in run.err
