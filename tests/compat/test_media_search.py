"""Media searches (near_image, near_media: video, audio, depth, thermal, IMU) through the official client: loomdb
ships no multi2vec / img2vec module (no packaged image or audio model exists), so each gets Weaviate's answer for
a collection without a module to embed the medium, as a query error (never INTERNAL); GraphQL's nearImage is an
unknown argument, as on a Weaviate without such a module."""
from __future__ import annotations

import base64
import warnings

import grpc
import pytest
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.query import NearMediaType
from weaviate.exceptions import WeaviateQueryError
from weaviate.proto.v1 import aggregate_pb2, base_search_pb2, weaviate_pb2_grpc

MEDIUM = base64.b64encode(b"\x89PNG not really an image").decode()
SEARCH_TYPES = {NearMediaType.VIDEO: "nearVideo", NearMediaType.AUDIO: "nearAudio", NearMediaType.DEPTH: "nearDepth",
                NearMediaType.THERMAL: "nearThermal", NearMediaType.IMU: "nearIMU", NearMediaType.IMAGE: "nearImage"}


@pytest.fixture
def col(collection_factory):
    created = collection_factory(properties=[Property(name="title", data_type=DataType.TEXT)],
                                 vector_config=Configure.Vectors.self_provided())
    created.data.insert({"title": "a picture"}, vector=[1.0, 0.0])
    return created


def _refusal(name: str, search_type: str) -> str:
    return (f"could not vectorize input for collection {name} with search-type {search_type}. "
            "Make sure a vectorizer module is configured for this collection")


def test_near_image_is_weaviates_no_module_error(col):
    with pytest.raises(WeaviateQueryError) as err:
        col.query.near_image(MEDIUM)
    assert _refusal(col.name, "nearImage") in err.value.message
    assert "INTERNAL" not in str(err.value)


@pytest.mark.parametrize("media_type", list(SEARCH_TYPES))
def test_near_media_of_every_kind(col, media_type):
    with pytest.raises(WeaviateQueryError) as err:
        col.query.near_media(MEDIUM, media_type=media_type)
    assert _refusal(col.name, SEARCH_TYPES[media_type]) in err.value.message


def test_aggregate_near_image(endpoint, col):
    """Over raw gRPC: the official client's aggregate.near_image cannot build its request (client 4.24)."""
    with grpc.insecure_channel(f"{endpoint.host}:{endpoint.grpc_port}") as channel:
        request = aggregate_pb2.AggregateRequest(collection=col.name, objects_count=True, object_limit=1,
                                                 near_image=base_search_pb2.NearImageSearch(image=MEDIUM))
        metadata = [(name.lower(), value) for name, value in endpoint.headers().items()]
        with pytest.raises(grpc.RpcError) as err:
            weaviate_pb2_grpc.WeaviateStub(channel).Aggregate(request, metadata=metadata)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert err.value.details() == _refusal(col.name, "nearImage")


def test_graphql_near_image_is_an_unknown_argument(client, rest, col):
    body = rest.post("/v1/graphql", json={"query": f'{{ Get {{ {col.name}(nearImage: {{image: "{MEDIUM}"}}) '
                                                   "{ title } } }"})
    assert body.status_code == 200
    errors = body.json()["errors"]
    assert errors[0]["message"].startswith('Unknown argument "nearImage"')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert client.graphql_raw_query(f"{{ Get {{ {col.name} {{ title }} }} }}").errors is None
