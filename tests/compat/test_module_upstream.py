"""How module calls reach a provider, through the official client against a loomdb with text2vec-openai pointed
at the local OpenAI-compatible server: MODULES_CLIENT_TIMEOUT bounds every call (Weaviate's 50 s default), and a
429 whose Retry-After is too long to wait for reaches the user at once with the provider's own text."""
from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import weaviate
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.data import DataObject
from weaviate.exceptions import UnexpectedStatusCodeError

import loomdb
from servers.openai_embeddings import OPENAI_ROUTE, EmbeddingServer

pytestmark = pytest.mark.loomdb_only("its own loomdb with MODULES_CLIENT_TIMEOUT and a local embedding server")

KEY = "sk-upstream"
SLOW_SECONDS = 4.0


@pytest.fixture(scope="module")
def provider() -> Iterator[EmbeddingServer]:
    with EmbeddingServer(api_key=KEY) as srv:
        answer = srv.provider.routes[OPENAI_ROUTE]

        def maybe_slow(path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
            if any("slow" in text for text in body.get("input") or []):
                time.sleep(SLOW_SECONDS)
            return answer(path, body, headers)
        srv.provider.routes[OPENAI_ROUTE] = maybe_slow
        yield srv


@pytest.fixture(scope="module")
def client(tmp_path_factory, provider) -> Iterator[weaviate.WeaviateClient]:
    with loomdb.connect_embedded(tmp_path_factory.mktemp("upstream-data"), enable_modules=("text2vec-openai",),
                                 module_env={"MODULES_CLIENT_TIMEOUT": "1s"},
                                 headers={"X-OpenAI-Api-Key": KEY}) as c:
        yield c


@pytest.fixture
def col(client, provider):
    client.collections.delete("UpstreamDoc")
    yield client.collections.create(
        "UpstreamDoc", properties=[Property(name="text", data_type=DataType.TEXT)],
        vector_config=Configure.Vectors.text2vec_openai(base_url=provider.url, vectorize_collection_name=False))
    client.collections.delete("UpstreamDoc")


def test_modules_client_timeout_bounds_a_slow_provider(col):
    col.data.insert({"text": "quick answer"})                    # within the second
    started = time.monotonic()
    with pytest.raises(UnexpectedStatusCodeError) as err:
        col.data.insert({"text": "a slow answer"})
    assert time.monotonic() - started < SLOW_SECONDS - 1
    assert err.value.status_code == 500 and "send POST request" in err.value.message
    assert len(col) == 1


def test_rate_limit_with_a_long_retry_after_reaches_the_user_with_the_providers_text(col, provider):
    provider.provider.fail_next(429, "Rate limit reached for requests, try again in 60s", retry_after="60")
    started = time.monotonic()
    res = col.data.insert_many([DataObject({"text": "one"}), DataObject({"text": "two"}),
                                DataObject({"text": "mine"}, vector=[1.0] * 64)])
    assert time.monotonic() - started < 5
    assert sorted(res.errors) == [0, 1]         # only the objects that needed the provider
    assert res.errors[0].message == ("connection to: OpenAI API failed with status: 429 error: "
                                     "Rate limit reached for requests, try again in 60s (retry after 60s)")
