"""`loomdb doctor` through the real CLI: exit codes, the --json schema, the gRPC and READONLY findings."""
from __future__ import annotations

import jsonschema
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.data import DataObject

from loomdb.toolkit.schema import REPORT_SCHEMA


def _checks(document: dict) -> dict[str, dict]:
    return {f["check"]: f for f in document["findings"]}


def test_healthy_server_exit_0_and_valid_json(cli, server_process, tmp_path):
    sp = server_process(tmp_path / "d")
    with sp.client() as c:
        col = c.collections.create("Healthy", properties=[Property(name="body", data_type=DataType.TEXT)],
                                   vector_config=Configure.Vectors.self_provided())
        for i in range(3):
            col.data.insert({"body": f"hello world number {i}"}, vector=[1.0, float(i), 0.5])
    run = cli("doctor", f"http://127.0.0.1:{sp.port}", "--grpc-port", str(sp.grpc_port), "--json")
    assert run.code == 0, run.out + run.err
    document = run.json()
    jsonschema.validate(document, REPORT_SCHEMA)
    assert document["exit_code"] == 0 and document["worst_severity"] == "INFO"
    measured = document["measurements"]
    assert measured["grpc_status"] == "serving" and measured["server_version"]
    smoke = measured["smoke_ms"]["Healthy"]
    assert {"fetch_ms", "near_vector_ms", "bm25_ms"} <= set(smoke)
    assert all(isinstance(v, float) and v > 0 for v in smoke.values())
    assert document["duration_s"] < 10


def test_wrong_grpc_port_is_named_and_exits_3(cli, live, unused_port):
    nothing = unused_port
    run = cli("doctor", f"http://127.0.0.1:{live.rest_port}?grpc_port={nothing}", "--json")
    assert run.code == 3
    finding = _checks(run.json())["grpc.reachable"]
    assert finding["severity"] == "CRITICAL" and finding["data"] == {"grpc_port": nothing, "status": "refused"}
    assert f"nothing listens on gRPC port {nothing}" in finding["title"]
    assert "REST http://127.0.0.1" in finding["evidence"] and "answers" in finding["evidence"]


def test_grpc_port_pointing_at_http1_is_explained(cli, live):
    """The REST port given as the gRPC port stands for any HTTP/1.1-only proxy in front of gRPC."""
    run = cli("doctor", f"http://127.0.0.1:{live.rest_port}", "--grpc-port", str(live.rest_port), "--json")
    assert run.code == 3
    finding = _checks(run.json())["grpc.reachable"]
    assert finding["data"]["status"] == "http1"
    assert "HTTP/2" in finding["action"]


def test_readonly_shard_found_with_reason(cli, live_client, url):
    col = live_client.collections.create("Frozen", vector_config=Configure.Vectors.self_provided())
    col.data.insert({"a": "b"}, vector=[1.0, 2.0])
    live_client.collections.create("Writable", vector_config=Configure.Vectors.self_provided())
    col.config.update_shards("READONLY")
    try:
        run = cli("doctor", url, "--json")
        assert run.code == 2, run.out
        finding = _checks(run.json())["shards.readonly"]
        assert finding["severity"] == "HIGH" and finding["collection"] == "Frozen"
        assert "set by an operator" in finding["evidence"]          # only some shards: not the disk guard rail
        assert "update_shards" in finding["action"]
    finally:
        live_client.collections.delete(["Frozen", "Writable"])


def test_unreachable_url_exits_3(cli, unused_port):
    run = cli("doctor", f"http://127.0.0.1:{unused_port}", "--json")
    assert run.code == 3
    document = run.json()
    assert document["unreachable"] is True and _checks(document)["rest.reachable"]["severity"] == "CRITICAL"


def test_usage_errors_exit_4(cli):
    assert cli("doctor", "--no-such-option").code == 4
    assert cli("doctor", "ftp://example.com").code == 4
    assert cli("doctor", "http://127.0.0.1:1?grpcport=5").code == 4
    assert cli("doctor", "--header", "no-equals-sign").code == 4
    assert cli("audit", "--ef-sweep", "a,b").code == 4
    bad = cli("doctor", "--symptom", "nausea")
    assert bad.code == 4 and "nausea" in bad.err and bad.out == ""


def test_human_output_without_terminal_is_plain(cli, url):
    run = cli("doctor", url)
    assert run.code in (0, 1)
    assert "\x1b[" not in run.out and "┃" not in run.out and "━" not in run.out
    assert run.out.startswith("loomdb doctor: http://127.0.0.1") and "(exit " in run.out


def test_symptoms_add_their_checks(cli, live_client, url):
    col = live_client.collections.create("Sized", vector_config=Configure.Vectors.self_provided())
    try:
        col.data.insert_many([DataObject(properties={"i": i}, vector=[float(i)] * 8) for i in range(1, 51)])
        m = col.config.get().vector_config["default"].vector_index_config.max_connections
        run = cli("doctor", url, "--json", "--symptom", "memory", "--symptom", "import", "--symptom", "connection",
                  "--symptom", "slow-queries")
        document = run.json()
        jsonschema.validate(document, REPORT_SCHEMA)
        found = _checks(document)
        sized = found["memory.estimate"]["data"]["by_collection"]["Sized"]
        assert (sized["objects"], sized["dims"]) == (50, 8)
        assert sized["formula_bytes"] == 50 * (8 * 4 + m * 10)
        assert found["import.batch"]["severity"] == "INFO"
        measured = document["measurements"]
        assert measured["rest_round_trip_p50_ms"] > 0 and measured["grpc_round_trip_p50_ms"] > 0
        assert measured["smoke_ms"]["Sized"]["near_vector_ms"] > 0
    finally:
        live_client.collections.delete("Sized")
