"""The inventory of Weaviate's environment variables: what refuses a start, what is accepted, the README table."""
from __future__ import annotations

from pathlib import Path

import pytest

from loomdb import config_inventory as inv
from loomdb.config import Settings, not_honoured

# the environment of Weaviate's own docker-compose example and a Helm chart's single node: must start
WEAVIATE_COMPOSE = {
    "QUERY_DEFAULTS_LIMIT": "25", "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED": "true",
    "PERSISTENCE_DATA_PATH": "/var/lib/weaviate", "ENABLE_API_BASED_MODULES": "true", "CLUSTER_HOSTNAME": "node1",
    "DEFAULT_VECTORIZER_MODULE": "none", "ENABLE_MODULES": "", "ASYNC_INDEXING": "true",
    "RAFT_BOOTSTRAP_EXPECT": "1", "RAFT_JOIN": "weaviate-0", "CLUSTER_GOSSIP_BIND_PORT": "7000",
    "CLUSTER_DATA_BIND_PORT": "7001", "REPLICATION_MINIMUM_FACTOR": "1", "PERSISTENCE_LSM_ACCESS_STRATEGY": "pread",
    "GOMEMLIMIT": "6GiB", "LIMIT_RESOURCES": "true", "LOG_LEVEL": "debug", "TRACK_VECTOR_DIMENSIONS": "true",
    "DISABLE_TELEMETRY": "true", "QUERY_MAXIMUM_RESULTS": "10000", "QUERY_HYBRID_MAXIMUM_RESULTS": "100",
    "MODULES_CLIENT_TIMEOUT": "50s", "DISABLE_GRAPHQL": "false", "DEFAULT_QUANTIZATION": "none",
}


def test_nothing_set_refuses_nothing():
    assert not_honoured({}) == []
    assert Settings.from_env({}).not_honoured == ()


def test_a_weaviate_single_node_environment_starts():
    assert not_honoured(WEAVIATE_COMPOSE) == []
    settings = Settings.from_env(WEAVIATE_COMPOSE)
    assert settings.async_indexing and settings.log_level == "DEBUG" and settings.query_defaults_limit == 25


@pytest.mark.parametrize("name, value, says", [
    ("GRPC_CERT_FILE", "/certs/tls.crt", "GRPC_CERT_FILE=/certs/tls.crt: TLS on gRPC is not supported by loomdb"),
    ("DISABLE_GRAPHQL", "true", "DISABLE_GRAPHQL=true: turning GraphQL off is not supported by loomdb"),
    ("QUERY_HYBRID_MAXIMUM_RESULTS", "500", "another hybrid candidate pool size is not supported"),
    ("DEFAULT_VECTOR_DISTANCE_METRIC", "dot", "another default distance is not supported by loomdb"),
    ("CORS_ALLOW_ORIGIN", "https://app.example", "CORS headers is not supported by loomdb"),
])
def test_a_setting_asking_for_what_loomdb_lacks_is_refused(name, value, says):
    problems = not_honoured({name: value})
    assert len(problems) == 1 and says in problems[0]


def test_refused_switches_and_defaults_pass_when_they_ask_for_nothing():
    assert not_honoured({"DISABLE_GRAPHQL": "false", "DEFAULT_VECTOR_DISTANCE_METRIC": "COSINE",
                         "QUERY_CROSS_REFERENCE_DEPTH_LIMIT": "5", "GRPC_CERT_FILE": ""}) == []


def test_families_and_exact_rows():
    assert inv.entry("RAFT_SNAPSHOT_THRESHOLD").kind == inv.ONE_NODE
    assert inv.entry("CLUSTER_GOSSIP_BIND_PORT").kind == inv.ONE_NODE
    assert inv.entry("CLUSTER_HOSTNAME").kind == inv.HONOURED            # its own row wins over CLUSTER_*
    assert inv.entry("PROMETHEUS_MONITORING_PORT").kind == inv.HONOURED  # over PROMETHEUS_*
    assert inv.entry("PROMETHEUS_MONITOR_CRITICAL_BUCKETS_ONLY").kind == inv.ONE_NODE
    assert inv.entry("PERSISTENCE_DATA_PATH").kind == inv.HONOURED       # over PERSISTENCE_*
    assert inv.entry("PERSISTENCE_HNSW_MAX_LOG_SIZE").kind == inv.ONE_NODE
    assert inv.entry("OPENAI_APIKEY").kind == inv.HONOURED
    assert inv.entry("ASYNC_INDEXING_BATCH_SIZE").kind == inv.ONE_NODE
    assert inv.entry("SOMETHING_ELSE") is None


def test_names_are_listed_once():
    names = [row.name for row in inv.INVENTORY]
    assert len(names) == len(set(names))


def test_the_readme_table_has_one_line_per_row():
    table = inv.markdown_table().splitlines()
    assert table[0] == "| Variable | loomdb | Notes |" and len(table) == len(inv.INVENTORY) + 2
    assert "| `DISABLE_GRAPHQL` | refused when on |" in inv.markdown_table()
    assert "| `QUERY_HYBRID_MAXIMUM_RESULTS` | refused unless `100` |" in inv.markdown_table()
    assert "| `RAFT_*` | accepted, no effect on one node |" in inv.markdown_table()


def test_resource_thresholds_default_to_weaviates():
    limits = Settings.from_env({}).resource_limits
    assert (limits.disk_warning, limits.disk_readonly, limits.memory_warning, limits.memory_readonly) == \
        (80, 90, 80, 0)
    limits = Settings.from_env({"DISK_USE_READONLY_PERCENTAGE": "1", "MEMORY_READONLY_PERCENTAGE": "95"}
                               ).resource_limits
    assert limits.disk_readonly == 1 and limits.memory_readonly == 95


def test_bad_values_stop_with_a_message():
    with pytest.raises(SystemExit, match="LOG_LEVEL='loud' is not one of"):
        Settings.from_env({"LOG_LEVEL": "loud"})
    with pytest.raises(SystemExit, match="DISK_USE_READONLY_PERCENTAGE=-1 must be a percentage"):
        Settings.from_env({"DISK_USE_READONLY_PERCENTAGE": "-1"})


def test_the_readme_lists_every_variable_as_the_inventory_says():
    """The README's full list is the generated table verbatim (regenerate: python -m loomdb.config_inventory)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert inv.markdown_table() in readme
