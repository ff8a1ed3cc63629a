"""Rerank through the official client: reranker-dummy (Weaviate's test module: score = the document's length in
bytes) on every search type and with group_by, reranker-cohere and reranker-voyageai against local rerank servers, and
reranker-transformers refused as not available."""
from __future__ import annotations

import uuid as uuid_mod

import pytest
import weaviate
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.query import GroupBy, HybridFusion, MetadataQuery, Rerank
from weaviate.exceptions import WeaviateQueryError

import loomdb
from servers import cohere, voyageai
from servers.base import INVALID_TOKEN

pytestmark = pytest.mark.loomdb_only("its own loomdb with ENABLE_MODULES and a local provider server")

ENABLED = ("reranker-dummy", "reranker-cohere", "reranker-voyageai", "generative-dummy")
ROWS = [("a car", "x", [1.0, 0.0]), ("a much longer car title", "y", [0.9, 0.1]), ("mid car title", "x", [0.8, 0.2])]


def make_titles(client: weaviate.WeaviateClient, name: str, reranker):
    client.collections.delete(name)
    col = client.collections.create(
        name, vector_config=Configure.Vectors.self_provided(), reranker_config=reranker,
        generative_config=Configure.Generative.custom("generative-dummy"),
        properties=[Property(name="title", data_type=DataType.TEXT), Property(name="kind", data_type=DataType.TEXT),
                    Property(name="count", data_type=DataType.INT)])
    for i, (title, kind, vec) in enumerate(ROWS):
        col.data.insert({"title": title, "kind": kind, "count": i}, uuid=uuid_mod.UUID(int=i + 1), vector=vec)
    return col


BY_LENGTH = ["a much longer car title", "mid car title", "a car"]


@pytest.mark.parametrize("search", ["near_vector", "near_object", "bm25", "hybrid"])
def test_dummy_rerank_on_every_search_type(connect, search):
    col = make_titles(connect(), f"RerankDummy{search.title().replace('_', '')}",
                      Configure.Reranker.custom("reranker-dummy"))
    rerank = Rerank(prop="title", query="car")
    run = {"near_vector": lambda: col.query.near_vector([1.0, 0.0], rerank=rerank, return_metadata=MetadataQuery(
               distance=True)),
           "bm25": lambda: col.query.bm25("car", rerank=rerank),
           "hybrid": lambda: col.query.hybrid("car", vector=[1.0, 0.0], fusion_type=HybridFusion.RANKED,
                                              rerank=rerank),
           "near_object": lambda: col.query.near_object(uuid_mod.UUID(int=1), rerank=rerank)}[search]
    res = run()
    assert [o.properties["title"] for o in res.objects] == BY_LENGTH
    assert [o.metadata.rerank_score for o in res.objects] == [float(len(t)) for t in BY_LENGTH]


def test_rerank_of_a_non_text_property_scores_empty_documents(connect):
    col = make_titles(connect(), "RerankNonText", Configure.Reranker.custom("reranker-dummy"))
    res = col.query.near_vector([1.0, 0.0], rerank=Rerank(prop="count"))
    assert [o.metadata.rerank_score for o in res.objects] == [0.0, 0.0, 0.0]
    assert [o.properties["title"] for o in res.objects] == ["a car", "a much longer car title", "mid car title"]


def test_group_by_reranks_the_groups(connect):
    col = make_titles(connect(), "RerankGroupBy", Configure.Reranker.custom("reranker-dummy"))
    res = col.query.near_vector([1.0, 0.0], rerank=Rerank(prop="title", query="q"),
                                group_by=GroupBy(prop="kind", number_of_groups=2, objects_per_group=2))
    assert list(res.groups) == ["y", "x"]
    assert res.groups["y"].rerank_score == float(len("a much longer car title"))
    assert res.groups["x"].rerank_score == float(len("a car"))


def test_rerank_then_generate(connect):
    col = make_titles(connect(), "RerankGenerate", Configure.Reranker.custom("reranker-dummy"))
    res = col.generate.near_vector([1.0, 0.0], limit=2, rerank=Rerank(prop="title"), single_prompt="{title}")
    assert [o.properties["title"] for o in res.objects] == ["a much longer car title", "a car"]
    assert res.objects[0].generated.startswith(
        "You want me to generate something based on the following prompt: a much longer car title.")


def test_cohere_rerank_against_a_local_server(connect):
    with cohere.serve(key="co-key") as provider:
        col = make_titles(connect({"X-Cohere-Api-Key": "co-key"}), "RerankCohere",
                          Configure.Reranker.cohere(base_url=provider.url, model="rerank-v3.5"))
        res = col.query.bm25("car", rerank=Rerank(prop="title", query="mid title"))
        assert [o.properties["title"] for o in res.objects][0] == "mid car title"
        assert [o.metadata.rerank_score for o in res.objects] == [1.0, 0.5, 0.0]
        assert provider.requests[-1].body["return_documents"] is False
        bad = connect({"X-Cohere-Api-Key": "nope"}).collections.get("RerankCohere")
        with pytest.raises(WeaviateQueryError) as err:
            bad.query.bm25("car", rerank=Rerank(prop="title", query="x"))
        assert f"connection to Cohere API failed with status: 401 error: {INVALID_TOKEN}" in str(err.value)


def test_reranker_transformers_is_refused_at_start(tmp_path):
    with pytest.raises(ValueError, match="ENABLE_MODULES names reranker-transformers, which is not available in "
                                         "loomdb: no packaged cross-encoder model"):
        loomdb.start_embedded(tmp_path, enable_modules=("reranker-transformers",))
    with pytest.raises(ValueError, match="ENABLE_MODULES names no-such-module, which is not available"):
        loomdb.start_embedded(tmp_path, enable_modules=("no-such-module",))


def test_voyageai_rerank_with_the_base_url_header(connect):
    with voyageai.serve(key="vo-key") as provider:
        client = connect({"X-VoyageAI-Api-Key": "vo-key", "X-VoyageAI-Baseurl": provider.url + "/v1"})
        col = make_titles(client, "RerankVoyage", Configure.Reranker.voyageai(model="rerank-2"))
        res = col.query.near_vector([1.0, 0.0], rerank=Rerank(prop="title", query="longer title"))
        assert [o.metadata.rerank_score for o in res.objects] == [1.0, 0.5, 0.0]
        assert provider.requests[-1].body["model"] == "rerank-2"
        bad = connect({"X-VoyageAI-Api-Key": "nope", "X-VoyageAI-Baseurl": provider.url + "/v1"}).collections.get(
            "RerankVoyage")
        with pytest.raises(WeaviateQueryError) as err:
            bad.query.near_vector([1.0, 0.0], rerank=Rerank(prop="title", query="x"))
        assert f"connection to VoyageAI API failed with status: 401 error: {INVALID_TOKEN}" in str(err.value)
