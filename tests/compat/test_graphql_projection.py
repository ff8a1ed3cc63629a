"""GraphQL `_additional { featureProjection { vector } }` through `client.graphql_raw_query`: t-SNE of the page's
vectors with Weaviate's defaults and error texts (usecases/projector), deterministic in loomdb."""
from __future__ import annotations

import sys
import uuid
import warnings

import numpy as np
import pytest
from weaviate.classes.config import Configure, DataType, Property

CLUSTERS, PER_CLUSTER, DIMS = 3, 6, 8


@pytest.fixture
def clustered(collection_factory):
    """Three tight clusters far apart in 8 dimensions; `cluster` says which one an object belongs to."""
    col = collection_factory("Projected", properties=[Property(name="cluster", data_type=DataType.INT)],
                             vector_config=Configure.Vectors.self_provided())
    rng = np.random.default_rng(7)
    centres = np.eye(DIMS)[:CLUSTERS] * 10
    for c in range(CLUSTERS):
        for _ in range(PER_CLUSTER):
            # fixed ids: the page's order (t-SNE's input order) is the same on every run, so the seeded
            # projection is too
            col.data.insert({"cluster": c}, vector=(centres[c] + rng.normal(0, 0.1, DIMS)).tolist(),
                            uuid=uuid.UUID(int=c * PER_CLUSTER + _ + 1))
    return col


def projected(client, name: str, arguments: str = "", limit: int = 100):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reply = client.graphql_raw_query(f"""{{ Get {{ {name}(limit: {limit}) {{ cluster
            _additional {{ id featureProjection{arguments} {{ vector }} }} }} }} }}""")
    return reply


def test_every_object_gets_a_vector_of_the_asked_dimensions(client, clustered):
    for arguments, dimensions in (("", 2), ("(dimensions: 3)", 3), ("(dimensions: 2, perplexity: 4, "
                                                                    "iterations: 50, learningRate: 100)", 2)):
        reply = projected(client, clustered.name, arguments)
        assert not reply.errors
        rows = reply.get[clustered.name]
        assert len(rows) == CLUSTERS * PER_CLUSTER
        assert all(len(r["_additional"]["featureProjection"]["vector"]) == dimensions for r in rows)


def test_the_same_query_projects_the_same_vectors(client, clustered):
    first = projected(client, clustered.name).get[clustered.name]
    second = projected(client, clustered.name).get[clustered.name]
    assert first == second


def test_neighbours_stay_close(client, clustered):
    rows = projected(client, clustered.name).get[clustered.name]
    points = np.array([r["_additional"]["featureProjection"]["vector"] for r in rows])
    labels = np.array([r["cluster"] for r in rows])
    distances = np.linalg.norm(points[:, None] - points[None], axis=-1)
    same = labels[:, None] == labels[None]
    np.fill_diagonal(same, False)
    np.fill_diagonal(distances, np.inf)
    # clusters stay apart (t-SNE's spacing varies with the scikit-learn and BLAS builds: seen 8x to 10x+ here)
    assert distances[same].max() * 3 < distances[labels[:, None] != labels[None]].min()
    assert all(labels[np.argmin(distances[i])] == labels[i] for i in range(len(rows)))


@pytest.mark.parametrize("arguments, limit, message", [
    ("(perplexity: 5)", 3, "perplexity must be smaller than amount of items: 5 >= 3"),
    ("(dimensions: 8)", 10, "dimensions must be smaller than source dimensions: 8 >= 8"),
    ('(algorithm: "pca", iterations: 0)', 10,
     "algorithm pca is not supported: must be one of: tsne, iterations must be at least 1, got: 0"),
])
def test_weaviates_errors(client, clustered, arguments, limit, message):
    reply = projected(client, clustered.name, arguments, limit)
    assert reply.errors[0]["message"] == f"explorer: get class: extend: invalid params: {message}"


def test_few_results(client, clustered):
    """Two results: the default perplexity is 1; one result sits at the origin (nothing to be near to)."""
    two = projected(client, clustered.name, limit=2)
    assert not two.errors and len(two.get[clustered.name]) == 2
    one = projected(client, clustered.name, limit=1).get[clustered.name]
    assert one[0]["_additional"]["featureProjection"]["vector"] == [0.0, 0.0]


@pytest.mark.loomdb_only("hides scikit-learn from the embedded server's process")
def test_without_the_extra_the_error_says_what_to_install(client, clustered, monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.manifold", None)      # import now raises ImportError
    reply = projected(client, clustered.name)
    assert reply.errors[0]["message"] == (
        '_additional { featureProjection } needs scikit-learn: pip install "loomdb[projection]"')
