"""GraphQL's module features (nearText with moveTo / moveAwayFrom, hybrid's nearText sub-search, Aggregate and
Explore nearText, `_additional { rerank generate }`) through `client.graphql_raw_query` and raw HTTP with the
key header, each answer compared with the same query over gRPC through the official client. An embedded loomdb
with text2vec-openai (pointed at the local embedding server), generative-dummy and reranker-dummy."""
from __future__ import annotations

import uuid as uuid_mod
import warnings
from collections.abc import Iterator

import httpx
import pytest
import weaviate
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.query import HybridVector, MetadataQuery, Move, Rerank, TargetVectors

import loomdb
from servers.openai_embeddings import EmbeddingServer

pytestmark = pytest.mark.loomdb_only("its own loomdb with ENABLE_MODULES and a local embedding server")

KEY = "sk-test"
ENABLED = ("text2vec-openai", "generative-dummy", "reranker-dummy")
DOCS = ["fast red cars", "slow green trucks", "blue ocean waves", "red sports cars and trucks",
        "green ocean trucks"]
NAME = "GqlModDoc"


def _uid(i: int) -> str:
    return str(uuid_mod.UUID(int=i + 1))


@pytest.fixture(scope="module")
def provider() -> Iterator[EmbeddingServer]:
    with EmbeddingServer(api_key=KEY) as srv:
        yield srv


