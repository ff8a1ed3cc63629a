"""GraphQL's multi-target join (`targets: {targetVectors, combinationMethod, weights}` on Get's nearVector,
nearObject and hybrid, Weaviate's ExtractTargets) through `client.graphql_raw_query`, each answer equal to the
same join over gRPC through the official client (one use case serves both)."""
from __future__ import annotations

import warnings

import pytest
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.query import MetadataQuery, TargetVectors

VECTORS = {"a": [[1.0, 0.0, 0.0], [0.8, 0.3, 0.0], [0.1, 1.0, 0.2], [0.0, 0.4, 1.0], [0.5, 0.5, 0.5],
                 [0.9, 0.0, 0.4]],
           "b": [[0.0, 1.0, 0.0], [0.7, 0.7, 0.1], [1.0, 0.1, 0.0], [0.2, 0.0, 1.0], [0.3, 0.9, 0.3],
                 [0.6, 0.2, 0.9]]}
QUERY = [1.0, 0.5, 0.1]
JOINS = {  # GraphQL targets argument -> the client's TargetVectors
    "sum": ('{targetVectors: ["a", "b"], combinationMethod: sum}', TargetVectors.sum(["a", "b"])),
    "average": ('{targetVectors: ["a", "b"], combinationMethod: average}', TargetVectors.average(["a", "b"])),
    "minimum": ('{targetVectors: ["a", "b"], combinationMethod: minimum}', TargetVectors.minimum(["a", "b"])),
    "manual": ('{targetVectors: ["a", "b"], combinationMethod: manualWeights, weights: {a: 0.2, b: 1.5}}',
               TargetVectors.manual_weights({"a": 0.2, "b": 1.5})),
    "relative": ('{targetVectors: ["a", "b"], combinationMethod: relativeScore, weights: {a: 2, b: 0.5}}',
                 TargetVectors.relative_score({"a": 2, "b": 0.5})),
}


@pytest.fixture
def col(collection_factory):
    created = collection_factory(properties=[Property(name="title", data_type=DataType.TEXT)],
                                 vector_config=[Configure.Vectors.self_provided(name="a"),
                                                Configure.Vectors.self_provided(name="b")])
    for i in range(len(VECTORS["a"])):
        created.data.insert({"title": f"doc {i}"}, vector={n: VECTORS[n][i] for n in VECTORS})
    return created


def _rows(client, col, arguments: str) -> list[tuple[str, float]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        res = client.graphql_raw_query(f"{{ Get {{ {col.name}({arguments}) {{ _additional {{ id distance }} }} }} }}")
    assert res.errors is None, res.errors
    return [(r["_additional"]["id"], r["_additional"]["distance"]) for r in res.get[col.name]]


def _hits(objects) -> list[tuple[str, float]]:
    return [(str(o.uuid), o.metadata.distance) for o in objects]


def _same(rows: list[tuple[str, float]], grpc: list[tuple[str, float]]) -> None:
    assert [i for i, _ in rows] == [i for i, _ in grpc] and rows
    assert [d for _, d in rows] == pytest.approx([d for _, d in grpc], abs=1e-5)


@pytest.mark.parametrize("join", list(JOINS))
def test_near_vector_join_equals_grpc(client, col, join):
    targets, client_join = JOINS[join]
    rows = _rows(client, col, f"nearVector: {{vector: {QUERY}, targets: {targets}}}, limit: 4")
    grpc = col.query.near_vector(QUERY, target_vector=client_join, limit=4,
                                 return_metadata=MetadataQuery(distance=True))
    _same(rows, _hits(grpc.objects))


def test_join_differs_by_strategy(client, col):
    """The joins are not all served as minimum: sum and manual weights order these objects differently."""
    orders = {j: [i for i, _ in _rows(client, col, f"nearVector: {{vector: {QUERY}, targets: {JOINS[j][0]}}}")]
              for j in ("sum", "manual", "minimum")}
    assert len({tuple(o) for o in orders.values()}) > 1


def test_near_object_join_equals_grpc(client, col):
    first = col.query.fetch_objects(limit=1).objects[0].uuid
    targets, client_join = JOINS["average"]
    rows = _rows(client, col, f'nearObject: {{id: "{first}", targets: {targets}}}, limit: 3')
    grpc = col.query.near_object(first, target_vector=client_join, limit=3,
                                 return_metadata=MetadataQuery(distance=True))
    _same(rows, _hits(grpc.objects))


def test_hybrid_join_equals_grpc(client, col):
    targets, client_join = JOINS["manual"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        res = client.graphql_raw_query(f"""{{ Get {{ {col.name}(limit: 4, hybrid: {{query: "doc", alpha: 0.8,
            vector: {QUERY}, targets: {targets}}}) {{ _additional {{ id score }} }} }} }}""")
    assert res.errors is None, res.errors
    grpc = col.query.hybrid("doc", alpha=0.8, vector=QUERY, target_vector=client_join, limit=4,
                            return_metadata=MetadataQuery(score=True))
    assert [(r["_additional"]["id"], float(r["_additional"]["score"])) for r in res.get[col.name]] == \
        [(str(o.uuid), pytest.approx(o.metadata.score, abs=1e-5)) for o in grpc.objects]


def test_weights_missing_for_a_target_is_weaviates_error(client, col):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        res = client.graphql_raw_query(f"""{{ Get {{ {col.name}(nearVector: {{vector: {QUERY}, targets:
            {{targetVectors: ["a", "b"], combinationMethod: manualWeights, weights: {{a: 1}}}}}}) {{ title }} }} }}""")
    assert res.errors and "weight for target b is not provided" in res.errors[0]["message"]
