"""`loomdb serve` configured as Weaviate's deployments configure Weaviate: the YAML config file, the environment of a
single-node compose file or Helm chart, the listen address for containers, and the disk guard."""
from __future__ import annotations

import socket
import time

import httpx
import pytest
import weaviate
from weaviate.classes.config import Configure
from weaviate.classes.query import MetadataQuery
from weaviate.exceptions import UnexpectedStatusCodeError

import loomdb
from loomdb.config_inventory import ONE_NODE, entry


def _refused(sp) -> str:
    code = sp.proc.wait(60)
    err = sp.proc.stderr.read()
    assert code != 0
    return err


def test_config_file_is_honoured(server_process, tmp_path):
    config = tmp_path / "weaviate.conf.yaml"
    config.write_text("authentication:\n  anonymous_access:\n    enabled: true\nquery_defaults:\n  limit: 3\n"
                      "persistence:\n  dataPath: /ignored/when/--data/is/given\ndebug: false\n")
    sp = server_process(tmp_path / "d", config_file=config)
    with sp.client() as c:
        col = c.collections.create("FromFile", vector_config=Configure.Vectors.self_provided())
        col.data.insert_many([{"i": i} for i in range(5)])
        assert len(col.query.fetch_objects().objects) == 3          # query_defaults.limit


def test_config_file_unknown_keys_refuse_to_start(server_process, tmp_path):
    config = tmp_path / "weaviate.conf.yaml"
    config.write_text("query_defaults:\n  limit: 3\nmodules_path: /modules\n")
    err = _refused(server_process(tmp_path / "d", config_file=config, wait=False))
    assert "modules_path: not supported by loomdb" in err
    assert not (tmp_path / "d" / "loomdb.lock").exists()


def test_a_setting_loomdb_lacks_refuses_to_start(server_process, tmp_path):
    err = _refused(server_process(tmp_path / "d", env={"GRPC_CERT_FILE": "/certs/tls.crt"}, wait=False))
    assert "refusing to start" in err and "GRPC_CERT_FILE=/certs/tls.crt: TLS on gRPC is not supported" in err


def test_weaviate_single_node_environment_and_async_indexing(server_process, tmp_path):
    env = {"RAFT_BOOTSTRAP_EXPECT": "1", "RAFT_JOIN": "node1", "CLUSTER_GOSSIP_BIND_PORT": "7100",
           "CLUSTER_DATA_BIND_PORT": "7101", "REPLICATION_MINIMUM_FACTOR": "1", "GOMEMLIMIT": "2GiB",
           "LIMIT_RESOURCES": "true", "PERSISTENCE_LSM_ACCESS_STRATEGY": "pread", "ENABLE_API_BASED_MODULES": "true",
           "ASYNC_INDEXING": "true", "LOG_LEVEL": "warning"}
    assert all(entry(name).kind == ONE_NODE for name in env if name not in ("ASYNC_INDEXING", "LOG_LEVEL"))
    sp = server_process(tmp_path / "d", env=env)
    with sp.client() as c:
        col = c.collections.create("Async", vector_config=Configure.Vectors.self_provided())
        col.data.insert({"a": "b"}, vector=[1.0, 0.0])
        # indexed before the write was acknowledged: searchable at once, the shard READY, no queue
        hits = col.query.near_vector([1.0, 0.0], limit=1, return_metadata=MetadataQuery(distance=True)).objects
        assert len(hits) == 1
        shard = col.config.get_shards()[0]
        assert (shard.status, shard.vector_queue_size) == ("READY", 0)


def _outbound_address() -> str | None:
    """This machine's address on its default route (no packet is sent), or None when it has only loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address = s.getsockname()[0]
    return None if address.startswith("127.") else address


def test_loomdb_host_sets_the_rest_and_grpc_listen_address(server_process, tmp_path):
    address = _outbound_address()
    if address is None:
        pytest.skip("no non-loopback address on this machine")
    sp = server_process(tmp_path / "d", env={"LOOMDB_HOST": "0.0.0.0"})
    assert httpx.get(f"http://{address}:{sp.port}/v1/.well-known/ready").status_code == 200
    with weaviate.connect_to_custom(http_host=address, http_port=sp.port, http_secure=False, grpc_host=address,
                                    grpc_port=sp.grpc_port, grpc_secure=False) as c:      # init checks: gRPC too
        assert c.is_ready()


def test_disk_guard_turns_shards_readonly_instead_of_dying(server_process, tmp_path):
    """DISK_USE_READONLY_PERCENTAGE=1 is passed on any real disk: the guard turns the shards READONLY."""
    sp = server_process(tmp_path / "d", env={"DISK_USE_READONLY_PERCENTAGE": "1"})
    with sp.client() as c:
        col = c.collections.create("Guarded", vector_config=Configure.Vectors.self_provided())
        deadline = time.monotonic() + 20
        while col.config.get_shards()[0].status != "READONLY":
            assert time.monotonic() < deadline, "the shard never turned READONLY"
            time.sleep(0.1)
        with pytest.raises(weaviate.exceptions.WeaviateInsertManyAllFailedError,
                           match="store is read-only due to: resource pressure"):
            col.data.insert_many([{"a": "b"}])
        with pytest.raises(UnexpectedStatusCodeError,
                           match="store is read-only due to: resource pressure"):
            col.data.insert({"a": "b"})
        assert col.query.fetch_objects().objects == []              # reads go on
        name = col.config.get_shards()[0].name
        assert col.config.update_shards("READY") == {name: "READY"}     # accepted (the guard takes it again)
        assert c.is_ready()
    code, _, err = sp.terminate()
    assert code == 0
    assert "Set READONLY, disk usage currently at" in err and "threshold set to 1.00%" in err


def test_dynamic_index_needs_async_indexing_as_in_weaviate(tmp_path):
    """Without ASYNC_INDEXING Weaviate refuses to create a dynamic index (class-level or a named vector); with it,
    loomdb creates one as before."""
    dynamic = Configure.Vectors.self_provided(name="d", vector_index_config=Configure.VectorIndex.dynamic())
    with loomdb.connect_embedded(tmp_path / "off") as c:
        with pytest.raises(UnexpectedStatusCodeError, match='target vector "d": the dynamic index can only be '
                                                           "created when async indexing is enabled") as caught:
            c.collections.create("Dyn", vector_config=dynamic)
        assert caught.value.status_code == 422
        col = c.collections.create("Dyn", vector_config=Configure.Vectors.self_provided(name="h"))
        with pytest.raises(UnexpectedStatusCodeError, match="the dynamic index can only be created"):
            col.config.add_vector(vector_config=dynamic)
        col.config.add_vector(vector_config=Configure.Vectors.self_provided(
            name="f", vector_index_config=Configure.VectorIndex.flat()))
    with loomdb.connect_embedded(tmp_path / "on", async_indexing=True) as c:
        c.collections.create("Dyn", vector_config=dynamic)
        assert c.collections.get("Dyn").config.get().vector_config["d"].vector_index_config.vector_index_type() \
            == "dynamic"
