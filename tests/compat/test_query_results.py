"""What a query's results carry, as the official client reads them from Weaviate 1.36: explain_score present
(empty when there is nothing to explain) whenever it is asked for; nested selections of object / object[]
properties (QueryNested); the iterator honouring return_metadata / include_vector / return_properties on every
page exactly as fetch_objects; and MetadataQuery(query_profile=True) answered with per-shard stage timings."""
from __future__ import annotations

import re

import pytest
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.data import DataObject
from weaviate.classes.query import Filter, GroupBy, MetadataQuery, QueryNested, Sort

TEXT = DataType.TEXT
GO_DURATION = re.compile(r"([\d.]+(ns|µs|ms|s|m|h))+")     # what Go's time.Duration.String() prints


@pytest.fixture
def docs(collection_factory):
    """Three texts with self-provided vectors (enough for every search operator)."""
    col = collection_factory(properties=[Property(name="text", data_type=TEXT),
                                         Property(name="kind", data_type=TEXT)],
                             vector_config=Configure.Vectors.self_provided())
    col.data.insert_many([
        DataObject(properties={"text": "hello world", "kind": "x"}, vector=[1.0, 0.0, 0.0]),
        DataObject(properties={"text": "goodbye world", "kind": "y"}, vector=[0.0, 1.0, 0.0]),
        DataObject(properties={"text": "foo bar baz", "kind": "x"}, vector=[0.0, 0.0, 1.0]),
    ])
    return col


# ---- 1. explain_score ---------------------------------------------------------------------------------------
FULL = MetadataQuery.full()


@pytest.mark.parametrize("search", ["fetch_objects", "near_vector", "near_object", "bm25", "hybrid",
                                    "fetch_after", "filtered_fetch", "sorted_fetch"])
def test_explain_score_is_present_whenever_asked(docs, search):
    """Weaviate's explorer puts `explainScore` into every result's additional properties when it is asked for,
    so the client sees a string (empty where nothing is explained) rather than None."""
    first = docs.query.fetch_objects(limit=1).objects[0].uuid
    query = docs.query
    res = {
        "fetch_objects": lambda md: query.fetch_objects(return_metadata=md),
        "near_vector": lambda md: query.near_vector([1.0, 0.0, 0.0], return_metadata=md),
        "near_object": lambda md: query.near_object(first, return_metadata=md),
        "bm25": lambda md: query.bm25("world", return_metadata=md),
        "hybrid": lambda md: query.hybrid("world", vector=[1.0, 0.0, 0.0], return_metadata=md),
        "fetch_after": lambda md: query.fetch_objects(after=first, return_metadata=md),
        "filtered_fetch": lambda md: query.fetch_objects(filters=Filter.by_property("kind").equal("x"),
                                                         return_metadata=md),
        "sorted_fetch": lambda md: query.fetch_objects(sort=Sort.by_property("kind"), return_metadata=md),
    }[search]
    for md in (FULL, MetadataQuery(explain_score=True), ["explain_score"]):
        objects = res(md).objects
        assert objects
        assert all(isinstance(o.metadata.explain_score, str) for o in objects), (search, md)
    # score the same way: 0 where nothing was scored
    assert all(isinstance(o.metadata.score, float) for o in res(FULL).objects)
    assert all(o.metadata.explain_score is None for o in res(MetadataQuery(distance=True)).objects)


def test_explain_score_content_is_unchanged(docs):
    """Explanations that exist keep their text; searches without one give ""."""
    bm25 = docs.query.bm25("hello", return_metadata=FULL).objects
    assert bm25[0].metadata.explain_score == ", BM25F_hello_frequency:1, BM25F_hello_propLength:2"
    assert all(o.metadata.explain_score == "" for o in docs.query.near_vector([1.0, 0.0, 0.0],
                                                                             return_metadata=FULL).objects)
    listed = docs.query.fetch_objects(return_metadata=FULL).objects
    assert all(o.metadata.explain_score == "" and o.metadata.score == 0.0 for o in listed)
    assert all(o.metadata.distance is None and o.metadata.certainty is None for o in listed)
    hybrid = docs.query.hybrid("hello", vector=[1.0, 0.0, 0.0], return_metadata=FULL).objects
    assert "Hybrid (Result Set keyword)" in hybrid[0].metadata.explain_score


