"""collection.config.delete_property_index(property, index): DELETE /v1/schema/{C}/properties/{p}/index/{kind}
turns the property's index flag off in the schema and drops the index, after which filters and keyword searches
on that property behave as for a property created without it."""
from __future__ import annotations

import pytest
from weaviate.classes.config import DataType, Property
from weaviate.classes.query import Filter
from weaviate.exceptions import UnexpectedStatusCodeError, WeaviateQueryError

FILTER_REFUSED = "Filtering by property 'title' requires inverted index"
SEARCH_REFUSED = "Searching by property 'title' requires inverted index"


@pytest.fixture
def books(collection_factory):
    col = collection_factory(properties=[
        Property(name="title", data_type=DataType.TEXT),
        Property(name="body", data_type=DataType.TEXT),
        Property(name="year", data_type=DataType.INT, index_range_filters=True),
    ])
    col.data.insert_many([{"title": "red fox", "body": "quick", "year": 2001},
                          {"title": "blue whale", "body": "red sea", "year": 2010}])
    return col


def _prop(col, name):
    return next(p for p in col.config.get().properties if p.name == name)


def test_delete_filterable(books):
    assert books.config.delete_property_index("title", "filterable") is True
    title = _prop(books, "title")
    assert title.index_filterable is False and title.index_searchable is True
    assert len(books.query.bm25("fox", query_properties=["title"]).objects) == 1     # searchable stays
    # Weaviate filters text through the searchable index when the filterable one is gone
    assert len(books.query.fetch_objects(filters=Filter.by_property("title").equal("fox")).objects) == 1
    books.config.delete_property_index("title", "searchable")
    with pytest.raises(WeaviateQueryError, match=FILTER_REFUSED):
        books.query.fetch_objects(filters=Filter.by_property("title").equal("fox"))
    assert len(books.query.fetch_objects(filters=Filter.by_property("body").equal("quick")).objects) == 1


def test_delete_searchable(books):
    books.config.delete_property_index("title", "searchable")
    assert _prop(books, "title").index_searchable is False
    with pytest.raises(WeaviateQueryError, match=SEARCH_REFUSED):
        books.query.bm25("fox", query_properties=["title"])
    # without named properties bm25 searches the searchable ones only: "red" is now found in body alone
    hits = books.query.bm25("red").objects
    assert [o.properties["body"] for o in hits] == ["red sea"]
    assert len(books.query.fetch_objects(filters=Filter.by_property("title").equal("fox")).objects) == 1


def test_delete_range_filters_keeps_filterable(books):
    books.config.delete_property_index("year", "rangeFilters")
    year = _prop(books, "year")
    assert year.index_range_filters is False and year.index_filterable is True
    assert len(books.query.fetch_objects(filters=Filter.by_property("year").greater_than(2005)).objects) == 1


def test_delete_both_filter_indexes(books):
    books.config.delete_property_index("year", "rangeFilters")
    books.config.delete_property_index("year", "filterable")
    with pytest.raises(WeaviateQueryError, match="Filtering by property 'year' requires inverted index"):
        books.query.fetch_objects(filters=Filter.by_property("year").greater_than(2005))


def test_delete_again_is_harmless(books):
    books.config.delete_property_index("title", "filterable")
    assert books.config.delete_property_index("title", "filterable") is True


def test_unknown_index_name_and_property(books, rest):
    with pytest.raises(UnexpectedStatusCodeError) as err:
        books.config.delete_property_index("title", "vector")  # type: ignore[arg-type]
    assert err.value.status_code == 422
    with pytest.raises(UnexpectedStatusCodeError) as err:
        books.config.delete_property_index("nope", "filterable")
    assert err.value.status_code == 422
    assert rest.delete("/v1/schema/NoSuchClass/properties/title/index/filterable").status_code == 422


@pytest.mark.loomdb_only("reaches into the engine's shard")
def test_index_memory_is_released(books, server):
    shard = server.db.collection(books.name).shard
    assert "title" in shard.columns and "title" in shard.searchable
    books.config.delete_property_index("title", "searchable")
    assert "title" in shard.columns and "title" not in shard.searchable    # the column still serves filters
    books.config.delete_property_index("title", "filterable")
    assert "title" not in shard.columns
    books.data.insert({"title": "green frog", "body": "pond", "year": 2020})      # writes skip the dropped indexes
    assert "title" not in shard.columns


def test_text_created_searchable_only_still_filters(collection_factory):
    # the state delete_property_index(..., "filterable") leaves, created directly
    col = collection_factory(properties=[Property(name="title", data_type=DataType.TEXT, index_filterable=False)])
    col.data.insert_many([{"title": "red fox"}, {"title": "blue whale"}])
    assert len(col.query.fetch_objects(filters=Filter.by_property("title").like("fo*")).objects) == 1
