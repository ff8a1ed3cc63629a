"""Generative search through the official client: generative-dummy (Weaviate's test module, no network) and real
local chat servers (llm-katan's OpenAI/Anthropic echo, Ollama and Cohere servers from their API references):
single prompts with {property} interpolation, grouped tasks, group_by, provider options per request, debug,
metadata, provider refusals and Weaviate's error texts."""
from __future__ import annotations

import uuid as uuid_mod

import pytest
import weaviate
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.generate import GenerativeConfig, GenerativeParameters
from weaviate.classes.query import Filter, GroupBy, MetadataQuery
from weaviate.exceptions import WeaviateQueryError

import loomdb
from servers import cohere, ollama
from servers.base import INVALID_TOKEN
from servers.katan import Katan

pytestmark = pytest.mark.loomdb_only("its own loomdb with ENABLE_MODULES and local provider servers")

ENABLED = ("generative-dummy", "generative-openai", "generative-ollama", "generative-cohere",
           "generative-anthropic", "generative-mistral", "reranker-dummy")
DUMMY_TAIL = ". I'm sorry, I'm just a dummy and can't generate anything."
ROWS = [("fast cars", "cars that go fast", 3, [1.0, 0.0]), ("slow trucks", "trucks that go slowly", 1, [0.9, 0.1]),
        ("bikes", "", 2, [0.0, 1.0])]


@pytest.fixture(scope="module")
def katan(tmp_path_factory):
    k = Katan(tmp_path_factory.mktemp("katan")).wait_ready()
    yield k
    k.stop()


def make_articles(client: weaviate.WeaviateClient, name: str, generative=None):
    client.collections.delete(name)
    col = client.collections.create(
        name, vector_config=Configure.Vectors.self_provided(), generative_config=generative,
        properties=[Property(name="title", data_type=DataType.TEXT), Property(name="body", data_type=DataType.TEXT),
                    Property(name="count", data_type=DataType.INT)])
    for i, (title, body, count, vec) in enumerate(ROWS):
        col.data.insert({"title": title, "body": body, "count": count}, uuid=uuid_mod.UUID(int=i + 1), vector=vec)
    return col


def dummy_text(prompt: str, settings: str = "") -> str:
    return f"You want me to generate something based on the following prompt: {prompt}. With settings: " \
           f"{settings}{DUMMY_TAIL}"


def test_dummy_single_prompt_interpolates_each_object(connect):
    col = make_articles(connect(), "GenDummySingle", Configure.Generative.custom("generative-dummy"))
    res = col.generate.near_vector([1.0, 0.0], limit=2, single_prompt="Describe {title} ({ count }) now")
    assert [o.properties["title"] for o in res.objects] == ["fast cars", "slow trucks"]
    assert [o.generated for o in res.objects] == [dummy_text("Describe fast cars (3) now"),
                                                  dummy_text("Describe slow trucks (1) now")]
    assert res.generated is None


def test_dummy_grouped_task_lists_chosen_properties(connect):
    col = make_articles(connect(), "GenDummyGrouped", Configure.Generative.custom("generative-dummy"))
    res = col.generate.bm25("go", grouped_task="Summarise {title}", grouped_properties=["title", "count"])
    titles = [o.properties["title"] for o in res.objects]
    listed = ",".join(f'{{"count":"{[r[2] for r in ROWS if r[0] == t][0]}","title":"{t}"}}' for t in titles)
    assert res.generated == dummy_text(f"Summarise {titles[0]}: [{listed}]")
    assert all(o.generated is None for o in res.objects)


def test_group_by_with_single_and_grouped(connect):
    col = make_articles(connect(), "GenDummyGroupBy", Configure.Generative.custom("generative-dummy"))
    res = col.generate.near_vector([1.0, 0.0], single_prompt="About {title}", grouped_task="All",
                                   group_by=GroupBy(prop="title", number_of_groups=2, objects_per_group=1))
    assert {name: g.generated for name, g in res.groups.items()} == {
        "fast cars": dummy_text("About fast cars"), "slow trucks": dummy_text("About slow trucks")}
    assert res.generated.startswith("You want me to generate something based on the following prompt: All: [")


def test_missing_or_empty_property_is_weaviates_error(connect):
    col = make_articles(connect(), "GenDummyMissing", Configure.Generative.custom("generative-dummy"))
    for prompt, prop in (("Tell {nope}", "nope"), ("Tell {body}", "body")):
        with pytest.raises(WeaviateQueryError) as err:
            col.generate.fetch_objects(filters=Filter.by_property("title").equal("bikes"), single_prompt=prompt)
        assert (f"Following property has empty value: '{prop}'. Make sure you spell the property name correctly, "
                "verify that the property exists and has a value") in str(err.value)


