"""GET /v1/nodes as Weaviate's LocalNodeStatus answers it, through `client.cluster.nodes`: minimal output (the
default) names the node only; verbose adds real per-shard figures (object counts, READY/READONLY, queue length,
compression) and the node's totals; the node is named CLUSTER_HOSTNAME."""
from __future__ import annotations

import re
import socket

import pytest
import weaviate
from weaviate.classes.config import Configure
from weaviate.classes.query import MetadataQuery
from weaviate.classes.tenants import Tenant

import loomdb
from loomdb.config import Settings
from loomdb.server.build_info import git_hash_from


def test_minimal_output_has_no_shards_or_stats(client, rest, collection_factory):
    collection_factory().data.insert_many([{"a": 1}])
    node = client.cluster.nodes()[0]            # output="minimal" is the default
    assert node.shards is None and node.stats is None
    raw = rest.get("/v1/nodes").json()["nodes"][0]
    assert "shards" not in raw and "stats" not in raw
    assert raw["status"] == "HEALTHY" and raw["version"] == "1.36.9"
    assert raw["batchStats"]["queueLength"] == 0 and raw["operationalMode"] == "ReadWrite"


def test_verbose_output_reports_real_figures(client, collection_factory):
    col = collection_factory(vector_config=Configure.Vectors.self_provided(),
                             sharding_config=Configure.sharding(desired_count=2))
    col.data.insert_many([{"i": i} for i in range(40)])
    node = client.cluster.nodes(collection=col.name, output="verbose")[0]
    assert sorted(s.name for s in node.shards) == sorted(s.name for s in col.config.get_shards())
    assert sum(s.object_count for s in node.shards) == 40 and all(s.object_count > 0 for s in node.shards)
    assert node.stats.object_count == 40 and node.stats.shard_count == 2
    for shard in node.shards:
        assert shard.collection == col.name and shard.node == node.name
        assert shard.vector_indexing_status == "READY" and shard.vector_queue_length == 0
        assert shard.compressed is False and shard.loaded is True


def test_readonly_shard_is_reported(client, collection_factory):
    col = collection_factory(vector_config=Configure.Vectors.self_provided())
    col.data.insert({"a": 1})
    col.config.update_shards("READONLY")
    try:
        shard = client.cluster.nodes(collection=col.name, output="verbose")[0].shards[0]
        assert shard.vector_indexing_status == "READONLY" and shard.object_count == 1
    finally:
        col.config.update_shards("READY")
    assert client.cluster.nodes(collection=col.name, output="verbose")[0].shards[0].vector_indexing_status == "READY"


def test_tenant_shards_counted_while_not_loaded(client, rest, collection_factory):
    col = collection_factory(vector_config=Configure.Vectors.self_provided(),
                             multi_tenancy_config=Configure.multi_tenancy(enabled=True))
    col.tenants.create([Tenant(name="t1"), Tenant(name="t2")])
    col.with_tenant("t1").data.insert_many([{"a": i} for i in range(3)])
    node = client.cluster.nodes(collection=col.name, output="verbose")[0]
    assert {s.name: s.object_count for s in node.shards} == {"t1": 3, "t2": 0}
    assert node.stats.shard_count == 2 and node.stats.object_count == 3


def test_git_hash_comes_from_the_build_or_says_unknown(client):
    assert re.fullmatch(r"[0-9a-f]{7,40}|unknown", client.cluster.nodes()[0].git_hash)     # Weaviate: short hash
    vcs = '{"url": "https://example.org/loomdb.git", "vcs_info": {"vcs": "git", "commit_id": "0eb3e56aa1"}}'
    assert git_hash_from(lambda: vcs) == "0eb3e56"
    assert git_hash_from(lambda: '{"url": "file:///src", "dir_info": {"editable": true}}') == "unknown"
    assert git_hash_from(lambda: None) == "unknown"


def test_node_name_is_cluster_hostname_defaulting_to_the_host_name():
    assert Settings.from_env({"CLUSTER_HOSTNAME": "weaviate-0"}).cluster_hostname == "weaviate-0"
    assert Settings.from_env({}).cluster_hostname == socket.gethostname()       # as Weaviate: os.Hostname()


@pytest.mark.loomdb_only("starts its own loomdb")
def test_cluster_hostname_names_the_node_everywhere(tmp_path):
    srv = loomdb.start_embedded(tmp_path, cluster_hostname="loom-node-7")
    try:
        with weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                       skip_init_checks=True) as c:
            col = c.collections.create("Named", vector_config=Configure.Vectors.self_provided())
            col.data.insert({"a": 1}, vector=[1.0, 0.0])
            assert [n.name for n in c.cluster.nodes()] == ["loom-node-7"]
            assert c.cluster.nodes(output="verbose")[0].shards[0].node == "loom-node-7"
            assert c.cluster.statistics().statistics[0].name == "loom-node-7"
            profiled = col.query.near_vector([1.0, 0.0], return_metadata=MetadataQuery(query_profile=True))
            assert [shard.node for shard in profiled.query_profile.shards] == ["loom-node-7"]
    finally:
        srv.stop()
