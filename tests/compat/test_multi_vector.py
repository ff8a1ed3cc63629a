"""Multi-vector (ColBERT-style) named vectors through the official client: config, writes over gRPC and REST,
vectors returned as lists of lists, MaxSim ranking against a numpy reference (exact, token HNSW, MUVERA), shape
errors, and durability across a restart and a kill -9."""
from __future__ import annotations

import uuid

import numpy as np
import pytest
import weaviate
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.data import DataObject
from weaviate.classes.query import Filter, MetadataQuery
from weaviate.exceptions import UnexpectedStatusCodeError, WeaviateQueryError

import loomdb

DIM = 16


def colbert(**kwargs):
    return Configure.MultiVectors.self_provided(name="colbert", **kwargs)


def docs_and_queries(n: int, seed: int = 3):
    """Token matrices with topic structure (as token embeddings have), 3..8 tokens each, and 20 queries."""
    rng = np.random.default_rng(seed)
    topics = rng.standard_normal((24, DIM))
    picks = rng.integers(0, len(topics), size=(n, 3))
    docs = [(topics[rng.choice(picks[i], rng.integers(3, 9))] + 0.5 * rng.standard_normal((1, DIM))).astype(
        np.float32) for i in range(n)]
    docs = [d + 0.4 * rng.standard_normal(d.shape).astype(np.float32) for d in docs]
    queries = [(topics[rng.choice(picks[s], 4)] + 0.5 * rng.standard_normal((4, DIM))).astype(np.float32)
               for s in rng.integers(0, n, size=20)]
    return docs, queries


def maxsim_reference(docs: list[np.ndarray], query: np.ndarray) -> np.ndarray:
    """Weaviate's multi-vector distance on cosine spaces: -(sum over query tokens of the best dot product over the
    document's tokens), both sides normalised; plain loops, independent of the engine's vectorised version."""
    q = query / np.linalg.norm(query, axis=1, keepdims=True)
    out = []
    for d in docs:
        d = d / np.linalg.norm(d, axis=1, keepdims=True)
        out.append(-sum(max(float(qt @ dt) for dt in d) for qt in q))
    return np.array(out)


def ids_for(n: int) -> list[str]:
    return [str(uuid.UUID(int=i + 1)) for i in range(n)]


def insert_all(col, docs: list[np.ndarray]) -> list[str]:
    ids = ids_for(len(docs))
    res = col.data.insert_many([DataObject(properties={"n": i}, uuid=ids[i], vector={"colbert": d.tolist()})
                                for i, d in enumerate(docs)])
    assert not res.errors
    return ids


def test_config_defaults_and_muvera_round_trip(collection_factory, rest):
    col = collection_factory(vector_config=colbert())
    mv = col.config.get().vector_config["colbert"].vector_index_config.multi_vector
    assert mv is not None and mv.aggregation == "maxSim" and mv.encoding is None
    raw = rest.get(f"/v1/schema/{col.name}").json()["vectorConfig"]["colbert"]["vectorIndexConfig"]["multivector"]
    assert raw == {"enabled": True, "aggregation": "maxSim",
                   "muvera": {"enabled": False, "ksim": 4, "dprojections": 16, "repetitions": 10}}

    col2 = collection_factory("Mu", vector_config=colbert(
        encoding=Configure.VectorIndex.MultiVector.Encoding.muvera(ksim=3, dprojections=8, repetitions=5)))
    enc = col2.config.get().vector_config["colbert"].vector_index_config.multi_vector.encoding
    assert (enc.ksim, enc.dprojections, enc.repetitions) == (3, 8, 5)


def test_config_errors(rest, collection_name):
    body = {"class": collection_name, "vectorConfig": {"colbert": {
        "vectorizer": {"none": {}}, "vectorIndexType": "hnsw",
        "vectorIndexConfig": {"multivector": {"enabled": True, "aggregation": "sum"}}}}}
    r = rest.post("/v1/schema", json=body)
    assert r.status_code == 422
    assert "invalid aggregation type sum" in r.json()["error"][0]["message"]
    body["vectorConfig"]["colbert"]["vectorizer"] = {"text2vec-openai": {}}
    body["vectorConfig"]["colbert"]["vectorIndexConfig"]["multivector"]["aggregation"] = "maxSim"
    r = rest.post("/v1/schema", json=body)
    assert r.status_code == 422
    assert ('multi vector index configured but vectorizer: "text2vec-openai" doesn\'t support multi vectors'
            in r.json()["error"][0]["message"])


