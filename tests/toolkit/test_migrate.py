"""`loomdb migrate copy` through the real CLI between two real loomdb servers started here: schema (named vectors,
compression, multi-tenancy with tenant states, references, aliases), objects with their vectors, validation;
an interrupted copy resumed from its checkpoint without duplicates; exit codes 3 (unreachable) and 4 (usage)."""
from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid as uuidlib
from collections.abc import Iterator

import httpx
import jsonschema
import numpy as np
import pytest
import weaviate
from click.testing import CliRunner
from weaviate.classes.config import Configure, DataType, Property, ReferenceProperty
from weaviate.classes.data import DataObject
from weaviate.classes.tenants import Tenant, TenantActivityStatus

import loomdb
from loomdb.cli.main import cli as cli_main
from loomdb.toolkit.schema import REPORT_SCHEMA


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[tuple]:
    a = loomdb.start_embedded(tmp_path_factory.mktemp("migrate-src"))
    b = loomdb.start_embedded(tmp_path_factory.mktemp("migrate-dst"))
    yield a, b
    a.stop()
    b.stop()


def _client(server) -> weaviate.WeaviateClient:
    return weaviate.connect_to_local(host="127.0.0.1", port=server.rest_port, grpc_port=server.grpc_port,
                                     skip_init_checks=True)


@pytest.fixture(scope="module")
def clients(servers) -> Iterator[tuple[weaviate.WeaviateClient, weaviate.WeaviateClient]]:
    src, dst = _client(servers[0]), _client(servers[1])
    yield src, dst
    src.close()
    dst.close()


def _url(server) -> str:
    return f"http://127.0.0.1:{server.rest_port}?grpc_port={server.grpc_port}"


def _vectors(rng, n: int, dim: int) -> list[list[float]]:
    return rng.normal(size=(n, dim)).astype(np.float32).tolist()


def _plant(src: weaviate.WeaviateClient) -> None:
    rng = np.random.default_rng(1)
    author = src.collections.create("Author", properties=[Property(name="name", data_type=DataType.TEXT)],
                                    vector_config=Configure.Vectors.self_provided())
    article = src.collections.create(
        "Article",
        properties=[Property(name="title", data_type=DataType.TEXT), Property(name="rank", data_type=DataType.INT),
                    Property(name="tags", data_type=DataType.TEXT_ARRAY),
                    Property(name="score", data_type=DataType.NUMBER, index_range_filters=True)],
        references=[ReferenceProperty(name="writtenBy", target_collection="Author")],
        vector_config=[
            Configure.Vectors.self_provided(name="title", vector_index_config=Configure.VectorIndex.hnsw(
                ef=77, max_connections=12, quantizer=Configure.VectorIndex.Quantizer.bq())),
            Configure.Vectors.self_provided(name="body", vector_index_config=Configure.VectorIndex.flat())],
        inverted_index_config=Configure.inverted_index(bm25_b=0.6, bm25_k1=1.1, index_null_state=True))
    src.collections.use("Author").config.add_reference(ReferenceProperty(name="wrote", target_collection="Article"))
    authors = [str(uuidlib.UUID(int=i + 1)) for i in range(5)]
    author.data.insert_many([DataObject(properties={"name": f"a{i}"}, uuid=u, vector=v)
                             for i, (u, v) in enumerate(zip(authors, _vectors(rng, 5, 8)))])
    titles, bodies = _vectors(rng, 300, 128), _vectors(rng, 300, 16)
    article.data.insert_many([DataObject(
        properties={"title": f"t{i}", "rank": i, "tags": ["x", f"y{i % 3}"], "score": i / 7},
        uuid=str(uuidlib.UUID(int=1000 + i)), vector={"title": titles[i], "body": bodies[i]},
        references={"writtenBy": authors[i % 5]}) for i in range(300)])
    for i, u in enumerate(authors):
        author.data.reference_add(u, "wrote", str(uuidlib.UUID(int=1000 + i)))
    notes = src.collections.create("Notes", properties=[Property(name="body", data_type=DataType.TEXT)],
                                   multi_tenancy_config=Configure.multi_tenancy(enabled=True),
                                   vector_config=Configure.Vectors.self_provided())
    notes.tenants.create([Tenant(name=f"t{i}") for i in range(3)])
    for i in range(3):
        notes.with_tenant(f"t{i}").data.insert_many(
            [DataObject(properties={"body": f"n{i}-{j}"}, vector=v) for j, v in enumerate(_vectors(rng, 40 + i, 4))])
    notes.tenants.update([Tenant(name="t2", activity_status=TenantActivityStatus.INACTIVE)])
    src.alias.create(alias_name="Papers", target_collection="Article")