@pytest.fixture(scope="module")
def server(tmp_path_factory, provider):
    srv = loomdb.start_embedded(tmp_path_factory.mktemp("gqlmod-data"), enable_modules=ENABLED)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(server) -> Iterator[weaviate.WeaviateClient]:
    c = weaviate.connect_to_local(host="127.0.0.1", port=server.rest_port, grpc_port=server.grpc_port,
                                  headers={"X-OpenAI-Api-Key": KEY}, skip_init_checks=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def col(client, provider):
    client.collections.delete(NAME)
    created = client.collections.create(
        NAME, properties=[Property(name="text", data_type=DataType.TEXT),
                          Property(name="count", data_type=DataType.INT)],
        vector_config=Configure.Vectors.text2vec_openai(name="body", base_url=provider.url, dimensions=64,
                                                        vectorize_collection_name=False),
        generative_config=Configure.Generative.custom("generative-dummy"),
        reranker_config=Configure.Reranker.custom("reranker-dummy"))
    for i, text in enumerate(DOCS):
        created.data.insert({"text": text, "count": i}, uuid=_uid(i))
    return created


def _raw(client, query: str):
    """client.graphql_raw_query without its deprecation warning (Dep031)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return client.graphql_raw_query(query)


def _get(client, query: str) -> list[dict]:
    result = _raw(client, query)
    assert not result.errors, result.errors
    return result.get[NAME]


def _grpc_hits(objects) -> list[tuple[str, float]]:
    return [(str(o.uuid), round(o.metadata.distance, 5)) for o in objects]


def _gql_hits(rows) -> list[tuple[str, float]]:
    return [(r["_additional"]["id"], round(r["_additional"]["distance"], 5)) for r in rows]


def test_near_text_with_moves_equals_grpc(client, col):
    rows = _get(client, f"""{{ Get {{ {NAME}(limit: 4, nearText: {{concepts: ["red cars", "trucks"],
        distance: 1.5, targetVectors: ["body"],
        moveTo: {{concepts: ["ocean"], force: 0.5, objects: [{{beacon: "weaviate://localhost/{NAME}/{_uid(2)}"}}]}},
        moveAwayFrom: {{concepts: ["slow"], force: 0.3, objects: [{{id: "{_uid(1)}"}}]}}}})
        {{ text _additional {{ id distance }} }} }} }}""")
    grpc = col.query.near_text(
        ["red cars", "trucks"], distance=1.5, limit=4, target_vector="body",
        move_to=Move(force=0.5, concepts=["ocean"], objects=[_uid(2)]),
        move_away=Move(force=0.3, concepts=["slow"], objects=[_uid(1)]),
        return_metadata=MetadataQuery(distance=True))
    assert _gql_hits(rows) == _grpc_hits(grpc.objects) and len(rows) == 4
    assert [r["text"] for r in rows] == [o.properties["text"] for o in grpc.objects]


def test_near_text_certainty_and_plain_equal_grpc(client, col):
    rows = _get(client, f"""{{ Get {{ {NAME}(nearText: {{concepts: ["green trucks"], certainty: 0.4}})
        {{ _additional {{ id distance certainty }} }} }} }}""")
    grpc = col.query.near_text("green trucks", certainty=0.4, return_metadata=MetadataQuery(distance=True))
    assert _gql_hits(rows) == _grpc_hits(grpc.objects)
    assert all(r["_additional"]["certainty"] >= 0.4 for r in rows)


def test_key_header_reaches_the_module(server, col, provider):
    query = f'{{ Get {{ {NAME}(nearText: {{concepts: ["ocean"]}}, limit: 1) {{ text }} }} }}'
    url = f"http://127.0.0.1:{server.rest_port}/v1/graphql"
    keyed = httpx.post(url, json={"query": query}, headers={"X-OpenAI-Api-Key": KEY}).json()
    assert keyed == {"data": {"Get": {NAME: [{"text": "blue ocean waves"}]}}}
    assert provider.headers[-1]["authorization"] == f"Bearer {KEY}"
    wrong = httpx.post(url, json={"query": query}, headers={"X-OpenAI-Api-Key": "sk-wrong"}).json()
    assert wrong["data"] == {"Get": {NAME: None}}
    assert wrong["errors"][0]["path"] == ["Get", NAME] and "401" in wrong["errors"][0]["message"]


def test_hybrid_near_text_search_equals_grpc(client, col):
    rows = _get(client, f"""{{ Get {{ {NAME}(limit: 3, hybrid: {{query: "trucks", alpha: 0.6,
        searches: [{{nearText: {{concepts: ["ocean waves"], moveTo: {{concepts: ["green"], force: 0.4}}}}}}]}})
        {{ _additional {{ id score }} }} }} }}""")
    grpc = col.query.hybrid("trucks", alpha=0.6, limit=3, return_metadata=MetadataQuery(score=True),
                            vector=HybridVector.near_text("ocean waves", move_to=Move(force=0.4, concepts="green")))
    assert [(r["_additional"]["id"], float(r["_additional"]["score"])) for r in rows] == \
        [(str(o.uuid), pytest.approx(o.metadata.score, abs=1e-6)) for o in grpc.objects]


def test_aggregate_near_text_equals_grpc(client, col):
    result = _raw(client, f"""{{ Aggregate {{ {NAME}(objectLimit: 2,
        nearText: {{concepts: ["red cars"]}}) {{ meta {{ count }} count {{ sum }} }} }} }}""")
    assert not result.errors, result.errors
    grpc = col.aggregate.near_text("red cars", object_limit=2, total_count=True,
                                   return_metrics=[weaviate.classes.aggregate.Metrics("count").integer(sum_=True)])
    row = result.aggregate[NAME][0]
    assert row["meta"]["count"] == grpc.total_count == 2
    assert row["count"]["sum"] == grpc.properties["count"].sum_


def test_explore_near_text(client, col):
    result = _raw(client, '{ Explore(nearText: {concepts: ["blue ocean"]}, limit: 3) '
                                      '{ beacon className distance certainty } }')
    assert not result.errors, result.errors
    grpc = col.query.near_text("blue ocean", limit=3, return_metadata=MetadataQuery(distance=True))
    rows = [r for r in result.explore if r["className"] == NAME]
    assert [(r["beacon"].rsplit("/", 1)[1], round(r["distance"], 5)) for r in rows] == _grpc_hits(grpc.objects)
    assert rows[0]["beacon"] == f"weaviate://localhost/{NAME}/{_uid(2)}"


def test_rerank_equals_grpc(client, col):
    rows = _get(client, f"""{{ Get {{ {NAME}(limit: 4, nearText: {{concepts: ["trucks"]}})
        {{ text _additional {{ id rerank(property: "text", query: "trucks") {{ score }} }} }} }} }}""")
    grpc = col.query.near_text("trucks", limit=4, rerank=Rerank(prop="text", query="trucks"))
    assert [(r["_additional"]["id"], r["_additional"]["rerank"]) for r in rows] == \
        [(str(o.uuid), [{"score": o.metadata.rerank_score}]) for o in grpc.objects]
    scores = [r["_additional"]["rerank"][0]["score"] for r in rows]
    assert scores == sorted(scores, reverse=True) and scores[0] == len(rows[0]["text"])   # the dummy: length


def test_generate_single_and_grouped_equal_grpc(client, col):
    rows = _get(client, f"""{{ Get {{ {NAME}(limit: 3, nearText: {{concepts: ["cars"]}}) {{ text
        _additional {{ id generate(singleResult: {{prompt: "Describe {{text}}"}},
                                  groupedResult: {{task: "Summarise", properties: ["text"]}})
                       {{ singleResult groupedResult error }} }} }} }} }}""")
    grpc = col.generate.near_text("cars", limit=3, single_prompt="Describe {text}", grouped_task="Summarise",
                                  grouped_properties=["text"])
    assert [r["_additional"]["id"] for r in rows] == [str(o.uuid) for o in grpc.objects]
    assert [r["_additional"]["generate"]["singleResult"] for r in rows] == [o.generated for o in grpc.objects]
    assert rows[0]["_additional"]["generate"]["groupedResult"] == grpc.generated
    assert [r["_additional"]["generate"]["groupedResult"] for r in rows[1:]] == [None, None]
    assert [r["_additional"]["generate"]["error"] for r in rows] == [None, None, None]
    assert rows[0]["_additional"]["generate"]["singleResult"].startswith(
        f"You want me to generate something based on the following prompt: Describe {rows[0]['text']}.")


def test_generate_grouped_only_sits_on_the_first_object(client, col):
    rows = _get(client, f"""{{ Get {{ {NAME}(limit: 2, where: {{path: ["count"], operator: LessThan,
        valueInt: 2}}) {{ _additional {{ generate(groupedResult: {{task: "Join"}}) {{ singleResult groupedResult
        error }} }} }} }} }}""")
    grpc = col.generate.fetch_objects(limit=2, grouped_task="Join",
                                      filters=weaviate.classes.query.Filter.by_property("count").less_than(2))
    assert rows[0]["_additional"]["generate"] == {"singleResult": None, "groupedResult": grpc.generated,
                                                  "error": None}
    assert rows[1]["_additional"]["generate"] is None


def test_near_text_multi_target_join_equals_grpc(client, provider):
    """nearText's `targets {targetVectors, combinationMethod, weights}`: the concepts vectorised per target and
    joined as over gRPC (manual weights and relative score)."""
    name = "GqlModTwoSpaces"
    client.collections.delete(name)
    two = client.collections.create(
        name, properties=[Property(name="text", data_type=DataType.TEXT),
                          Property(name="title", data_type=DataType.TEXT)],
        vector_config=[Configure.Vectors.text2vec_openai(name=n, base_url=provider.url, dimensions=64,
                                                         source_properties=[n], vectorize_collection_name=False)
                       for n in ("text", "title")])
    for i, text in enumerate(DOCS):
        two.data.insert({"text": text, "title": DOCS[-1 - i]}, uuid=_uid(i))
    for method, join in (("manualWeights", TargetVectors.manual_weights({"text": 0.3, "title": 1.2})),
                         ("relativeScore", TargetVectors.relative_score({"text": 1.0, "title": 0.4}))):
        rows = _raw(client, f"""{{ Get {{ {name}(limit: 4, nearText: {{concepts: ["green trucks"], targets: {{
            targetVectors: ["text", "title"], combinationMethod: {method},
            weights: {{text: {join.weights["text"]}, title: {join.weights["title"]}}}}}}})
            {{ _additional {{ id distance }} }} }} }}""")
        assert not rows.errors, rows.errors
        grpc = two.query.near_text("green trucks", limit=4, target_vector=join,
                                   return_metadata=MetadataQuery(distance=True))
        assert _gql_hits(rows.get[name]) == _grpc_hits(grpc.objects) and len(grpc.objects) == 4
    client.collections.delete(name)
