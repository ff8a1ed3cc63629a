"""BM25F and hybrid fusion through the official client, against values computed from Weaviate's documented
formulas (weaviate-semantics-and-anchors.md §1.4-1.5): literal hand-computed goldens on a tiny corpus, and an
independent reference implementation on a seeded random corpus."""
from __future__ import annotations

import math
import re
import uuid
from collections import Counter

import numpy as np
import pytest
from weaviate.classes.config import Configure, DataType, Property, StopwordsPreset, Tokenization
from weaviate.classes.query import BM25Operator, Filter, HybridFusion, MetadataQuery
from weaviate.exceptions import WeaviateQueryError

TINY = [("hello world", "the quick brown fox"), ("world news", "hello hello again"), ("nothing", "at all")]
EN_STOP = set("a an and are as at be but by for if in into is it no not of on or such that the their then there "
              "these they this to was will with".split())


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def make(collection_factory, docs, suffix="", inverted=None, vectors=None):
    col = collection_factory(suffix, properties=[Property(name="title", data_type=DataType.TEXT),
                                                 Property(name="body", data_type=DataType.TEXT)],
                             vector_config=Configure.Vectors.self_provided(),
                             inverted_index_config=inverted)
    ids = [str(uuid.UUID(int=i + 1)) for i in range(len(docs))]
    for i, (t, b) in enumerate(docs):
        col.data.insert({"title": t, "body": b}, uuid=ids[i],
                        vector=(vectors[i] if vectors is not None else [1.0, float(i)]))
    return col, ids


def ref_bm25f(docs, query, boosts=None, k1=1.2, b=0.75, stop=EN_STOP, operator="Or", minimum=1):
    """Independent BM25F as Weaviate documents it (word tokenization, properties title/body)."""
    boosts = boosts or {"title": 1.0, "body": 1.0}
    props = list(boosts)
    toks = [{"title": words(t), "body": words(bd)} for t, bd in docs]
    avg = sum(sum(len(d[p]) for d in toks) / len(toks) for p in props) / len(props)
    terms = Counter(t for t in words(query) if t not in stop)
    scores, matched = {}, Counter()
    for term, dup in terms.items():
        holders = [i for i, d in enumerate(toks) if any(term in d[p] for p in props)]
        n, N = len(holders), len(docs)
        idf = math.log(1 + (N - n + 0.5) / (n + 0.5)) * dup
        for i in holders:
            f = sum(toks[i][p].count(term) * boosts[p] for p in props)
            L = sum(len(toks[i][p]) for p in props if term in toks[i][p])
            scores[i] = scores.get(i, 0.0) + f / (f + k1 * (1 - b + b * L / avg)) * idf
            matched[i] += 1
    need = len(terms) if operator == "And" else minimum
    return {i: s for i, s in scores.items() if matched[i] >= need}


def got(res):
    return [(str(o.uuid), o.metadata.score) for o in res.objects]


def test_bm25_golden_hand_computed(collection_factory):
    col, ids = make(collection_factory, TINY)
    res = col.query.bm25("hello", return_metadata=MetadataQuery(score=True, explain_score=True))
    # N=3, n=2: idf = ln(1.6); avgLen = mean(5/3, 3) = 7/3
    idf = math.log(1.6)
    d1 = 2 / (2 + 1.2 * (0.25 + 0.75 * 3 / (7 / 3))) * idf      # body "hello hello again"
    d0 = 1 / (1 + 1.2 * (0.25 + 0.75 * 2 / (7 / 3))) * idf      # title "hello world"
    assert [u for u, _ in got(res)] == [ids[1], ids[0]]
    assert got(res)[0][1] == pytest.approx(d1, abs=1e-5) and got(res)[1][1] == pytest.approx(d0, abs=1e-5)
    assert round(d1, 6) == 0.271903 and round(d0, 6) == 0.226898
    assert res.objects[0].metadata.explain_score == ", BM25F_hello_frequency:2, BM25F_hello_propLength:3"


def test_bm25_property_boost_duplicates_and_stopwords(collection_factory):
    col, ids = make(collection_factory, TINY)
    boosted = col.query.bm25("hello", query_properties=["title^2", "body"], return_metadata=MetadataQuery(score=True))
    ref = ref_bm25f(TINY, "hello", boosts={"title": 2.0, "body": 1.0})
    assert [u for u, _ in got(boosted)] == [ids[0], ids[1]]           # the boost flips the order
    assert got(boosted)[0][1] == pytest.approx(ref[0], abs=1e-5)
    single = col.query.bm25("hello", return_metadata=MetadataQuery(score=True))
    double = col.query.bm25("hello hello", return_metadata=MetadataQuery(score=True))
    assert [s for _, s in got(double)] == pytest.approx([2 * s for _, s in got(single)], abs=1e-5)
    with_stop = col.query.bm25("the hello", return_metadata=MetadataQuery(score=True))
    assert [u for u, _ in got(with_stop)] == [u for u, _ in got(single)]     # "the" is an en stopword: dropped
    assert [s for _, s in got(with_stop)] == pytest.approx([s for _, s in got(single)])
    only = col.query.bm25("title", query_properties=["title"])
    assert only.objects == []


