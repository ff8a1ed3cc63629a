"""Prometheus metrics (PROMETHEUS_MONITORING_ENABLED): /metrics on its own port, scraped from a loomdb started by
the test and parsed with prometheus_client's own text parser; Weaviate's names, types and labels, and values that
follow what the official client does."""
from __future__ import annotations

from collections.abc import Iterator

import grpc
import httpx
import numpy as np
import pytest
import weaviate
from prometheus_client.parser import text_string_to_metric_families
from weaviate.classes.config import Configure
from weaviate.classes.init import Auth
from weaviate.classes.query import Filter
from weaviate.proto.v1 import search_get_pb2, weaviate_pb2_grpc

import loomdb
from loomdb.config import AuthSettings

pytestmark = pytest.mark.loomdb_only("starts its own loomdb with metrics on")

DIM = 4


class Scrape:
    """One /metrics answer: families by name, and sample values by (sample name, labels)."""

    def __init__(self, text: str) -> None:
        self.families = {f.name: f for f in text_string_to_metric_families(text)}

    def value(self, sample: str, **labels: str) -> float:
        """The sum over the samples called `sample` whose labels include `labels` (0 when none)."""
        return sum(s.value for f in self.families.values() for s in f.samples
                   if s.name == sample and labels.items() <= s.labels.items())

    def labels_of(self, family: str) -> set[str]:
        return {key for s in self.families[family].samples for key in s.labels if key != "le"}


@pytest.fixture(scope="module")
def metrics_server(tmp_path_factory) -> Iterator[loomdb.embedded.LoomServer]:
    srv = loomdb.start_embedded(tmp_path_factory.mktemp("metrics"), metrics_enabled=True, metrics_port=0)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(metrics_server) -> Iterator[weaviate.WeaviateClient]:
    c = weaviate.connect_to_local(host="127.0.0.1", port=metrics_server.rest_port,
                                  grpc_port=metrics_server.grpc_port, skip_init_checks=True)
    yield c
    c.close()


@pytest.fixture
def scrape(metrics_server):
    def get() -> Scrape:
        response = httpx.get(f"http://127.0.0.1:{metrics_server.metrics_port}/metrics", timeout=10)
        assert response.status_code == 200
        return Scrape(response.text)
    return get


def _collection(client, name: str, **kwargs):
    client.collections.delete(name)
    return client.collections.create(name, vector_config=Configure.Vectors.self_provided(**kwargs))


def test_metrics_listen_on_their_own_port_only_when_enabled(metrics_server, tmp_path):
    assert metrics_server.metrics_port not in (0, metrics_server.rest_port, metrics_server.grpc_port)
    assert httpx.get(f"http://127.0.0.1:{metrics_server.rest_port}/metrics").status_code == 404
    plain = loomdb.start_embedded(tmp_path)
    try:
        assert plain.metrics is None and plain.metrics_port == 0
    finally:
        plain.stop()


