"""A generation failing for one object over GraphQL (Weaviate's generate_result.go setIndividualResult /
setCombinedResult): the query answers, that object's `_additional { generate { error } }` carries the reason
(a prompt property without a value, the provider's refusal with its text), the other objects their texts; a
failed grouped task is the first object's error. gRPC keeps failing the whole query (test_generative.py)."""
from __future__ import annotations

import warnings
from typing import Any

import pytest
from weaviate.classes.config import Configure

from servers import cohere
from servers.base import FakeProvider

pytestmark = pytest.mark.loomdb_only("its own loomdb with ENABLE_MODULES and a local provider server")

# title, body: the third has no body (the `{body}` prompt cannot be filled for it)
ROWS = [("fast cars", "cars that go fast"), ("slow trucks", "trucks that go slowly"), ("bikes", "")]
ENABLED = ("generative-dummy", "generative-cohere")
REFUSED = "prompt refused by the provider's policy"


def _collection(client, name: str, generative) -> None:
    client.collections.delete(name)
    col = client.collections.create(name, vector_config=Configure.Vectors.self_provided(),
                                    generative_config=generative)
    for i, (title, body) in enumerate(ROWS):
        col.data.insert({"title": title, "body": body, "n": i}, vector=[1.0, float(i)])


def _rows(client, name: str, generate: str) -> list[dict[str, Any]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        res = client.graphql_raw_query(f"""{{ Get {{ {name}(sort: [{{path: ["n"]}}]) {{ title
            _additional {{ generate({generate}) {{ singleResult groupedResult error }} }} }} }} }}""")
    assert res.errors is None, res.errors
    return res.get[name]


def test_empty_prompt_property_is_that_objects_error(connect):
    client = connect()
    _collection(client, "GqlGenEmpty", Configure.Generative.custom("generative-dummy"))
    rows = _rows(client, "GqlGenEmpty", 'singleResult: {prompt: "Summarise {body}"}')
    generated = [r["_additional"]["generate"] for r in rows]
    assert [g["error"] for g in generated[:2]] == [None, None]
    assert "Summarise cars that go fast" in generated[0]["singleResult"]
    assert generated[2]["singleResult"] is None
    assert generated[2]["error"] == ("Following property has empty value: 'body'. Make sure you spell the property "
                                     "name correctly, verify that the property exists and has a value")


def _refusing(provider: FakeProvider, word: str) -> None:
    """The provider's chat refuses (400, its own error body) every prompt containing `word`."""
    answer = provider.routes["/v2/chat"]

    def chat(path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        if word in body["messages"][-1]["content"]:
            return 400, cohere.error_body(REFUSED)
        return answer(path, body, headers)
    provider.routes["/v2/chat"] = chat


def test_provider_refusal_is_that_objects_error_with_the_providers_text(connect):
    with cohere.serve(key="co-key") as provider:
        _refusing(provider, "bikes")
        client = connect({"X-Cohere-Api-Key": "co-key"})
        _collection(client, "GqlGenRefused", Configure.Generative.cohere(base_url=provider.url))
        rows = _rows(client, "GqlGenRefused", 'singleResult: {prompt: "About {title}"}')
        generated = [r["_additional"]["generate"] for r in rows]
        assert [g["singleResult"] for g in generated] == ["cohere: About fast cars", "cohere: About slow trucks",
                                                          None]
        assert generated[2]["error"] == f"connection to Cohere API failed with status: 400 error: {REFUSED}"

        rows = _rows(client, "GqlGenRefused", 'singleResult: {prompt: "About {title}"}, '
                                              'groupedResult: {task: "All about bikes"}')
        first, second = rows[0]["_additional"]["generate"], rows[1]["_additional"]["generate"]
        assert first["groupedResult"] is None and first["singleResult"] == "cohere: About fast cars"
        assert first["error"] == f"connection to Cohere API failed with status: 400 error: {REFUSED}"
        assert second == {"singleResult": "cohere: About slow trucks", "groupedResult": None, "error": None}