def test_group_by_objects_carry_distance_only(docs):
    """Weaviate keeps only id, vector and distance for grouped objects (prepare_reply.go extractGroup); the
    client reads distance alone from them."""
    res = docs.query.near_vector([1.0, 0.0, 0.0], return_metadata=FULL,
                                 group_by=GroupBy(prop="kind", number_of_groups=2, objects_per_group=2))
    assert res.objects and all(o.metadata.distance is not None for o in res.objects)


# ---- 2. nested selections -----------------------------------------------------------------------------------
@pytest.fixture
def people(collection_factory):
    """object and object[] properties nested two levels deep."""
    col = collection_factory(properties=[
        Property(name="name", data_type=TEXT),
        Property(name="address", data_type=DataType.OBJECT, nested_properties=[
            Property(name="city", data_type=TEXT),
            Property(name="zip", data_type=TEXT),
            Property(name="geo", data_type=DataType.OBJECT, nested_properties=[
                Property(name="lat", data_type=DataType.NUMBER),
                Property(name="lon", data_type=DataType.NUMBER)]),
        ]),
        Property(name="pets", data_type=DataType.OBJECT_ARRAY, nested_properties=[
            Property(name="kind", data_type=TEXT),
            Property(name="age", data_type=DataType.INT),
            Property(name="tags", data_type=DataType.OBJECT, nested_properties=[
                Property(name="colour", data_type=TEXT), Property(name="size", data_type=TEXT)]),
        ]),
    ], vector_config=Configure.Vectors.self_provided())
    col.data.insert({
        "name": "Ada",
        "address": {"city": "London", "zip": "N1", "geo": {"lat": 51.5, "lon": -0.1}},
        "pets": [{"kind": "cat", "age": 3, "tags": {"colour": "black", "size": "s"}},
                 {"kind": "dog", "age": 5, "tags": {"colour": "brown", "size": "l"}}],
    }, vector=[1.0, 0.0])
    return col


def test_nested_selection_returns_only_the_selected_sub_properties(people):
    props = [QueryNested(name="address", properties=["city", QueryNested(name="geo", properties=["lat"])]),
             QueryNested(name="pets", properties=["kind", QueryNested(name="tags", properties="colour")])]
    for res in (people.query.fetch_objects(return_properties=props),
                people.query.near_vector([1.0, 0.0], return_properties=props),
                people.query.bm25("Ada", return_properties=props)):
        assert res.objects[0].properties == {
            "address": {"city": "London", "geo": {"lat": 51.5}},
            "pets": [{"kind": "cat", "tags": {"colour": "black"}}, {"kind": "dog", "tags": {"colour": "brown"}}],
        }


def test_nested_selection_with_plain_properties_and_whole_objects(people):
    res = people.query.fetch_objects(return_properties=["name", QueryNested(name="pets", properties=["age"])])
    assert res.objects[0].properties == {"name": "Ada", "pets": [{"age": 3}, {"age": 5}]}
    whole = people.query.fetch_objects(return_properties=["address"]).objects[0].properties
    assert whole == {"address": {"city": "London", "zip": "N1", "geo": {"lat": 51.5, "lon": -0.1}}}
    single = people.query.fetch_objects(return_properties=QueryNested(name="address", properties="zip"))
    assert single.objects[0].properties == {"address": {"zip": "N1"}}


# ---- 3. the iterator ----------------------------------------------------------------------------------------
@pytest.fixture
def named(collection_factory):
    """Two named vectors and 250 objects: three iterator pages of 100."""
    col = collection_factory("Named", properties=[Property(name="i", data_type=DataType.INT),
                                                  Property(name="label", data_type=TEXT)],
                             vector_config=[Configure.Vectors.self_provided(name="a"),
                                            Configure.Vectors.self_provided(name="b")])
    col.data.insert_many([DataObject(properties={"i": j, "label": f"n{j}"},
                                     vector={"a": [float(j), 1.0], "b": [1.0, float(j), 2.0]})
                          for j in range(250)])
    return col


@pytest.mark.parametrize("options", [
    {"return_metadata": MetadataQuery(creation_time=True, last_update_time=True)},
    {"return_metadata": FULL},
    {"return_metadata": ["creation_time"]},
    {"include_vector": True},
    {"include_vector": ["b"]},
    {"return_properties": ["label"]},
    {"return_properties": []},
    {"include_vector": ["a"], "return_properties": ["i"], "return_metadata": MetadataQuery(last_update_time=True)},
])
def test_iterator_pages_match_fetch_objects(named, options):
    """Every object the iterator yields equals the same object from fetch_objects with the same options."""
    walked = list(named.iterator(**options))
    assert len(walked) == 250
    fetched = {o.uuid: o for o in named.query.fetch_objects(limit=250, **options).objects}
    for obj in walked:
        other = fetched[obj.uuid]
        assert (obj.properties, obj.vector, obj.metadata) == (other.properties, other.vector, other.metadata)
    if options.get("return_metadata") is not None:
        assert all(o.metadata.creation_time is not None or o.metadata.last_update_time is not None
                   for o in walked)