def test_debug_returns_the_full_prompt(connect):
    col = make_articles(connect(), "GenDummyDebug", Configure.Generative.custom("generative-dummy"))
    res = col.generate.near_vector([1.0, 0.0], limit=1,
                                   single_prompt=GenerativeParameters.single_prompt("Hi {title}", debug=True))
    assert res.objects[0].generative.debug.full_prompt == "Hi fast cars"
    assert res.objects[0].generative.text == dummy_text("Hi fast cars")


def test_no_class_module_and_several_enabled_needs_a_provider(connect):
    col = make_articles(connect(), "GenNoModule")
    with pytest.raises(WeaviateQueryError, match="client not found, empty provider"):
        col.generate.fetch_objects(single_prompt="x {title}")
    res = col.generate.fetch_objects(limit=1, single_prompt="x {title}", generative_provider=GenerativeConfig.dummy())
    assert res.objects[0].generated == dummy_text("x fast cars")


def test_only_enabled_generative_module_is_used(tmp_path):
    with loomdb.connect_embedded(tmp_path, enable_modules=("generative-dummy",)) as client:
        col = make_articles(client, "GenOnlyOne")
        assert col.generate.fetch_objects(limit=1, single_prompt="y {title}").objects[0].generated == \
            dummy_text("y fast cars")


def test_nothing_enabled_is_weaviates_error(tmp_path):
    with loomdb.connect_embedded(tmp_path, enable_modules=()) as client:
        col = make_articles(client, "GenNothing")
        with pytest.raises(WeaviateQueryError, match="no results for generative search despite a search request. "
                                                     "Is a generative module enabled?"):
            col.generate.fetch_objects(single_prompt="y {title}")


def test_openai_compatible_server_gets_the_prompts(connect, katan):
    client = connect({"X-OpenAI-Api-Key": katan.key})
    col = make_articles(client, "GenOpenAI", Configure.Generative.openai(model="gpt-4o-mini", base_url=katan.url))
    res = col.generate.near_vector([1.0, 0.0], limit=2, single_prompt="Summarise {title}",
                                   grouped_task="Rank these", grouped_properties=["title"])
    assert [o.generated.splitlines()[-1] for o in res.objects] == ["User: Summarise fast cars",
                                                                   "User: Summarise slow trucks"]
    assert res.generated.splitlines()[-1] == 'User: Rank these: [{"title":"fast cars"},{"title":"slow trucks"}]'


def test_openai_options_per_request_metadata_and_debug(connect, katan):
    client = connect({"X-OpenAI-Api-Key": katan.key})
    col = make_articles(client, "GenOpenAIOptions", Configure.Generative.custom("generative-dummy"))
    res = col.generate.near_vector(
        [1.0, 0.0], limit=1,
        single_prompt=GenerativeParameters.single_prompt("Q {title}", metadata=True, debug=True),
        generative_provider=GenerativeConfig.openai(model="gpt-4o-mini", base_url=katan.url, max_tokens=64,
                                                    temperature=0.0))
    single = res.objects[0].generative
    assert "max_tokens=64 temperature=0.0" in single.text.splitlines()[0]
    assert single.text.splitlines()[-1] == "User: Q fast cars"
    assert single.debug.full_prompt == "Q fast cars"
    assert single.metadata.usage.total_tokens > 0


def test_openai_401_reaches_the_user(connect, katan):
    client = connect({"X-OpenAI-Api-Key": "sk-wrong"})
    col = make_articles(client, "GenOpenAI401", Configure.Generative.openai(model="gpt-4o-mini", base_url=katan.url))
    with pytest.raises(WeaviateQueryError) as err:
        col.generate.fetch_objects(limit=1, single_prompt="x {title}")
    assert ("connection to: OpenAI API failed with status: 401 error: invalid API key for openai: got 'sk-wrong', "
            f"expected '{katan.key}'") in str(err.value)


def test_openai_key_missing_is_weaviates_error(connect, katan):
    col = make_articles(connect(), "GenOpenAINoKey",
                        Configure.Generative.openai(model="gpt-4o-mini", base_url=katan.url))
    with pytest.raises(WeaviateQueryError, match="no api key found neither in request header: X-Openai-Api-Key "
                                                 "nor in environment variable under OPENAI_APIKEY"):
        col.generate.fetch_objects(limit=1, single_prompt="x {title}")


def test_anthropic_through_the_echo_server(connect, katan):
    client = connect({"X-Anthropic-Api-Key": katan.key})
    col = make_articles(client, "GenAnthropic", Configure.Generative.anthropic(base_url=katan.url))
    res = col.generate.fetch_objects(limit=1, single_prompt="Hey {title}")
    assert res.objects[0].generated.splitlines()[-1] == "User: Hey fast cars"