def test_bm25_stopwords_none_and_custom_k1_b(collection_factory):
    cfg = Configure.inverted_index(bm25_k1=0.9, bm25_b=0.4, stopwords_preset=StopwordsPreset.NONE)
    col, ids = make(collection_factory, TINY, inverted=cfg)
    res = col.query.bm25("the hello", return_metadata=MetadataQuery(score=True))
    ref = ref_bm25f(TINY, "the hello", k1=0.9, b=0.4, stop=set())
    assert {u: s for u, s in got(res)} == pytest.approx({ids[i]: s for i, s in ref.items()}, abs=1e-5)
    assert ids[0] in {u for u, _ in got(res)}                         # body of doc 0 holds "the"


def test_bm25_operators(collection_factory):
    col, ids = make(collection_factory, TINY)
    both = col.query.bm25("hello fox", operator=BM25Operator.and_())
    assert [str(o.uuid) for o in both.objects] == [ids[0]]
    either = col.query.bm25("hello fox", operator=BM25Operator.or_(minimum_match=1))
    assert {str(o.uuid) for o in either.objects} == {ids[0], ids[1]}
    two = col.query.bm25("hello fox news", operator=BM25Operator.or_(minimum_match=2))
    assert {str(o.uuid) for o in two.objects} == {ids[0], ids[1]}      # d1 has hello + news


