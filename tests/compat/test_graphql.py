"""GraphQL (`POST /v1/graphql`, `/v1/graphql/batch`) through the official client's graphql_raw_query and raw
HTTP: Weaviate's documented examples (Get with nearVector + where, bm25, hybrid with boosted properties and a
where filter, cross-reference traversal, Aggregate with groupBy, Explore), each equal to the same query over
gRPC, and GraphQL's error shape with Weaviate's messages."""
from __future__ import annotations

import warnings

import pytest
from weaviate.classes.aggregate import GroupByAggregate, Metrics
from weaviate.classes.config import Configure, DataType, Property, ReferenceProperty
from weaviate.classes.query import Filter, GeoCoordinate, GroupBy, HybridFusion, MetadataQuery, QueryReference, Sort

TEXT = DataType.TEXT
VECTORS = [[1.0, 0.0, 0.0], [0.9, 0.1, 0.0], [0.0, 1.0, 0.0], [0.0, 0.9, 0.1], [0.0, 0.0, 1.0]]
ROWS = [("Pasta and wine", "food", 12, True), ("Red wine guide", "drink", 30, False),
        ("Bread baking", "food", 8, True), ("Beer brewing at home", "drink", 45, True),
        ("Cheese of France", "food", 20, False)]


@pytest.fixture
def articles(collection_factory):
    author = collection_factory("Author", properties=[Property(name="name", data_type=TEXT)],
                                vector_config=Configure.Vectors.self_provided())
    col = collection_factory(
        "Article", vector_config=Configure.Vectors.self_provided(),
        properties=[Property(name="title", data_type=TEXT), Property(name="category", data_type=TEXT),
                    Property(name="words", data_type=DataType.INT), Property(name="published", data_type=DataType.BOOL),
                    Property(name="tags", data_type=DataType.TEXT_ARRAY),
                    Property(name="location", data_type=DataType.GEO_COORDINATES),
                    Property(name="info", data_type=DataType.OBJECT, nested_properties=[
                        Property(name="source", data_type=TEXT), Property(name="pages", data_type=DataType.INT)])],
        references=[ReferenceProperty(name="writtenBy", target_collection=author.name)])
    ada = author.data.insert({"name": "Ada"}, vector=[1.0, 1.0, 0.0])
    ids = [col.data.insert({"title": t, "category": c, "words": w, "published": p, "tags": [c, "x"],
                            "location": {"latitude": 52.0 + i, "longitude": 4.0},
                            "info": {"source": f"s{i}", "pages": i}},
                           vector=v, references={"writtenBy": ada} if i % 2 == 0 else None)
           for i, ((t, c, w, p), v) in enumerate(zip(ROWS, VECTORS))]
    return col, author, ids, ada