def test_weaviate_names_types_and_labels(client, scrape):
    col = _collection(client, "Shapes")
    col.data.insert({"a": 1}, vector=[1.0, 0.0, 0.0, 0.0])                 # REST
    col.data.insert_many([{"a": 2}])                                        # gRPC BatchObjects
    col.query.near_vector([1.0, 0.0, 0.0, 0.0], limit=1)
    col.query.bm25("x")
    got = scrape()
    families = got.families
    expected = {
        "requests_total": ("gauge", {"status", "class_name", "api", "query_type"}),
        "queries_durations_ms": ("histogram", {"class_name", "query_type"}),
        "batch_durations_ms": ("histogram", {"operation", "class_name", "shard_name"}),
        "object_count": ("gauge", {"class_name", "shard_name"}),
        "vector_index_size": ("gauge", {"class_name", "shard_name"}),
        "vector_index_tombstones": ("gauge", {"class_name", "shard_name"}),
        "vector_index_operations": ("gauge", {"operation", "class_name", "shard_name"}),
        "vector_dimensions_sum": ("gauge", {"class_name", "shard_name"}),
        "weaviate_index_shards_total": ("gauge", {"status"}),
        "weaviate_grpc_server_request_duration_seconds": ("histogram", {"grpc_service", "method", "status"}),
        "weaviate_http_request_duration_seconds": ("histogram", {"method", "route", "status_code"}),
    }
    for name, (kind, labels) in expected.items():
        assert families[name].type == kind, name
        assert got.labels_of(name) == labels, name
    assert {"process_resident_memory_bytes", "process_cpu_seconds", "python_gc_objects_collected"} <= set(families)
    # Weaviate's millisecond buckets for queries/batches, and the fine request-latency buckets from 100 µs
    query_bounds = {s.labels["le"] for s in families["queries_durations_ms"].samples if "le" in s.labels}
    assert {"10.0", "50.0", "300000.0", "+Inf"} <= query_bounds
    grpc_bounds = sorted({float(s.labels["le"]) for s in families["weaviate_grpc_server_request_duration_seconds"]
                         .samples if "le" in s.labels and s.labels["le"] != "+Inf"})
    assert grpc_bounds[:5] == [0.0001, 0.00025, 0.0005, 0.001, 0.0025] and grpc_bounds[-1] == 100
    assert {s.labels["status"] for s in families["weaviate_index_shards_total"].samples} == {
        "READONLY", "INDEXING", "LOADING", "READY", "SHUTDOWN"}


def test_engine_figures_follow_inserts_and_deletes(client, scrape):
    col = _collection(client, "Counted", vector_index_config=Configure.VectorIndex.hnsw())
    n = 30
    rng = np.random.default_rng(1)
    with col.batch.fixed_size(10) as batch:
        for i in range(n):
            batch.add_object({"i": i}, vector=rng.standard_normal(DIM).tolist())
    assert not col.batch.failed_objects
    shard = client.cluster.nodes(collection="Counted", output="verbose")[0].shards[0].name
    labels = {"class_name": "Counted", "shard_name": shard}
    first = scrape()
    assert first.value("object_count", **labels) == n
    assert first.value("vector_dimensions_sum", **labels) == n * DIM
    assert first.value("vector_index_size", **labels) == n
    assert first.value("vector_index_operations", operation="create", **labels) == n
    assert first.value("vector_index_tombstones", **labels) == 0
    assert first.value("batch_durations_ms_count", operation="total_api_level_grpc") >= 3
    col.data.delete_many(where=Filter.by_property("i").less_than(5))
    after = scrape()
    assert after.value("object_count", **labels) == n - 5
    assert after.value("vector_dimensions_sum", **labels) == (n - 5) * DIM
    assert after.value("vector_index_operations", operation="delete", **labels) == 5
    # the deleted entries stay in the graph as tombstones until a cleanup cycle rebuilds it without them
    tombstones = after.value("vector_index_tombstones", **labels)
    assert tombstones in (0, 5) and after.value("vector_index_size", **labels) - tombstones == n - 5


def test_queries_grow_the_histograms_and_request_counts(client, scrape):
    col = _collection(client, "Queried")
    col.data.insert_many([{"i": i} for i in range(3)])
    before = scrape()
    for _ in range(7):
        col.query.fetch_objects(limit=2)
    col.aggregate.over_all(total_count=True)
    after = scrape()

    def grew(sample: str, **labels: str) -> float:
        return after.value(sample, **labels) - before.value(sample, **labels)

    assert grew("queries_durations_ms_count", class_name="Queried", query_type="get_graphql") == 7
    assert grew("queries_durations_ms_count", class_name="Queried", query_type="aggregate") == 1
    assert grew("weaviate_grpc_server_request_duration_seconds_count", grpc_service="weaviate.v1.Weaviate",
                method="Search", status="OK") == 7
    assert grew("requests_total", status="ok", class_name="Queried", api="grpc", query_type="Search") == 7
    # a query of a collection that does not exist: the client's error, counted as a user error
    with pytest.raises(Exception):  # noqa: B017, PT011
        client.collections.get("NoSuchCollection").query.fetch_objects()
    failed = scrape()
    assert failed.value("requests_total", status="user_error", api="grpc", query_type="Search") >= 1
    assert failed.value("weaviate_grpc_server_request_duration_seconds_count", method="Search",
                        status="OK") == after.value("weaviate_grpc_server_request_duration_seconds_count",
                                                    method="Search", status="OK")


