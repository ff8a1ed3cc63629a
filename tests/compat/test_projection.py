"""What a search returns (its projection) and Weaviate's checks made once per request, through the official client:
group_by results carry their requested references; certainty is refused on a non-cosine space wherever it is asked
(threshold, returned metadata, near_object, hybrid's vector sub-search, aggregate) with Weaviate's one message;
sort is refused with every search operator."""
from __future__ import annotations

import numpy as np
import pytest
from weaviate.classes.config import Configure, DataType, Property, ReferenceProperty, VectorDistances
from weaviate.classes.query import GroupBy, HybridVector, MetadataQuery, QueryReference
from weaviate.exceptions import WeaviateQueryError

TEXT = DataType.TEXT


@pytest.fixture
def shelf(collection_factory):
    """Author <- Book.by (books have vectors and a genre to group by); one book has no author."""
    author = collection_factory("Author", properties=[Property(name="name", data_type=TEXT)])
    book = collection_factory("Book", properties=[Property(name="title", data_type=TEXT),
                                                  Property(name="genre", data_type=TEXT)],
                              references=[ReferenceProperty(name="by", target_collection=author.name)],
                              vector_config=Configure.Vectors.self_provided())
    ada = author.data.insert({"name": "Ada"})
    alan = author.data.insert({"name": "Alan"})
    rows = [("Notes", "math", [ada], [1.0, 0.0, 0.0]), ("Machines", "math", [alan, ada], [0.9, 0.1, 0.0]),
            ("Poems", "poetry", [ada], [0.0, 1.0, 0.0]), ("Anonymous", "poetry", [], [0.1, 0.9, 0.1])]
    for title, genre, by, vec in rows:
        book.data.insert({"title": title, "genre": genre}, references={"by": by} if by else None, vector=vec)
    return book


def _authors(obj) -> list[str]:
    return sorted(o.properties["name"] for o in obj.references["by"].objects) if "by" in obj.references else []


def test_group_by_returns_the_requested_references(shelf):
    res = shelf.query.near_vector([1.0, 0.2, 0.0], limit=10,
                                  group_by=GroupBy(prop="genre", number_of_groups=2, objects_per_group=2),
                                  return_references=QueryReference(link_on="by", return_properties=["name"]),
                                  return_metadata=MetadataQuery(distance=True))
    assert list(res.groups) == ["math", "poetry"]
    by_title = {o.properties["title"]: o for g in res.groups.values() for o in g.objects}
    assert {t: _authors(o) for t, o in by_title.items()} == {
        "Notes": ["Ada"], "Machines": ["Ada", "Alan"], "Poems": ["Ada"], "Anonymous": []}
    assert by_title["Anonymous"].references == {}          # asked for, none stored: {} rather than None
    assert all(o.metadata.distance is not None for o in res.objects)
    assert {o.properties["title"]: _authors(o) for o in res.objects} == {t: _authors(o) for t, o in by_title.items()}


def test_group_by_without_references_returns_none(shelf):
    res = shelf.query.near_vector([1.0, 0.2, 0.0], limit=10,
                                  group_by=GroupBy(prop="genre", number_of_groups=2, objects_per_group=2))
    assert all(not o.references for o in res.objects)


CERTAINTY_L2 = "can't compute and return certainty when vector index is configured with l2-squared distance"


@pytest.fixture
def l2(collection_factory):
    col = collection_factory("L2", properties=[Property(name="t", data_type=TEXT)],
                             vector_config=Configure.Vectors.self_provided(
                                 vector_index_config=Configure.VectorIndex.flat(distance_metric=VectorDistances.L2_SQUARED)))
    uids = [col.data.insert({"t": f"word {i}"}, vector=[float(i), 1.0, 0.5]) for i in range(5)]
    return col, uids


@pytest.mark.parametrize("query", [
    lambda col, u: col.query.near_vector([1.0, 1.0, 0.5], certainty=0.5),
    lambda col, u: col.query.near_vector([1.0, 1.0, 0.5], return_metadata=MetadataQuery(certainty=True)),
    lambda col, u: col.query.near_object(u[0], certainty=0.5),
    lambda col, u: col.query.near_object(u[0], return_metadata=MetadataQuery(certainty=True)),
    lambda col, u: col.query.hybrid("word", alpha=0.5,
                                    vector=HybridVector.near_vector([1.0, 1.0, 0.5], certainty=0.5)),
    lambda col, u: col.aggregate.near_vector([1.0, 1.0, 0.5], certainty=0.5, total_count=True),
    lambda col, u: col.aggregate.near_object(u[0], certainty=0.5, total_count=True),
], ids=["threshold", "metadata", "near_object", "near_object_metadata", "hybrid", "aggregate",
        "aggregate_near_object"])
def test_certainty_on_a_non_cosine_space_is_refused_everywhere(l2, query):
    col, uids = l2
    with pytest.raises(WeaviateQueryError, match=CERTAINTY_L2):
        query(col, uids)


def test_keyword_only_hybrid_does_not_check_certainty(l2):
    """alpha 0 runs no vector search, so a certainty on its vector side is never evaluated (as before)."""
    col, _ = l2
    res = col.query.hybrid("word", alpha=0.0, vector=HybridVector.near_vector([1.0, 1.0, 0.5], certainty=0.5))
    assert len(res.objects) == 5


@pytest.mark.parametrize("search", ["near_vector", "near_object", "bm25_search", "hybrid_search"])
def test_sort_with_any_search_is_refused(l2, search):
    """The client's search methods take no sort; send the combination over gRPC as another client could."""
    from weaviate.proto.v1 import base_search_pb2, search_get_pb2
    col, uids = l2
    vector = np.array([1.0, 1.0, 0.5], np.float32).tobytes()
    operator = {"near_vector": base_search_pb2.NearVector(vector_bytes=vector),
                "near_object": base_search_pb2.NearObject(id=str(uids[0])),
                "bm25_search": base_search_pb2.BM25(query="word"),
                "hybrid_search": base_search_pb2.Hybrid(query="word", alpha=0.5, vector_bytes=vector)}[search]
    req = search_get_pb2.SearchRequest(collection=col.name, limit=3, uses_123_api=True, uses_125_api=True,
                                       uses_127_api=True, sort_by=[search_get_pb2.SortBy(ascending=True, path=["t"])],
                                       **{search: operator})
    with pytest.raises(Exception, match="sorting cannot be combined with search"):
        col._connection.grpc_search(req)
