"""GET /v1/cluster/statistics (client.cluster.statistics()) and GET /v1/tasks for a single node: the node is the
sole voter and leader of its (one-member) cluster and is synchronized; no distributed task runs."""
from __future__ import annotations


def test_statistics_single_node_leader(client):
    stats = client.cluster.statistics()
    assert stats.synchronized is True
    assert len(stats.statistics) == 1
    node = stats.statistics[0]
    nodes = client.cluster.nodes()
    assert node.name == nodes[0].name
    assert node.status == "HEALTHY"
    assert node.ready and node.db_loaded and node.is_open and node.is_voter
    assert node.leader_id == node.name
    assert node.raft.state == "Leader"
    assert node.raft.num_peers == "0"
    assert [m.node_id for m in node.raft.latest_configuration] == [node.name]
    assert node.raft.latest_configuration[0].suffrage == 0          # Voter
    assert node.raft.applied_index == node.raft.commit_index


def test_statistics_raft_values_are_strings(rest):
    body = rest.get("/v1/cluster/statistics").json()
    raft = body["statistics"][0]["raft"]
    for key in ("appliedIndex", "commitIndex", "lastLogIndex", "numPeers", "term", "state", "protocolVersion"):
        assert isinstance(raft[key], str), key
    assert isinstance(body["statistics"][0]["initialLastAppliedIndex"], int)


def test_tasks_empty(rest):
    # weaviate-client 4.24 has no method for /v1/tasks; Weaviate answers a map namespace -> tasks
    response = rest.get("/v1/tasks")
    assert response.status_code == 200
    assert response.json() == {}
