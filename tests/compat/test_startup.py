"""Issue scope 3: the start-up surface the official client and tools read."""
import pytest
import weaviate

import loomdb


@pytest.mark.loomdb_only("own unauthenticated 127.0.0.1 connection, loomdb's meta")
def test_connect_with_default_init_checks_and_meta(server):
    # no skip_init_checks: OIDC discovery, /v1/meta, gRPC health all run as for a real Weaviate
    with weaviate.connect_to_local(host="127.0.0.1", port=server.rest_port, grpc_port=server.grpc_port) as c:
        assert c.is_ready() and c.is_live()
        meta = c.get_meta()
        assert meta["version"] == "1.36.9"
        assert meta["grpcMaxMessageSize"] == 104_858_000
        # loomdb enables its bundled modules by default (ENABLE_MODULES unset): test_near_text checks their meta
        assert "hostname" in meta and "text2vec-openai" in meta["modules"]


def test_well_known_endpoints(rest):
    assert rest.get("/v1/.well-known/ready").status_code == 200
    assert rest.get("/v1/.well-known/live").status_code == 200
    assert rest.get("/v1/.well-known/openid-configuration").status_code == 404


def test_nodes_report_counts_and_batch_stats(client, collection_factory):
    col = collection_factory()
    col.data.insert_many([{"a": i} for i in range(3)])
    nodes = client.cluster.nodes(output="verbose")
    assert nodes[0].status == "HEALTHY" and nodes[0].version == "1.36.9"
    shard = [s for s in nodes[0].shards if s.collection == col.name]
    assert len(shard) == 1 and shard[0].object_count == 3
    raw = client._connection.get("/nodes").json()["nodes"][0]
    assert raw["batchStats"]["queueLength"] == 0


@pytest.mark.loomdb_only("starts its own loomdb")
def test_embedded_client_close_stops_server_and_releases_directory(tmp_path):
    client = loomdb.connect_embedded(tmp_path / "d")
    server = client.loomdb_server
    assert client.is_ready()
    client.close()
    assert server._stopped
    # the directory lock was released: the same path opens again
    with loomdb.connect_embedded(tmp_path / "d") as again:
        assert again.is_live()
