"""API-key authentication (AUTHENTICATION_APIKEY_*, AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=false) through the
official client, raw REST, raw gRPC and GraphQL: the principal reaches every door, a missing or wrong key is
refused with Weaviate's 401 body / UNAUTHENTICATED, the probes stay open."""
from __future__ import annotations

from collections.abc import Iterator

import grpc
import httpx
import pytest
import weaviate
from weaviate.classes.init import Auth
from weaviate.exceptions import UnexpectedStatusCodeError
from weaviate.proto.v1 import health_weaviate_pb2, search_get_pb2, weaviate_pb2_grpc

import loomdb
from loomdb.config import AuthSettings

pytestmark = pytest.mark.loomdb_only("starts its own loomdb with authentication")

ANONYMOUS_DISABLED = {"code": 401,
                      "message": "anonymous access not enabled, please provide an auth scheme such as OIDC"}
INVALID_KEY = {"code": 401, "message": "invalid api key, please provide a valid api key"}


@pytest.fixture(scope="module")
def secured(tmp_path_factory) -> Iterator[loomdb.embedded.LoomServer]:
    srv = loomdb.start_embedded(tmp_path_factory.mktemp("apikey-data"), auth=AuthSettings(
        anonymous_access=False, apikey_enabled=True, apikey_allowed_keys=("key-one", "key-two"),
        apikey_users=("alice", "bob")))
    yield srv
    srv.stop()


def _connect(srv, key: str | None) -> weaviate.WeaviateClient:
    return weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                     auth_credentials=Auth.api_key(key) if key else None, skip_init_checks=True)


@pytest.mark.parametrize("key, body", [(None, ANONYMOUS_DISABLED), ("wrong-key", INVALID_KEY)])
def test_client_without_a_valid_key_is_refused(secured, key, body):
    with pytest.raises(UnexpectedStatusCodeError) as refused:
        _connect(secured, key)
    assert refused.value.status_code == 401
    assert refused.value.error == body


@pytest.mark.parametrize("key", ["key-one", "key-two"])
def test_client_with_a_key_works_on_rest_grpc_and_graphql(secured, key):
    with _connect(secured, key) as client:
        name = f"Keyed{key[-3:].title()}"
        client.collections.delete(name)
        collection = client.collections.create(name)                     # REST
        collection.data.insert_many([{"title": "a"}, {"title": "b"}])     # gRPC batch
        assert len(collection.query.fetch_objects().objects) == 2          # gRPC search
        assert collection.aggregate.over_all(total_count=True).total_count == 2
        body = httpx.post(f"http://127.0.0.1:{secured.rest_port}/v1/graphql",
                          json={"query": f"{{Get{{{name}{{title}}}}}}"},
                          headers={"Authorization": f"Bearer {key}"}).json()
        assert sorted(o["title"] for o in body["data"]["Get"][name]) == ["a", "b"]
        client.collections.delete(name)


@pytest.mark.parametrize("headers, body", [({}, ANONYMOUS_DISABLED),
                                           ({"Authorization": "Bearer wrong"}, INVALID_KEY),
                                           ({"Authorization": "Basic key-one"}, ANONYMOUS_DISABLED)])
@pytest.mark.parametrize("method, path", [("GET", "/v1/schema"), ("GET", "/v1/meta"), ("POST", "/v1/graphql"),
                                          ("GET", "/v1/objects"), ("GET", "/v1/nodes"),
                                          ("GET", "/v1/no/such/path")])
def test_rest_and_graphql_refuse_with_weaviates_body(secured, headers, body, method, path):
    reply = httpx.request(method, f"http://127.0.0.1:{secured.rest_port}{path}", headers=headers,
                          json={"query": "{Get{X{a}}}"} if method == "POST" else None)
    assert reply.status_code == 401
    assert reply.json() == body


@pytest.mark.parametrize("path", ["/v1/.well-known/live", "/v1/.well-known/ready"])
def test_probes_stay_open(secured, path):
    assert httpx.get(f"http://127.0.0.1:{secured.rest_port}{path}").status_code == 200


def test_grpc_refuses_without_a_valid_key_and_leaves_health_open(secured):
    with grpc.insecure_channel(f"127.0.0.1:{secured.grpc_port}") as channel:
        stub = weaviate_pb2_grpc.WeaviateStub(channel)
        request = search_get_pb2.SearchRequest(collection="Anything", uses_123_api=True, uses_125_api=True,
                                               uses_127_api=True)
        for metadata, message in (((), ANONYMOUS_DISABLED["message"]),
                                  ((("authorization", "Bearer wrong"),), INVALID_KEY["message"])):
            with pytest.raises(grpc.RpcError) as refused:
                stub.Search(request, metadata=metadata)
            assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
            assert refused.value.details() == message
        health = channel.unary_unary("/grpc.health.v1.Health/Check",
                                     request_serializer=health_weaviate_pb2.WeaviateHealthCheckRequest.SerializeToString,
                                     response_deserializer=health_weaviate_pb2.WeaviateHealthCheckResponse.FromString)
        assert health(health_weaviate_pb2.WeaviateHealthCheckRequest()).status == \
            health_weaviate_pb2.WeaviateHealthCheckResponse.SERVING


def test_anonymous_access_with_keys_configured(tmp_path):
    """Anonymous access on and keys configured: no key is anonymous, a wrong key is still refused."""
    srv = loomdb.start_embedded(tmp_path, auth=AuthSettings(apikey_enabled=True, apikey_allowed_keys=("k",),
                                                           apikey_users=("u",)))
    try:
        with _connect(srv, None) as client:
            assert client.collections.list_all() == {}
        with pytest.raises(UnexpectedStatusCodeError):
            _connect(srv, "not-k")
    finally:
        srv.stop()


@pytest.mark.parametrize("keys, users, says", [
    ((), ("u",), "need at least one valid allowed key"),
    (("a", "b", "c"), ("u", "v"), "length of users and keys must match"),
    (("a",), (), "need at least one user"),
])
def test_invalid_key_configuration_refuses_to_start(tmp_path, keys, users, says):
    with pytest.raises(ValueError, match=says):
        loomdb.start_embedded(tmp_path, auth=AuthSettings(apikey_enabled=True, apikey_allowed_keys=keys,
                                                         apikey_users=users))
    assert not (tmp_path / "loomdb.lock").exists()