def gql(client, query: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return client.graphql_raw_query(query)


def test_get_near_vector_with_where_equals_grpc(client, articles):
    col, _, _, _ = articles
    res = gql(client, f"""{{ Get {{ {col.name}(nearVector: {{vector: [1, 0, 0]}}, limit: 3,
        where: {{path: ["category"], operator: Equal, valueText: "food"}}) {{
        title words _additional {{ id distance certainty }} }} }} }}""")
    assert res.errors is None
    rows = res.get[col.name]
    grpc = col.query.near_vector([1.0, 0.0, 0.0], limit=3, filters=Filter.by_property("category").equal("food"),
                                 return_metadata=MetadataQuery(distance=True, certainty=True))
    assert [r["_additional"]["id"] for r in rows] == [str(o.uuid) for o in grpc.objects]
    assert [r["title"] for r in rows] == [o.properties["title"] for o in grpc.objects]
    for row, obj in zip(rows, grpc.objects):
        assert row["_additional"]["distance"] == pytest.approx(obj.metadata.distance, abs=1e-6)
        assert row["_additional"]["certainty"] == pytest.approx(obj.metadata.certainty, abs=1e-6)
    assert set(rows[0]) == {"title", "words", "_additional"}


def test_get_bm25_equals_grpc_and_score_is_a_string(client, articles):
    col, *_ = articles
    res = gql(client, f'{{ Get {{ {col.name}(bm25: {{query: "wine", properties: ["title"]}}) '
                      '{ title _additional { score } } } }')
    grpc = col.query.bm25("wine", query_properties=["title"], return_metadata=MetadataQuery(score=True))
    assert [r["title"] for r in res.get[col.name]] == [o.properties["title"] for o in grpc.objects]
    for row, obj in zip(res.get[col.name], grpc.objects):
        assert isinstance(row["_additional"]["score"], str)
        assert float(row["_additional"]["score"]) == pytest.approx(obj.metadata.score, rel=1e-5)


def test_get_hybrid_boosted_properties_and_where_equals_grpc(client, articles):
    col, *_ = articles
    res = gql(client, f"""{{ Get {{ {col.name}(hybrid: {{query: "wine food", alpha: 0.5, vector: [1, 0, 0],
        properties: ["title^2", "category"], fusionType: rankedFusion}},
        where: {{path: ["words"], operator: LessThan, valueInt: 40}}) {{ title _additional {{ id score }} }} }} }}""")
    assert res.errors is None
    grpc = col.query.hybrid("wine food", alpha=0.5, vector=[1.0, 0.0, 0.0], query_properties=["title^2", "category"],
                            fusion_type=HybridFusion.RANKED, filters=Filter.by_property("words").less_than(40),
                            return_metadata=MetadataQuery(score=True))
    assert [r["_additional"]["id"] for r in res.get[col.name]] == [str(o.uuid) for o in grpc.objects]


def test_get_cross_reference_traversal_and_value_shapes(client, articles):
    col, author, ids, ada = articles
    res = gql(client, f"""{{ Get {{ {col.name}(where: {{operator: And, operands: [
          {{path: ["writtenBy", "{author.name}", "name"], operator: Equal, valueText: "Ada"}},
          {{path: ["location"], operator: WithinGeoRange, valueGeoRange: {{
            geoCoordinates: {{latitude: 52.0, longitude: 4.0}}, distance: {{max: 250000}}}}}}]}},
        sort: [{{path: ["words"], order: desc}}]) {{
        title tags location {{ latitude longitude }} info {{ source }}
        writtenBy {{ ... on {author.name} {{ name _additional {{ id }} }} }}
        _additional {{ id creationTimeUnix vector }} }} }} }}""")
    assert res.errors is None, res.errors
    rows = res.get[col.name]
    grpc = col.query.fetch_objects(
        filters=Filter.by_ref("writtenBy").by_property("name").equal("Ada")
        & Filter.by_property("location").within_geo_range(
            coordinate=GeoCoordinate(latitude=52.0, longitude=4.0), distance=250000),
        sort=Sort.by_property("words", ascending=False),
        include_vector=True, return_references=QueryReference(link_on="writtenBy"))
    assert [r["_additional"]["id"] for r in rows] == [str(o.uuid) for o in grpc.objects]
    first = rows[0]
    assert first["writtenBy"] == [{"name": "Ada", "_additional": {"id": str(ada)}}]
    assert first["location"] == {"latitude": pytest.approx(52.0), "longitude": pytest.approx(4.0)}
    assert first["info"] == {"source": "s0"} and first["tags"] == ["food", "x"]
    assert isinstance(first["_additional"]["creationTimeUnix"], str)
    assert first["_additional"]["vector"] == pytest.approx(VECTORS[0])


def test_aggregate_group_by_equals_grpc(client, articles):
    col, *_ = articles
    res = gql(client, f"""{{ Aggregate {{ {col.name}(groupBy: ["category"]) {{
        meta {{ count }} groupedBy {{ path value }}
        words {{ count mean sum maximum minimum }} published {{ totalTrue percentageTrue }}
        title {{ topOccurrences(limit: 1) {{ value occurs }} }} }} }} }}""")
    assert res.errors is None, res.errors
    groups = {g["groupedBy"]["value"]: g for g in res.aggregate[col.name]}
    assert set(groups) == {"food", "drink"}
    food = groups["food"]
    assert food["groupedBy"]["path"] == ["category"] and food["meta"]["count"] == 3
    assert food["words"] == {"count": 3, "mean": pytest.approx(40 / 3), "sum": 40, "maximum": 20, "minimum": 8}
    assert food["published"] == {"totalTrue": 2, "percentageTrue": pytest.approx(2 / 3)}
    assert len(food["title"]["topOccurrences"]) == 1
    grpc = col.aggregate.over_all(group_by=GroupByAggregate(prop="category"), total_count=True,
                                  return_metrics=Metrics("words").integer(sum_=True))
    by_value = {g.grouped_by.value: g for g in grpc.groups}
    assert by_value["drink"].total_count == groups["drink"]["meta"]["count"]
    assert by_value["drink"].properties["words"].sum_ == groups["drink"]["words"]["sum"]


def test_aggregate_reference_pointing_to_equals_grpc(client, articles):
    """A reference property aggregates to its type and the distinct beacons it points to (Weaviate's
    referencePropertyFields), as over gRPC; grouped too."""
    col, author, ids, ada = articles
    res = gql(client, f"{{ Aggregate {{ {col.name} {{ meta {{ count }} writtenBy {{ type pointingTo }} }} }} }}")
    assert res.errors is None, res.errors
    row = res.aggregate[col.name][0]
    assert row["writtenBy"] == {"type": "cref", "pointingTo": [f"weaviate://localhost/{author.name}/{ada}"]}
    grpc = col.aggregate.over_all(return_metrics=Metrics("writtenBy").reference(pointing_to=True))
    assert grpc.properties["writtenBy"].pointing_to == row["writtenBy"]["pointingTo"]
    grouped = gql(client, f"""{{ Aggregate {{ {col.name}(groupBy: ["category"]) {{ groupedBy {{ value }}
        writtenBy {{ pointingTo }} }} }} }}""")
    assert grouped.errors is None, grouped.errors
    by_group = {g["groupedBy"]["value"]: g["writtenBy"]["pointingTo"] for g in grouped.aggregate[col.name]}
    assert by_group == {"food": [f"weaviate://localhost/{author.name}/{ada}"], "drink": []}
    no_count = gql(client, f"{{ Aggregate {{ {col.name} {{ writtenBy {{ count }} }} }} }}")
    assert no_count.errors and "count" in no_count.errors[0]["message"]


def test_aggregate_meta_count_with_where(client, articles):
    col, *_ = articles
    res = gql(client, f"""{{ Aggregate {{ {col.name}(where: {{path: ["published"], operator: Equal,
        valueBoolean: true}}) {{ meta {{ count }} }} }} }}""")
    assert res.aggregate[col.name] == [{"meta": {"count": 3}}]


def test_explore_near_vector(client, articles):
    col, author, ids, ada = articles
    res = gql(client, "{ Explore(nearVector: {vector: [1, 1, 0]}, limit: 2) { beacon className certainty distance } }")
    assert res.errors is None, res.errors
    top = res.explore[0]
    assert top["beacon"] == f"weaviate://localhost/{author.name}/{ada}" and top["className"] == author.name
    assert top["distance"] == pytest.approx(0.0, abs=1e-6) and top["certainty"] == pytest.approx(1.0)
    assert len(res.explore) == 2


def test_explore_near_object_by_id_and_beacon(client, articles):
    """nearObject searches every class with the object's vector (found in whichever class holds it)."""
    col, author, ids, ada = articles
    fields = "{ beacon className distance }"
    by_vector = gql(client, f"{{ Explore(nearVector: {{vector: {VECTORS[1]}}}, limit: 4) {fields} }}")
    by_id = gql(client, f'{{ Explore(nearObject: {{id: "{ids[1]}"}}, limit: 4) {fields} }}')
    beacon = f"weaviate://localhost/{col.name}/{ids[1]}"
    by_beacon = gql(client, f'{{ Explore(nearObject: {{beacon: "{beacon}"}}, limit: 4) {fields} }}')
    assert by_id.errors is None and by_beacon.errors is None, by_id.errors
    assert by_id.explore == by_vector.explore == by_beacon.explore
    assert by_id.explore[0]["beacon"] == beacon
    missing = gql(client, '{ Explore(nearObject: {id: "00000000-0000-0000-0000-0000000000ff"}) { beacon } }')
    assert missing.errors[0]["message"] == "nearObject params: vector not found"


def test_group_by_and_near_object(client, articles):
    col, _, ids, _ = articles
    res = gql(client, f"""{{ Get {{ {col.name}(nearObject: {{id: "{ids[0]}"}},
        groupBy: {{path: ["category"], groups: 2, objectsPerGroup: 2}}) {{
        _additional {{ group {{ count groupedBy {{ value path }} hits {{ title _additional {{ id distance }} }} }} }}
        }} }} }}""")
    assert res.errors is None, res.errors
    grpc = col.query.near_object(ids[0], group_by=GroupBy(prop="category", number_of_groups=2, objects_per_group=2))
    got = {r["_additional"]["group"]["groupedBy"]["value"]: [h["_additional"]["id"]
                                                           for h in r["_additional"]["group"]["hits"]]
           for r in res.get[col.name]}
    assert got == {name: [str(o.uuid) for o in g.objects] for name, g in grpc.groups.items()}


def test_unknown_class_and_property_errors_in_graphql_shape(rest, articles):
    col, *_ = articles
    body = rest.post("/v1/graphql", json={"query": "{ Get { NoSuchClass { title } } }"}).json()
    assert body["data"] is None
    assert body["errors"][0]["message"].startswith('Cannot query field "NoSuchClass" on type "GetObjectsObj".')
    assert body["errors"][0]["locations"] == [{"line": 1, "column": 9}]
    body = rest.post("/v1/graphql", json={"query": f"{{ Get {{ {col.name} {{ nope }} }} }}"}).json()
    assert body["errors"][0]["message"].startswith(f'Cannot query field "nope" on type "{col.name}".')


def test_bad_filter_value_is_a_graphql_error_with_path(rest, articles):
    col, *_ = articles
    body = rest.post("/v1/graphql", json={"query": f"""{{ Get {{ {col.name}(where: {{path: ["words"],
        operator: Equal, valueText: "many"}}) {{ title }} }} }}"""}).json()
    assert body["data"] == {"Get": {col.name: None}}
    error = body["errors"][0]
    assert error["path"] == ["Get", col.name] and error["locations"]
    assert "words" in error["message"]


def test_batch_and_variables(rest, articles):
    col, *_ = articles
    query = f"query($n: Int) {{ Get {{ {col.name}(limit: $n) {{ title }} }} }}"
    replies = rest.post("/v1/graphql/batch", json=[
        {"query": query, "variables": {"n": 2}},
        {"query": f"{{ Aggregate {{ {col.name} {{ meta {{ count }} }} }} }}"}]).json()
    assert len(replies[0]["data"]["Get"][col.name]) == 2
    assert replies[1]["data"]["Aggregate"][col.name] == [{"meta": {"count": 5}}]
    assert rest.post("/v1/graphql", json={"nope": 1}).status_code == 422


def test_schema_change_is_visible(client, rest, articles):
    col, *_ = articles
    col.config.add_property(Property(name="extra", data_type=TEXT))
    col.data.insert({"title": "t", "extra": "e"}, vector=[0.5, 0.5, 0.5])
    body = rest.post("/v1/graphql", json={
        "query": f'{{ Get {{ {col.name}(where: {{path: ["extra"], operator: Equal, valueText: "e"}}) '
                 '{ extra } } }'}).json()
    assert body == {"data": {"Get": {col.name: [{"extra": "e"}]}}}


def test_aliases_fragments_directives_and_typename(rest, articles):
    col, author, _, _ = articles
    query = f"""query Q($withWords: Boolean!, $vec: Vector) {{
      Get {{
        first: {col.name}(nearVector: {{vector: $vec}}, limit: 1) {{ ...T words @include(if: $withWords) __typename }}
        second: {col.name}(nearVector: {{vector: [0, 1, 0]}}, limit: 1) {{ heading: title words @skip(if: true)
          writtenBy {{ ... on {author.name} {{ __typename }} }} }}
      }}
    }}
    fragment T on {col.name} {{ title _additional {{ id }} }}"""
    body = rest.post("/v1/graphql", json={"query": query, "operationName": "Q",
                                          "variables": {"withWords": True, "vec": [1, 0, 0]}}).json()
    assert "errors" not in body, body
    first = body["data"]["Get"]["first"][0]
    assert first["title"] == "Pasta and wine" and first["words"] == 12 and first["__typename"] == col.name
    assert list(first) == ["title", "_additional", "words", "__typename"]
    second = body["data"]["Get"]["second"][0]
    assert second == {"heading": "Bread baking", "writtenBy": [{"__typename": author.name}]}


def test_introspection_is_served(rest, articles):
    col, *_ = articles
    body = rest.post("/v1/graphql", json={"query": '{ __type(name: "GetObjectsObj") { fields { name } } }'}).json()
    assert col.name in {f["name"] for f in body["data"]["__type"]["fields"]}


def test_vector_literal_in_strings_and_comments_is_left_alone(rest, articles):
    col, *_ = articles
    query = f"""{{ Get {{ {col.name}(
        # vector: [9, 9, 9]
        where: {{path: ["title"], operator: Equal, valueText: "vector: [1, 2]"}},
        nearVector: {{vector: [0, 0,
                               1]}}) {{ title }} }} }}"""
    body = rest.post("/v1/graphql", json={"query": query}).json()
    assert body == {"data": {"Get": {col.name: []}}}
    body = rest.post("/v1/graphql", json={"query": f"{{ Get {{ {col.name}(nearVector: {{vector: [0, 0, 1]}}, "
                                                   "limit: 1) { title } } }"}).json()
    assert body == {"data": {"Get": {col.name: [{"title": "Cheese of France"}]}}}
    # a validation error after a lifted vector points at the original text
    query = f"{{ Get {{ {col.name}(nearVector: {{vector: [0.25, 0.5, 0.99999999]}}) {{ nope }} }} }}"
    body = rest.post("/v1/graphql", json={"query": query}).json()
    assert body["errors"][0]["locations"] == [{"line": 1, "column": query.index("nope") + 1}]


def test_bad_variables_are_graphql_errors(rest, articles):
    col, *_ = articles
    body = rest.post("/v1/graphql", json={"query": f"query($n: Int!) {{ Get {{ {col.name}(limit: $n) {{ title }} }} }}",
                                          "variables": {}}).json()
    assert body["data"] is None and "$n" in body["errors"][0]["message"]


def test_where_on_id_and_like_and_contains_any(client, articles):
    col, _, ids, _ = articles
    res = gql(client, f"""{{ Get {{ {col.name}(where: {{operator: Or, operands: [
        {{path: ["id"], operator: Equal, valueText: "{ids[4]}"}},
        {{operator: And, operands: [{{path: ["title"], operator: Like, valueText: "*wine*"}},
                                     {{path: ["tags"], operator: ContainsAny, valueTextArray: ["drink"]}}]}}]}}) {{
        title }} }} }}""")
    assert res.errors is None, res.errors
    assert sorted(r["title"] for r in res.get[col.name]) == ["Cheese of France", "Red wine guide"]


def test_aggregate_near_vector_object_limit_equals_grpc(client, articles):
    col, *_ = articles
    res = gql(client, f"""{{ Aggregate {{ {col.name}(nearVector: {{vector: [1, 0, 0]}}, objectLimit: 2) {{
        meta {{ count }} words {{ sum }} }} }} }}""")
    assert res.errors is None, res.errors
    grpc = col.aggregate.near_vector([1.0, 0.0, 0.0], object_limit=2, total_count=True,
                                     return_metrics=Metrics("words").integer(sum_=True))
    assert res.aggregate[col.name] == [{"meta": {"count": grpc.total_count},
                                        "words": {"sum": grpc.properties["words"].sum_}}]


def test_near_vector_over_several_target_vectors_equals_grpc(client, collection_factory):
    """`targetVectors: ["a", "b"]` joins by minimum (Weaviate's default), exactly as the gRPC target_vector list."""
    col = collection_factory(properties=[Property(name="title", data_type=TEXT)],
                             vector_config=[Configure.Vectors.self_provided(name="a"),
                                            Configure.Vectors.self_provided(name="b")])
    for i, title in enumerate(["one", "two", "three", "four"]):
        col.data.insert({"title": title}, vector={"a": [1.0, i * 0.3, 0.0], "b": [0.0, 1.0 - i * 0.2, i * 0.5]})
    res = gql(client, f"""{{ Get {{ {col.name}(nearVector: {{vector: [1, 0.5, 0], targetVectors: ["a", "b"]}},
        limit: 4) {{ title _additional {{ id distance }} }} }} }}""")
    assert res.errors is None
    rows = res.get[col.name]
    grpc = col.query.near_vector([1.0, 0.5, 0.0], target_vector=["a", "b"], limit=4,
                                 return_metadata=MetadataQuery(distance=True))
    assert [r["_additional"]["id"] for r in rows] == [str(o.uuid) for o in grpc.objects]
    assert [r["_additional"]["distance"] for r in rows] == pytest.approx([o.metadata.distance for o in grpc.objects],
                                                                          abs=1e-6)


def test_query_vector_as_a_float_list_variable(client, rest, articles):
    """Clients declare a query vector as Weaviate's schema types it (`[Float]`, `[Float!]!`): same hits as inline."""
    col, _, _, _ = articles
    inline = gql(client, f"""{{ Get {{ {col.name}(nearVector: {{vector: [1, 0, 0]}}, limit: 3) {{
        title _additional {{ id distance }} }} }} }}""")
    for declared in ("[Float]", "[Float!]!", "[Float]!"):
        body = {"query": f"""query Near($v: {declared}) {{ Get {{ {col.name}(nearVector: {{vector: $v}}, limit: 3) {{
            title _additional {{ id distance }} }} }} }}""", "variables": {"v": [1.0, 0.0, 0.0]}}
        reply = rest.post("/v1/graphql", json=body).json()
        assert "errors" not in reply, reply
        assert reply["data"]["Get"][col.name] == inline.get[col.name]