def test_ollama_server_and_request_override(connect):
    with ollama.serve(("llama3", "mistral")) as provider:
        col = make_articles(connect(), "GenOllama",
                            Configure.Generative.ollama(api_endpoint=provider.url, model="llama3"))
        res = col.generate.fetch_objects(limit=1, single_prompt="Say {title}")
        assert res.objects[0].generated == "ollama(llama3, t=None): Say fast cars"
        res = col.generate.fetch_objects(limit=1, single_prompt="Say {title}",
                                         generative_provider=GenerativeConfig.ollama(model="mistral",
                                                                                     temperature=0.5))
        assert res.objects[0].generated == "ollama(mistral, t=0.5): Say fast cars"
        last = provider.requests[-1]
        assert (last.path, last.body) == ("/api/generate", {"model": "mistral", "prompt": "Say fast cars",
                                                            "stream": False, "options": {"temperature": 0.5}})
        with pytest.raises(WeaviateQueryError, match='connection to Ollama API failed with error: model '
                                                     '\\\\?"gone\\\\?" not found, try pulling it first'):
            col.generate.fetch_objects(limit=1, single_prompt="Say {title}",
                                       generative_provider=GenerativeConfig.ollama(model="gone"))


def test_cohere_server_metadata_and_401(connect):
    with cohere.serve(key="co-key") as provider:
        col = make_articles(connect({"X-Cohere-Api-Key": "co-key"}), "GenCohere",
                            Configure.Generative.cohere(base_url=provider.url))
        res = col.generate.fetch_objects(
            limit=1, single_prompt=GenerativeParameters.single_prompt("C {title}", metadata=True),
            generative_provider=GenerativeConfig.cohere(base_url=provider.url))
        assert res.objects[0].generative.text == "cohere: C fast cars"
        assert res.objects[0].generative.metadata.billed_units.output_tokens == 2
        bad = connect({"X-Cohere-Api-Key": "nope"}).collections.get("GenCohere")
        with pytest.raises(WeaviateQueryError) as err:
            bad.generate.fetch_objects(limit=1, single_prompt="C {title}")
        assert f"connection to Cohere API failed with status: 401 error: {INVALID_TOKEN}" in str(err.value)


def test_more_than_ten_objects_each_get_their_generation(connect):
    col = make_articles(connect(), "GenDummyMany", Configure.Generative.custom("generative-dummy"))
    col.data.insert_many([{"title": f"t{i}", "body": "b", "count": i} for i in range(20)])
    res = col.generate.fetch_objects(limit=23, single_prompt="{title}")
    assert [o.generated for o in res.objects] == [dummy_text(o.properties["title"]) for o in res.objects]


def test_search_metadata_alongside_generation(connect):
    col = make_articles(connect(), "GenDummyMeta", Configure.Generative.custom("generative-dummy"))
    res = col.generate.near_vector([1.0, 0.0], limit=1, single_prompt="{title}",
                                   return_metadata=MetadataQuery(distance=True))
    assert res.objects[0].metadata.distance == pytest.approx(0.0, abs=1e-6)


def test_mistral_speaks_the_chat_completions_shape(connect, katan):
    client = connect({"X-Mistral-Api-Key": katan.key})
    col = make_articles(client, "GenMistral", Configure.Generative.mistral(base_url=katan.url, max_tokens=32))
    res = col.generate.fetch_objects(limit=1, single_prompt="M {title}")
    assert "max_tokens=32" in res.objects[0].generated.splitlines()[0]
    assert res.objects[0].generated.splitlines()[-1] == "User: M fast cars"


def test_images_from_blob_properties_and_the_request_reach_the_provider(connect):
    """images / image_properties on a prompt: each object's stored image (its blob property), then the images
    given with the request, sent as the provider's images (Ollama's `images` field)."""
    posters = {1: "UE9TVEVSMQ==", 2: "UE9TVEVSMg=="}
    given = "R0lWRU4="
    with ollama.serve(("llava",)) as provider:
        client = connect()
        client.collections.delete("GenImages")
        col = client.collections.create(
            "GenImages", vector_config=Configure.Vectors.self_provided(),
            generative_config=Configure.Generative.ollama(api_endpoint=provider.url, model="llava"),
            properties=[Property(name="title", data_type=DataType.TEXT),
                        Property(name="poster", data_type=DataType.BLOB)])
        for n, poster in posters.items():
            col.data.insert({"title": f"film {n}", "poster": poster}, uuid=uuid_mod.UUID(int=n), vector=[1.0, n])
        runtime = GenerativeConfig.ollama(api_endpoint=provider.url, model="llava")
        res = col.generate.fetch_objects(
            limit=1, generative_provider=runtime,
            single_prompt=GenerativeParameters.single_prompt("Describe {title}", images=[given],
                                                             image_properties=["poster"]))
        assert res.objects[0].generative.text == "ollama(llava, t=None): Describe film 1"
        assert provider.requests[-1].body["images"] == [posters[1], given]
        col.generate.fetch_objects(
            limit=2, generative_provider=runtime,
            grouped_task=GenerativeParameters.grouped_task("Compare", image_properties=["poster"]))
        grouped = provider.requests[-1].body
        assert grouped["images"] == [posters[1], posters[2]]
        assert grouped["prompt"] == "Compare: []"       # Weaviate lists only the image properties: no text