def test_bm25_matches_reference_on_random_corpus(collection_factory):
    rng = np.random.default_rng(5)
    vocab = [f"w{i}" for i in range(60)] + ["the", "a", "of"]
    docs = [(" ".join(rng.choice(vocab, rng.integers(1, 6))), " ".join(rng.choice(vocab, rng.integers(3, 25))))
            for _ in range(300)]
    col, ids = make(collection_factory, docs)
    for q in range(25):
        query = " ".join(rng.choice(vocab, rng.integers(1, 4)))
        res = col.query.bm25(query, limit=20, return_metadata=MetadataQuery(score=True))
        ref = ref_bm25f(docs, query)
        expected = sorted(ref.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
        assert [s for _, s in got(res)] == pytest.approx([s for _, s in expected], abs=1e-5), (q, query)
        assert {u for u, _ in got(res)} <= {ids[i] for i in ref}, (q, query)


def test_bm25_with_filter_keeps_global_idf_and_paging(collection_factory):
    col, ids = make(collection_factory, TINY)
    res = col.query.bm25("hello", filters=Filter.by_property("title").equal("news"),
                         return_metadata=MetadataQuery(score=True))
    assert got(res) == [(ids[1], pytest.approx(0.271903, abs=1e-5))]   # idf still counts doc 0
    page = col.query.bm25("hello", limit=1, offset=1)
    assert [str(o.uuid) for o in page.objects] == [ids[0]]


def test_bm25_errors(collection_factory):
    col = collection_factory(properties=[Property(name="title", data_type=DataType.TEXT),
                                         Property(name="code", data_type=DataType.TEXT, index_searchable=False),
                                         Property(name="n", data_type=DataType.INT)],
                             vector_config=Configure.Vectors.self_provided())
    col.data.insert({"title": "x", "code": "y", "n": 1})
    with pytest.raises(WeaviateQueryError, match="no such prop with name 'missing'"):
        col.query.bm25("x", query_properties=["missing"])
    with pytest.raises(WeaviateQueryError, match="indexSearchable"):
        col.query.bm25("y", query_properties=["code"])


def test_bm25_tokenizations_and_text_arrays(collection_factory):
    col = collection_factory(properties=[
        Property(name="tag", data_type=DataType.TEXT, tokenization=Tokenization.FIELD),
        Property(name="tags", data_type=DataType.TEXT_ARRAY, tokenization=Tokenization.WHITESPACE)],
        vector_config=Configure.Vectors.self_provided())
    a = col.data.insert({"tag": "New York", "tags": ["Big Apple", "city"]})
    col.data.insert({"tag": "York", "tags": ["big", "town"]})
    assert [o.uuid for o in col.query.bm25("New York", query_properties=["tag"]).objects] == [a]
    assert [o.uuid for o in col.query.bm25("Apple", query_properties=["tags"]).objects] == [a]
    assert col.query.bm25("apple", query_properties=["tags"]).objects == []   # whitespace keeps case


def _ref_relative(sets):
    out = {}
    for weight, items in sets:
        if not items:
            continue
        raw = [r for _, r in items]
        lo, hi = min(raw), max(raw)
        for key, r in items:
            out[key] = out.get(key, 0.0) + (weight if hi == lo else weight * (r - lo) / (hi - lo))
    return out


def test_hybrid_relative_and_ranked_fusion_golden(collection_factory):
    vecs = [[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]]
    col, ids = make(collection_factory, TINY, vectors=vecs)
    q = [1.0, 0.0]
    kw = ref_bm25f(TINY, "hello")
    cos = {i: 1 - (1 - float(np.dot(vecs[i], q) / np.linalg.norm(vecs[i]))) for i in range(3)}
    kw_items = sorted(kw.items(), key=lambda kv: -kv[1])
    vec_items = sorted(cos.items(), key=lambda kv: -kv[1])
    res = col.query.hybrid("hello", vector=q, alpha=0.6, return_metadata=MetadataQuery(score=True, explain_score=True))
    ref = _ref_relative([(0.4, kw_items), (0.6, vec_items)])
    expected = sorted(ref.items(), key=lambda kv: -kv[1])
    assert [u for u, _ in got(res)] == [ids[i] for i, _ in expected]
    assert [s for _, s in got(res)] == pytest.approx([s for _, s in expected], abs=1e-5)
    first = next(o for o in res.objects if str(o.uuid) == ids[0]).metadata.explain_score
    assert first == (f"\nHybrid (Result Set vector) Document {ids[0]}: original score 1, normalized score: 0.6"
                     f" - \nHybrid (Result Set keyword) Document {ids[0]}: original score 0.2268983, "
                     "normalized score: 0")

    ranked = col.query.hybrid("hello", vector=q, alpha=0.6, fusion_type=HybridFusion.RANKED,
                              return_metadata=MetadataQuery(score=True, explain_score=True))
    rref = {}
    for weight, items in ((0.4, kw_items), (0.6, vec_items)):
        for pos, (i, _) in enumerate(items):
            rref[i] = rref.get(i, 0.0) + weight / (pos + 60)          # 0-based position: top hit gets w/60
    expected = sorted(rref.items(), key=lambda kv: -kv[1])
    assert [u for u, _ in got(ranked)] == [ids[i] for i, _ in expected]
    assert [s for _, s in got(ranked)] == pytest.approx([s for _, s in expected], abs=1e-6)
    # alpha travels as a protobuf float32 (0.6 -> 0.60000002384), so float32(0.6 / 60) prints as Go does
    assert "contributed 0.010000001 to the score" in ranked.objects[0].metadata.explain_score


def test_hybrid_alpha_extremes_threshold_and_filters(collection_factory):
    vecs = [[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]]
    col, ids = make(collection_factory, TINY, vectors=vecs)
    keyword_only = col.query.hybrid("hello", alpha=0.0, return_metadata=MetadataQuery(score=True))
    assert [u for u, _ in got(keyword_only)] == [ids[1], ids[0]]
    assert [s for _, s in got(keyword_only)] == pytest.approx([1.0, 0.0])
    vector_only = col.query.hybrid(None, vector=[0.0, 1.0], return_metadata=MetadataQuery(score=True))
    assert [u for u, _ in got(vector_only)] == [ids[2], ids[1], ids[0]]
    # cosine distances to [1, 0]: doc0 0, doc1 0.4, doc2 1 -> with a 0.3 cut doc1 leaves both result sets
    cut = col.query.hybrid("hello", vector=[1.0, 0.0], alpha=0.5, max_vector_distance=0.3)
    assert [str(o.uuid) for o in cut.objects] == [ids[0]]
    filtered = col.query.hybrid("hello", vector=[1.0, 0.0], alpha=0.5,
                                filters=Filter.by_property("title").not_equal("hello"))
    assert {str(o.uuid) for o in filtered.objects} == {ids[1], ids[2]}
    with pytest.raises(WeaviateQueryError, match="vector"):
        col.query.hybrid("hello", alpha=0.5)                          # no vectorizer: a vector is needed


def test_hybrid_default_alpha_is_server_side(collection_factory):
    vecs = [[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]]
    col, ids = make(collection_factory, TINY, vectors=vecs)
    res = col.query.hybrid("hello", vector=[1.0, 0.0], return_metadata=MetadataQuery(score=True))
    kw = sorted(ref_bm25f(TINY, "hello").items(), key=lambda kv: -kv[1])
    vec = [(0, 1.0), (1, 0.6), (2, 0.0)]
    ref = _ref_relative([(0.25, kw), (0.75, vec)])                   # Weaviate's default alpha 0.75
    assert {u: s for u, s in got(res)} == pytest.approx({ids[i]: s for i, s in ref.items()}, abs=1e-5)