@pytest.mark.loomdb_only(reason="loomdb keeps multi-vector tokens as float32: compression is refused, not ignored")
def test_compression_of_multi_vectors_refused(collection_factory, collection_name):
    with pytest.raises(UnexpectedStatusCodeError) as exc:
        collection_factory(vector_config=colbert(quantizer=Configure.VectorIndex.Quantizer.bq()))
    assert exc.value.status_code == 501
    assert "BQ compression of a multi-vector space is not supported by loomdb yet" in exc.value.message
    col = collection_factory("Plain", vector_config=colbert())
    with pytest.raises(UnexpectedStatusCodeError) as exc:
        col.config.update(vector_config=weaviate.classes.config.Reconfigure.Vectors.update(
            name="colbert", vector_index_config=weaviate.classes.config.Reconfigure.VectorIndex.hnsw(
                quantizer=weaviate.classes.config.Reconfigure.VectorIndex.Quantizer.pq())))
    assert exc.value.status_code == 501


def test_insert_grpc_and_rest_fetch_with_vectors(collection_factory, rest):
    col = collection_factory(properties=[Property(name="n", data_type=DataType.INT)], vector_config=colbert())
    a = [[0.1 * i + j for j in range(DIM)] for i in range(3)]
    b = [[1.0 - 0.05 * j for j in range(DIM)] for _ in range(2)]
    ida = col.data.insert({"n": 1}, vector={"colbert": a})                      # REST
    res = col.data.insert_many([DataObject(properties={"n": 2}, vector={"colbert": b})])   # gRPC
    assert not res.errors
    idb = res.uuids[0]
    got_a = col.query.fetch_object_by_id(ida, include_vector=True).vector["colbert"]
    got_b = col.query.fetch_object_by_id(idb, include_vector=True).vector["colbert"]
    assert np.allclose(got_a, a) and np.allclose(got_b, b)
    assert isinstance(got_a[0], list) and len(got_a) == 3
    rest_obj = rest.get(f"/v1/objects/{col.name}/{ida}", params={"include": "vector"}).json()    # REST GET
    assert np.allclose(rest_obj["vectors"]["colbert"], a)


def test_near_vector_matches_numpy_maxsim_exactly(collection_factory):
    docs, queries = docs_and_queries(120)
    col = collection_factory(properties=[Property(name="n", data_type=DataType.INT)], vector_config=colbert())
    ids = insert_all(col, docs)
    for q in queries[:8]:
        ref = maxsim_reference(docs, q)
        order = np.argsort(ref, kind="stable")[:10]
        res = col.query.near_vector(q.tolist(), target_vector="colbert", limit=10,
                                    return_metadata=MetadataQuery(distance=True))
        assert [str(o.uuid) for o in res.objects] == [ids[i] for i in order]
        assert np.allclose([o.metadata.distance for o in res.objects], ref[order], atol=1e-4)
    by_name = col.query.near_vector({"colbert": queries[0].tolist()}, target_vector="colbert", limit=3)   # dict form
    assert [str(o.uuid) for o in by_name.objects] == [ids[i] for i in np.argsort(
        maxsim_reference(docs, queries[0]), kind="stable")[:3]]


def test_near_object_hybrid_and_filter(collection_factory):
    docs, queries = docs_and_queries(60)
    col = collection_factory(properties=[Property(name="n", data_type=DataType.INT)], vector_config=colbert())
    ids = insert_all(col, docs)
    ref = maxsim_reference(docs, docs[5])
    res = col.query.near_object(ids[5], target_vector="colbert", limit=3, return_metadata=MetadataQuery(distance=True))
    assert str(res.objects[0].uuid) == ids[5]
    assert np.allclose([o.metadata.distance for o in res.objects], np.sort(ref)[:3], atol=1e-4)
    even = col.query.near_vector(queries[0].tolist(), target_vector="colbert", limit=5,
                                 filters=Filter.by_property("n").less_than(30))
    ref_q = maxsim_reference(docs, queries[0])
    assert [str(o.uuid) for o in even.objects] == [ids[i] for i in np.argsort(ref_q[:30], kind="stable")[:5]]
    hybrid = col.query.hybrid(None, vector=queries[0].tolist(), target_vector="colbert", limit=5)
    assert str(hybrid.objects[0].uuid) == ids[int(np.argmin(ref_q))]
    agg = col.aggregate.near_vector(queries[0].tolist(), target_vector="colbert", object_limit=7, total_count=True)
    assert agg.total_count == 7