def test_copy_schema_tenants_references_aliases_and_validation(cli, servers, clients):
    src, dst = clients
    _plant(src)
    run = cli("migrate", "copy", _url(servers[0]), _url(servers[1]), "Author", "Article", "Notes", "--json",
              "--sample", "50")
    document = run.json()
    jsonschema.validate(document, REPORT_SCHEMA)
    assert run.code == 0, (run.out, run.err)
    assert document["measurements"]["objects_copied"] == 5 + 300 + 40 + 41 + 42
    assert document["measurements"]["references_copied"] == 300 + 5
    assert document["measurements"]["aliases_copied"] == ["Papers"]
    validation = document["measurements"]["validation"]
    assert validation["objects_differing"] == 0 and validation["objects_compared"] >= 100
    assert validation["counts"]["Notes/t2"] == {"source": 42, "destination": 42}

    with httpx.Client() as http:
        for name in ("Author", "Article", "Notes"):
            mine = http.get(f"http://127.0.0.1:{servers[0].rest_port}/v1/schema/{name}").json()
            theirs = http.get(f"http://127.0.0.1:{servers[1].rest_port}/v1/schema/{name}").json()
            assert sorted(theirs["properties"], key=str) == sorted(mine["properties"], key=str), name
            for key in ("vectorConfig", "vectorIndexConfig", "invertedIndexConfig",
                        "multiTenancyConfig", "replicationConfig"):
                assert theirs.get(key) == mine.get(key), (name, key)
    states = {n: t.activity_status for n, t in dst.collections.use("Notes").tenants.get().items()}
    assert states == {"t0": TenantActivityStatus.ACTIVE, "t1": TenantActivityStatus.ACTIVE,
                      "t2": TenantActivityStatus.INACTIVE}
    assert src.collections.use("Notes").tenants.get()["t2"].activity_status == TenantActivityStatus.INACTIVE
    assert dst.alias.get(alias_name="Papers").collection == "Article"

    from weaviate.classes.query import QueryReference
    for name, link in (("Article", "writtenBy"), ("Author", "wrote")):
        def view(client, name=name, link=link):
            return {str(o.uuid): (o.properties, o.vector, sorted(str(r.uuid) for r in o.references[link].objects)
                                  if o.references else [])
                    for o in client.collections.use(name).query.fetch_objects(
                        limit=1000, include_vector=True, return_references=QueryReference(link_on=link)).objects}
        assert view(dst) == view(src)


def _bulk(src: weaviate.WeaviateClient, name: str, n: int) -> None:
    rng = np.random.default_rng(5)
    bulk = src.collections.create(name, properties=[Property(name="i", data_type=DataType.INT)],
                                  vector_config=Configure.Vectors.self_provided())
    bulk.data.insert_many([DataObject(properties={"i": i}, vector=v) for i, v in enumerate(_vectors(rng, n, 32))])


def test_interrupted_copy_resumes_from_its_checkpoint_without_duplicates(cli, servers, clients, tmp_path):
    src, dst = clients
    _bulk(src, "Bulk", 1200)
    checkpoint = tmp_path / "ck.json"
    args = ("migrate", "copy", _url(servers[0]), _url(servers[1]), "Bulk", "--batch-size", "100",
            "--checkpoint", str(checkpoint), "--json")
    first = cli(*args, "--stop-after", "500", "--writers", "1")
    assert first.code == 1 and first.json()["findings"][0]["check"] == "migrate.interrupted"
    assert len(dst.collections.use("Bulk")) == 500
    second = cli(*args)
    assert second.code == 0, second.out
    assert second.json()["measurements"]["resumed"] is True
    assert second.json()["measurements"]["objects_copied"] == 700
    assert len(dst.collections.use("Bulk")) == 1200
    assert sorted(o.properties["i"] for o in dst.collections.use("Bulk").iterator()) == list(range(1200))


