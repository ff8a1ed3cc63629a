"""Paths Weaviate does not have answer go-openapi's 404/405 bodies; Weaviate 1.36 endpoints loomdb has not built yet
answer 501 "<what> is not supported by loomdb yet" in Weaviate's error shape (one table:
loomdb/server/rest/routes_unsupported.py); gRPC methods likewise answer UNIMPLEMENTED in loomdb's words."""
from __future__ import annotations

import pytest
from weaviate.proto.v1 import weaviate_pb2_grpc


def test_unknown_path_answers_go_swaggers_404(rest):
    for path in ("/v1/foo", "/v1/schema/A/nothing/here", "/nope"):
        reply = rest.get(path)
        assert reply.status_code == 404
        assert reply.json() == {"code": 404, "message": f"path {path} was not found"}


def test_wrong_method_answers_go_swaggers_405(rest):
    reply = rest.post("/v1/meta")
    assert reply.status_code == 405
    assert reply.json() == {"code": 405, "message": "method POST is not allowed, but [GET] are"}


NOT_YET = [
    ("POST", "/v1/export/filesystem"), ("GET", "/v1/replication/replicate/list"),
    ("POST", "/v1/replication/replicate"), ("GET", "/v1/replication/sharding-state"), ("POST", "/v1/classifications"),
    ("GET", "/v1/classifications/abc"), ("POST", "/v1/tokenize"), ("DELETE", "/v1/schema/Any/vectors/v/index"),
]


@pytest.mark.loomdb_only("Weaviate serves these endpoints")
@pytest.mark.parametrize("method,path", NOT_YET, ids=[f"{m} {p}" for m, p in NOT_YET])
def test_known_weaviate_endpoint_not_built_answers_501(rest, method, path):
    reply = rest.request(method, path, json={})
    assert reply.status_code == 501, reply.text
    message = reply.json()["error"][0]["message"]
    assert message.endswith(" is not supported by loomdb yet")


def test_served_routes_on_a_listed_path_keep_working(rest, collection_factory):
    col = collection_factory()
    assert rest.get("/v1/schema").status_code == 200
    assert rest.post("/v1/objects", json={"class": col.name, "properties": {}}).status_code == 200


@pytest.mark.loomdb_only("Weaviate serves replication")
def test_the_client_shows_the_501_message(client, collection_factory):
    col = collection_factory()
    with pytest.raises(Exception, match="replication .* is not supported by loomdb yet"):
        client.cluster.query_sharding_state(collection=col.name)


@pytest.mark.loomdb_only("inspects loomdb's gRPC service class")
def test_every_grpc_method_is_implemented_or_refused_in_loomdbs_words():
    from loomdb.server.grpc.servicer import WeaviateService

    base = weaviate_pb2_grpc.WeaviateServicer
    methods = [name for name, member in vars(base).items() if not name.startswith("_") and callable(member)]
    assert methods
    for name in methods:
        assert getattr(WeaviateService, name) is not getattr(base, name), name


@pytest.mark.loomdb_only("inspects loomdb's gRPC service class")
def test_a_grpc_method_not_built_answers_unimplemented_in_loomdbs_words():
    import grpc

    from loomdb.server.grpc.servicer import _refuse_unimplemented

    @_refuse_unimplemented
    class Bare(weaviate_pb2_grpc.WeaviateServicer):
        pass

    class Context:
        def abort(self, code, message):
            raise RuntimeError(code, message)

    with pytest.raises(RuntimeError) as refused:
        Bare().Search(None, Context())
    assert refused.value.args == (grpc.StatusCode.UNIMPLEMENTED, "Search is not supported by loomdb yet")