@pytest.mark.parametrize("encoding", [None, "muvera"])
def test_recall_with_graph_candidates(collection_factory, encoding):
    """flatSearchCutoff 0 keeps the exact shortcut off: candidates come from the token graph or MUVERA."""
    docs, queries = docs_and_queries(400, seed=11)
    kwargs = {"vector_index_config": Configure.VectorIndex.hnsw(flat_search_cutoff=0)}
    if encoding:
        kwargs["encoding"] = Configure.VectorIndex.MultiVector.Encoding.muvera()
    col = collection_factory(properties=[Property(name="n", data_type=DataType.INT)], vector_config=colbert(**kwargs))
    ids = insert_all(col, docs)
    recalls = []
    for q in queries:
        truth = {ids[i] for i in np.argsort(maxsim_reference(docs, q), kind="stable")[:10]}
        got = {str(o.uuid) for o in col.query.near_vector(q.tolist(), target_vector="colbert", limit=10).objects}
        recalls.append(len(got & truth) / 10)
    assert np.mean(recalls) >= 0.9


def test_bad_shapes_fail_per_object(collection_factory):
    col = collection_factory(properties=[Property(name="n", data_type=DataType.INT)],
                             vector_config=[colbert(), Configure.Vectors.self_provided(name="plain")])
    col.data.insert({"n": 0}, vector={"colbert": [[1.0] * DIM], "plain": [1.0] * DIM})
    res = col.data.insert_many([
        DataObject(properties={"n": 1}, vector={"colbert": [[1.0] * DIM, [2.0] * DIM]}),
        DataObject(properties={"n": 2}, vector={"colbert": [[1.0] * (DIM + 1)]}),
        DataObject(properties={"n": 3}, vector={"colbert": [[1.0] * DIM, [1.0] * (DIM - 1)]}),
        DataObject(properties={"n": 4}, vector={"colbert": [1.0] * DIM}),
        DataObject(properties={"n": 5}, vector={"plain": [[1.0] * DIM]}),
    ])
    assert set(res.errors) == {1, 2, 3, 4}
    assert "new node has a multi vector with length 17 at position 0. Existing nodes have vectors with length 16" \
        in res.errors[1].message
    assert "multi vector array consists of vectors with varying dimensions" in res.errors[2].message
    assert "is a multi vector" in res.errors[3].message
    assert "is not a multi vector" in res.errors[4].message
    with pytest.raises(UnexpectedStatusCodeError, match="varying dimensions"):
        col.data.insert({"n": 6}, vector={"colbert": [[1.0] * DIM, [1.0] * (DIM - 1)]})      # REST
    with pytest.raises(UnexpectedStatusCodeError, match="dimension cannot be 0"):
        col.data.insert({"n": 7}, vector={"colbert": [[]]})
    with pytest.raises(WeaviateQueryError, match="vector lengths don't match"):
        col.query.near_vector([[1.0] * 3], target_vector="colbert")
    with pytest.raises(WeaviateQueryError, match="needs a multi vector"):
        col.query.near_vector([1.0] * DIM, target_vector="colbert")
    with pytest.raises(WeaviateQueryError, match="multivector search is not enabled"):
        col.query.near_vector([[1.0] * DIM], target_vector="plain")
    assert len(col) == 2


@pytest.mark.loomdb_only("restarts its own loomdb")
def test_restart_keeps_multi_vectors(tmp_path):
    docs, queries = docs_and_queries(50)
    expected = None
    for attempt in range(2):
        srv = loomdb.start_embedded(tmp_path)
        try:
            c = weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                          skip_init_checks=True)
            if attempt == 0:
                col = c.collections.create("Mv", properties=[Property(name="n", data_type=DataType.INT)],
                                           vector_config=colbert(encoding=Configure.VectorIndex.MultiVector.
                                                                 Encoding.muvera()))
                insert_all(col, docs)
                col.data.delete_by_id(ids_for(50)[7])
            col = c.collections.get("Mv")
            res = col.query.near_vector(queries[0].tolist(), target_vector="colbert", limit=5,
                                        return_metadata=MetadataQuery(distance=True), include_vector=True)
            got = [(str(o.uuid), round(o.metadata.distance, 4)) for o in res.objects]
            assert expected is None or got == expected
            expected = got
            assert len(col) == 49
            one = col.query.fetch_object_by_id(ids_for(50)[3], include_vector=True)
            assert np.allclose(one.vector["colbert"], docs[3])
            c.close()
        finally:
            srv.stop()


@pytest.mark.loomdb_only("kills its own loomdb")
def test_kill9_keeps_acknowledged_multi_vectors(server_process, tmp_path):
    docs, _ = docs_and_queries(30)
    sp = server_process(tmp_path / "data")
    with sp.client() as c:
        col = c.collections.create("Mv", properties=[Property(name="n", data_type=DataType.INT)],
                                   vector_config=colbert())
        insert_all(col, docs)
    sp.kill9()
    sp2 = server_process(tmp_path / "data")
    with sp2.client() as c:
        col = c.collections.get("Mv")
        assert len(col) == 30
        for i in (0, 17, 29):
            assert np.allclose(col.query.fetch_object_by_id(ids_for(30)[i], include_vector=True).vector["colbert"],
                               docs[i])