def test_iterator_pages_carry_what_weaviate_returns(named, people):
    """Through every page: score / explain_score present when asked, nested selections applied."""
    walked = list(named.iterator(return_metadata=FULL, include_vector=["a"]))
    assert len(walked) == 250
    assert all(o.metadata.explain_score == "" and o.metadata.score == 0.0 for o in walked)
    assert all(o.metadata.creation_time is not None and set(o.vector) == {"a"} for o in walked)
    nested = list(people.iterator(return_properties=[QueryNested(name="pets", properties=["kind"])]))
    assert [o.properties for o in nested] == [{"pets": [{"kind": "cat"}, {"kind": "dog"}]}]


# ---- 4. query profiles --------------------------------------------------------------------------------------
PROFILE = MetadataQuery(query_profile=True)


def _details(res, search: str) -> dict[str, str]:
    """The one shard's details for `search`, after the checks every profile passes (Weaviate's client tests)."""
    profile = res.query_profile
    assert profile is not None and len(profile.shards) == 1
    shard = profile.shards[0]
    assert shard.name and shard.node
    details = shard.searches[search].details
    assert GO_DURATION.fullmatch(details["total_took"])
    assert all(key and value for key, value in details.items())
    return details


def _durations(details: dict[str, str], *keys: str) -> None:
    for key in keys:
        assert GO_DURATION.fullmatch(details[key]), (key, details)


def test_query_profile_of_fetch_objects(docs):
    details = _details(docs.query.fetch_objects(return_metadata=PROFILE), "object")
    _durations(details, "objects_took")
    filtered = docs.query.fetch_objects(return_metadata=PROFILE, filters=Filter.by_property("kind").equal("x"),
                                        sort=Sort.by_property("text"))
    details = _details(filtered, "object")
    _durations(details, "filters_build_allow_list_took", "sort_took", "objects_took")
    assert details["filters_ids_matched"] == "2"


def test_query_profile_of_near_vector(docs):
    details = _details(docs.query.near_vector([1.0, 0.0, 0.0], limit=2, return_metadata=PROFILE), "vector")
    _durations(details, "vector_search_took", "objects_took")
    assert details["hnsw_flat_search"] in ("true", "false")
    if details["hnsw_flat_search"] == "false":
        _durations(details, *[k for k in details if k.startswith("knn_search_layer_")])


def test_query_profile_of_bm25(docs):
    details = _details(docs.query.bm25("hello", return_metadata=PROFILE), "keyword")
    assert details["kwd_method"] and details["kwd_6_res_count"] == "1"
    _durations(details, "kwd_time", "kwd_1_tok_time", "objects_took")


def test_query_profile_of_hybrid_has_both_searches(docs):
    res = docs.query.hybrid("hello", vector=[1.0, 0.0, 0.0], limit=2, return_metadata=PROFILE)
    _durations(_details(res, "vector"), "vector_search_took")
    assert _details(res, "keyword")["kwd_method"]


def test_query_profile_of_group_by_and_list_metadata(docs):
    grouped = docs.query.near_vector([1.0, 0.0, 0.0], return_metadata=PROFILE,
                                     group_by=GroupBy(prop="kind", objects_per_group=1, number_of_groups=3))
    _details(grouped, "vector")
    _details(docs.query.near_vector([1.0, 0.0, 0.0], limit=2, return_metadata=["query_profile", "distance"]),
             "vector")


def test_no_query_profile_unless_asked_or_without_results(docs):
    assert docs.query.fetch_objects(return_metadata=FULL).query_profile is None
    assert docs.query.bm25("nothingmatches", return_metadata=PROFILE).query_profile is None   # as Weaviate



def test_query_profile_names_a_tenant_shard_after_the_tenant(collection_factory):
    col = collection_factory(properties=[Property(name="text", data_type=TEXT)],
                             multi_tenancy_config=Configure.multi_tenancy(enabled=True))
    col.tenants.create(["alice"])
    alice = col.with_tenant("alice")
    alice.data.insert({"text": "hello"})
    res = alice.query.fetch_objects(return_metadata=PROFILE)
    assert [s.name for s in res.query_profile.shards] == ["alice"]
    _details(res, "object")