def test_rest_requests_are_timed_by_route_and_counted(client, scrape):
    before = scrape()
    _collection(client, "Restful")
    client.collections.get("Restful").config.get()
    assert client.collections.exists("Restful")
    after = scrape()
    timed = "weaviate_http_request_duration_seconds_count"
    assert after.value(timed, method="GET", route="/v1/schema/{collection}", status_code="200") > \
        before.value(timed, method="GET", route="/v1/schema/{collection}", status_code="200")
    assert after.value("requests_total", status="ok", class_name="Restful", api="rest", query_type="schema") > \
        before.value("requests_total", status="ok", class_name="Restful", api="rest", query_type="schema")


def test_group_classes_collapses_class_labels(tmp_path):
    srv = loomdb.start_embedded(tmp_path, metrics_enabled=True, metrics_port=0, metrics_group_classes=True)
    try:
        with weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                       skip_init_checks=True) as c:
            col = _collection(c, "Grouped")
            col.data.insert({"a": 1}, vector=[1.0, 2.0, 3.0, 4.0])
            col.query.fetch_objects()
            _collection(c, "GroupedToo").data.insert_many([{"a": 2}, {"a": 3}])
        text = httpx.get(f"http://127.0.0.1:{srv.metrics_port}/metrics").text
        scraped = Scrape(text)              # the parser refuses a label set given twice
        assert "Grouped" not in text
        assert scraped.value("object_count", class_name="n/a", shard_name="n/a") == 3      # summed over shards
        assert scraped.value("queries_durations_ms_count", class_name="n/a", query_type="get_graphql") == 1
    finally:
        srv.stop()


def test_streamed_batches_pass_the_interceptor(client, scrape):
    col = _collection(client, "Streamed")
    with col.batch.stream() as batch:
        for i in range(50):
            batch.add_object({"i": i}, vector=[float(i), 1.0, 0.0, 0.0])
    assert not col.batch.failed_objects and len(col) == 50
    assert scrape().value("weaviate_grpc_server_request_duration_seconds_count", method="BatchStream") >= 1


def test_with_authentication_metrics_stay_open_and_count_refusals(tmp_path):
    """As Weaviate's monitoring port, /metrics needs no key; a gRPC call without one is timed as Unauthenticated,
    and an authenticated REST request is still labelled by its route."""
    srv = loomdb.start_embedded(tmp_path, metrics_enabled=True, metrics_port=0, auth=AuthSettings(
        anonymous_access=False, apikey_enabled=True, apikey_allowed_keys=("key-one",), apikey_users=("alice",)))
    try:
        with weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                       auth_credentials=Auth.api_key("key-one"), skip_init_checks=True) as c:
            _collection(c, "Guarded").data.insert_many([{"a": 1}])
        channel = grpc.insecure_channel(f"127.0.0.1:{srv.grpc_port}")
        with pytest.raises(grpc.RpcError) as refused:
            weaviate_pb2_grpc.WeaviateStub(channel).Search(search_get_pb2.SearchRequest(collection="Guarded"))
        channel.close()
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
        scraped = Scrape(httpx.get(f"http://127.0.0.1:{srv.metrics_port}/metrics").text)
        assert scraped.value("weaviate_grpc_server_request_duration_seconds_count", method="Search",
                             status="Unauthenticated") == 1
        assert scraped.value("requests_total", status="user_error", api="grpc", query_type="Search") == 1
        assert scraped.value("weaviate_http_request_duration_seconds_count", route="/v1/schema") >= 1
        assert scraped.value("object_count", class_name="Guarded") == 1
    finally:
        srv.stop()