def test_killed_copy_resumes(servers, clients, tmp_path, cli):
    src, dst = clients
    _bulk(src, "Killed", 3000)
    checkpoint = tmp_path / "ck.json"
    args = ["migrate", "copy", _url(servers[0]), _url(servers[1]), "Killed", "--batch-size", "50",
            "--checkpoint", str(checkpoint)]
    proc = subprocess.Popen([sys.executable, "-m", "loomdb", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not checkpoint.exists() or "Killed" not in checkpoint.read_text():
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    assert len(dst.collections.use("Killed")) < 3000
    run = cli(*args, "--json")
    assert run.code == 0, run.out
    assert len(dst.collections.use("Killed")) == 3000
    assert run.json()["measurements"]["validation"]["counts"]["Killed"] == {"source": 3000, "destination": 3000}


def test_exit_codes(cli, servers, unused_port):
    reachable = _url(servers[1])
    down = cli("migrate", "copy", f"http://127.0.0.1:{unused_port}", reachable, "--json")
    assert down.code == 3 and down.json()["unreachable"] is True
    assert cli("migrate", "copy", "ftp://nowhere", reachable).code == 4
    missing = cli("migrate", "copy", _url(servers[0]), reachable, "NoSuchClass", "--json")
    assert missing.code == 2 and "NoSuchClass" in missing.out


@pytest.mark.parametrize("args", [("copy", "http://127.0.0.1:1"), ("copy", "http://a:1", "http://a:1"),
                                  ("copy", "http://a:1", "http://b:1", "--bogus"), ("nonsense",),
                                  ("copy", "http://a:1", "http://b:1?grpc_port=x")])
def test_usage_errors_exit_4(args):
    """The same click command in-process (a subprocess per case would cost seconds each on CI)."""
    assert CliRunner().invoke(cli_main, ["migrate", *args]).exit_code == 4


V3_EXPORT = {"classes": [
    {"class": "Story", "description": "A news article", "vectorizer": "text2vec-openai",
     "moduleConfig": {"text2vec-openai": {"model": "ada", "modelVersion": "002", "type": "text",
                                          "vectorizeClassName": False}},
     "vectorIndexType": "hnsw",
     "vectorIndexConfig": {"distance": "cosine", "ef": 100, "efConstruction": 128, "maxConnections": 32},
     "invertedIndexConfig": {"bm25": {"b": 0.7, "k1": 1.1}, "indexTimestamps": True},
     "properties": [
         {"name": "title", "dataType": ["string"], "tokenization": "field",
          "moduleConfig": {"text2vec-openai": {"skip": False, "vectorizePropertyName": True}}},
         {"name": "body", "dataType": ["text"], "indexInverted": False},
         {"name": "wordCount", "dataType": ["int"]},
         {"name": "tags", "dataType": ["string[]"]},
         {"name": "hasAuthors", "dataType": ["Writer"]}]},
    {"class": "Writer", "vectorizer": "none", "vectorIndexConfig": {"distance": "dot"},
     "multiTenancyConfig": {"enabled": False},
     "properties": [{"name": "name", "dataType": ["string"]}, {"name": "wrote", "dataType": ["Story"]}]},
]}


def _config_view(http: httpx.Client, name: str) -> dict:
    config = http.get(f"/v1/schema/{name}").json()
    props = {p["name"]: (p["dataType"], p.get("tokenization"), p.get("indexFilterable"), p.get("indexSearchable"))
             for p in config["properties"]}
    return {"props": props, "vectors": {k: (next(iter(v["vectorizer"])), v["vectorIndexConfig"].get("distance"),
                                            v["vectorIndexConfig"].get("ef"))
                                        for k, v in (config.get("vectorConfig") or {}).items()},
            "legacy": (config.get("vectorizer"), config.get("vectorIndexConfig", {}).get("distance")),
            "bm25": config["invertedIndexConfig"]["bm25"]}


def test_schema_v3_to_v4_python_and_apply(cli, servers, clients, tmp_path):
    """The printed Python, run with the v4 client, and --apply make the same collections as a v3 export means."""
    src, dst = clients
    export = tmp_path / "v3.json"
    export.write_text(json.dumps(V3_EXPORT))
    run = cli("migrate", "schema", str(export))
    assert run.code == 0, run.err
    assert "DataType.TEXT, tokenization=Tokenization.FIELD" in run.out
    assert "Configure.Vectors.text2vec_openai(model='ada', model_version='002', type_='text'" in run.out
    exec(compile(run.out, "generated.py", "exec"), {"client": src})          # the generated code, as a user runs it
    applied = cli("migrate", "schema", str(export), "--apply", _url(servers[1]), "--json")
    assert applied.code == 0, applied.err
    assert applied.json()["classes"][0]["properties"][0]["dataType"] == ["text"]
    with httpx.Client(base_url=f"http://127.0.0.1:{servers[0].rest_port}") as mine, \
            httpx.Client(base_url=f"http://127.0.0.1:{servers[1].rest_port}") as theirs:
        for name in ("Story", "Writer"):
            by_code, by_apply = _config_view(mine, name), _config_view(theirs, name)
            assert by_code["props"] == by_apply["props"] or name == "Story" and by_apply["legacy"][0]
        article = _config_view(mine, "Story")
        assert article["props"]["title"] == (["text"], "field", True, True)
        assert article["props"]["body"][2:] == (False, False)
        assert article["props"]["hasAuthors"][0] == ["Writer"]
        assert article["vectors"]["default"] == ("text2vec-openai", "cosine", 100)
        assert article["bm25"] == {"b": 0.7, "k1": 1.1}
        assert _config_view(mine, "Writer")["vectors"]["default"][:2] == ("none", "dot")
    broken = tmp_path / "bad.json"
    broken.write_text(json.dumps({"class": "X", "vectorizer": "img2vec-neural", "properties": []}))
    assert cli("migrate", "schema", str(broken)).code == 2
