"""Filters through the official client, on fetch_objects and near_vector, checked against concrete expectations
and against a pure-Python evaluation of ~30 random filters over a seeded 500-object collection."""
from __future__ import annotations

import fnmatch
import re
import time
import uuid as uuid_mod
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from weaviate.classes.config import Configure, DataType, Property, Tokenization
from weaviate.classes.data import DataObject
from weaviate.classes.query import Filter
from weaviate.exceptions import WeaviateQueryError

BASE = datetime(2024, 1, 1, tzinfo=timezone.utc)
WORDS = ["red", "green", "blue", "apple", "banana", "cherry"]
FIELDS = ["alpha", "Beta", "gamma ray", "delta", "Ünïcode", "日本語", "beta"]
TAGS = ["a1", "b2", "c3", "d4", "e5"]


def _uid(i: int) -> str:
    return str(uuid_mod.UUID(int=(i * 0x9E3779B97F4A7C15) % (1 << 120) + (3 << 124)))


def _props():
    return [
        Property(name="i", data_type=DataType.INT),
        Property(name="n", data_type=DataType.NUMBER),
        Property(name="d", data_type=DataType.DATE),
        Property(name="b", data_type=DataType.BOOL),
        Property(name="t", data_type=DataType.TEXT, tokenization=Tokenization.WORD),
        Property(name="f", data_type=DataType.TEXT, tokenization=Tokenization.FIELD),
        Property(name="tags", data_type=DataType.TEXT_ARRAY),
        Property(name="nums", data_type=DataType.INT_ARRAY),
    ]


def _maybe(rng, value, p_null=0.1):
    return None if rng.random() < p_null else value


def _objects(n: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        words = [WORDS[k] for k in rng.integers(0, len(WORDS), rng.integers(1, 4))]
        out.append({
            "i": _maybe(rng, int(rng.integers(-50, 51))),
            "n": _maybe(rng, round(float(rng.normal(scale=10)), 2)),
            "d": _maybe(rng, BASE + timedelta(days=int(rng.integers(0, 100)), hours=int(rng.integers(0, 24)))),
            "b": _maybe(rng, bool(rng.integers(0, 2))),
            "t": _maybe(rng, (", " if rng.random() < 0.5 else " ").join(
                w.upper() if rng.random() < 0.2 else w for w in words)),
            "f": _maybe(rng, FIELDS[int(rng.integers(0, len(FIELDS)))]),
            "tags": _maybe(rng, sorted({TAGS[k] for k in rng.integers(0, len(TAGS), rng.integers(1, 4))})),
            "nums": _maybe(rng, [int(x) for x in rng.integers(0, 10, rng.integers(1, 5))]),
        })
    return out


def _insert(col, objs, vectors=None):
    ids = [_uid(i) for i in range(len(objs))]
    res = col.data.insert_many([DataObject(properties={k: v for k, v in o.items() if v is not None}, uuid=ids[i],
                                           vector=None if vectors is None else vectors[i].tolist())
                                for i, o in enumerate(objs)])
    assert not res.errors, res.errors
    return ids


def _ids(res) -> set[str]:
    return {str(o.uuid) for o in res.objects}


# ---- a pure-Python model of Weaviate's filter semantics ------------------------------------------------------
def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


_CMP = {"eq": lambda a, b: a == b, "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
        "lt": lambda a, b: a < b, "le": lambda a, b: a <= b}


def _leaf(prop: str, op: str, value):
    """(client filter, python predicate)"""
    fb = Filter.by_property(prop)
    method = {"eq": fb.equal, "ne": fb.not_equal, "gt": fb.greater_than, "ge": fb.greater_or_equal,
              "lt": fb.less_than, "le": fb.less_or_equal, "like": fb.like, "any": fb.contains_any,
              "all": fb.contains_all, "none": fb.contains_none, "null": fb.is_none}[op]
    flt = method(value)

    def pred(o):
        v = o[prop]
        if op == "null":
            return (v is None) == value
        if op == "ne":
            return not _leaf_eq(prop, v, value)
        if op == "none":
            return v is None or not any(_contains(prop, v, x) for x in value)
        if v is None:
            return False
        if op == "eq":
            return _leaf_eq(prop, v, value)
        if op in _CMP:
            if prop == "t":
                return any(_CMP[op](w, value) for w in _words(v))
            if prop in ("tags", "nums"):
                return any(_CMP[op](w, value) for w in v)
            return _CMP[op](v, value)
        if op == "like":
            if prop == "t":
                return any(fnmatch.fnmatchcase(w, value.lower()) for w in _words(v))
            return fnmatch.fnmatchcase(v, value)
        if op == "any":
            return any(_contains(prop, v, x) for x in value)
        if op == "all":
            return all(_contains(prop, v, x) for x in value)
        raise AssertionError(op)
    return flt, pred


def _leaf_eq(prop, v, value):
    if v is None:
        return False
    if prop == "t":
        return all(w in _words(v) for w in _words(value))
    if prop in ("tags", "nums"):
        return value in v
    return v == value


def _contains(prop, v, x):
    return x in v if prop in ("tags", "nums") else _leaf_eq(prop, v, x)


def _random_leaf(rng):
    kind = int(rng.integers(0, 9))
    cmp_ops = ["eq", "ne", "gt", "ge", "lt", "le"]
    if kind == 0:
        return _leaf("i", cmp_ops[rng.integers(6)], int(rng.integers(-50, 51)))
    if kind == 1:
        return _leaf("n", cmp_ops[rng.integers(6)], round(float(rng.normal(scale=10)), 2))
    if kind == 2:
        return _leaf("d", cmp_ops[rng.integers(6)], BASE + timedelta(days=int(rng.integers(0, 100)), hours=12))
    if kind == 3:
        op = ["eq", "ne", "like"][rng.integers(3)]
        value = FIELDS[rng.integers(len(FIELDS))] if op != "like" else ["*a", "?eta", "gam*", "*", "日*", "b?t*"][
            rng.integers(6)]
        return _leaf("f", op, value)
    if kind == 4:
        op = ["eq", "ne", "like"][rng.integers(3)]
        value = WORDS[rng.integers(len(WORDS))].upper() if op != "like" else ["b*", "*e*", "?ed", "ch*y"][
            rng.integers(4)]
        return _leaf("t", op, value)
    if kind == 5:
        op = ["any", "all", "none"][rng.integers(3)]
        return _leaf("tags", op, [TAGS[k] for k in rng.choice(len(TAGS), rng.integers(1, 3), replace=False)])
    if kind == 6:
        op = ["any", "all", "none", "eq", "gt"][rng.integers(5)]
        if op in ("eq", "gt"):
            return _leaf("nums", op, int(rng.integers(0, 10)))
        return _leaf("nums", op, [int(x) for x in rng.choice(10, rng.integers(1, 3), replace=False)])
    if kind == 7:
        return _leaf("b", ["eq", "ne"][rng.integers(2)], bool(rng.integers(2)))
    return _leaf(["i", "n", "d", "t", "f", "tags", "nums", "b"][rng.integers(8)], "null", bool(rng.integers(2)))


def _random_filter(rng, depth=0):
    r = rng.random()
    if depth >= 2 or r < 0.45:
        return _random_leaf(rng)
    if r < 0.85:
        parts = [_random_filter(rng, depth + 1) for _ in range(int(rng.integers(2, 4)))]
        if rng.random() < 0.5:
            return Filter.all_of([p[0] for p in parts]), lambda o, ps=parts: all(p[1](o) for p in ps)
        return Filter.any_of([p[0] for p in parts]), lambda o, ps=parts: any(p[1](o) for p in ps)
    inner = _random_filter(rng, depth + 1)
    return Filter.not_(inner[0]), lambda o, p=inner[1]: not p(o)


@pytest.fixture
def seeded(collection_factory):
    col = collection_factory(properties=_props(), inverted_index_config=Configure.inverted_index(
        index_null_state=True, index_timestamps=True))
    objs = _objects(500, seed=42)
    vecs = np.random.default_rng(43).normal(size=(500, 8)).astype(np.float32)
    ids = _insert(col, objs, vecs)
    return col, objs, ids, vecs


def test_random_filters_match_python_model(seeded):
    col, objs, ids, vecs = seeded
    rng = np.random.default_rng(2024)
    nonempty = 0
    for k in range(30):
        flt, pred = _random_filter(rng)
        want = {ids[j] for j, o in enumerate(objs) if pred(o)}
        got = _ids(col.query.fetch_objects(filters=flt, limit=1000))
        assert got == want, f"filter #{k}: {flt}"
        nonempty += bool(want) and len(want) < len(objs)
        # the same filter as the allow-list of a vector search: exact nearest among the allowed
        q = vecs[k]
        cosine = 1 - (vecs @ q) / (np.linalg.norm(vecs, axis=1) * np.linalg.norm(q))   # the default metric
        allowed = [j for j in np.argsort(cosine) if ids[j] in want]
        res = col.query.near_vector(q.tolist(), filters=flt, limit=5)
        assert [str(o.uuid) for o in res.objects] == [ids[j] for j in allowed[:5]], f"filter #{k}: {flt}"
        assert col.aggregate.over_all(total_count=True, filters=flt).total_count == len(want)
    assert nonempty >= 15   # the random filters are selective, not trivially all/nothing


def test_scalar_comparisons(seeded):
    col, objs, ids, _ = seeded
    cases = [
        (Filter.by_property("i").greater_than(10), lambda o: o["i"] is not None and o["i"] > 10),
        (Filter.by_property("i").less_or_equal(-10), lambda o: o["i"] is not None and o["i"] <= -10),
        (Filter.by_property("i").equal(7), lambda o: o["i"] == 7),
        (Filter.by_property("i").not_equal(7), lambda o: o["i"] != 7),
        (Filter.by_property("n").greater_or_equal(2.5), lambda o: o["n"] is not None and o["n"] >= 2.5),
        (Filter.by_property("n").less_than(0), lambda o: o["n"] is not None and o["n"] < 0),   # int on number
        (Filter.by_property("d").less_than(BASE + timedelta(days=10)),
         lambda o: o["d"] is not None and o["d"] < BASE + timedelta(days=10)),
        (Filter.by_property("d").greater_or_equal(BASE + timedelta(days=90)),
         lambda o: o["d"] is not None and o["d"] >= BASE + timedelta(days=90)),
        (Filter.by_property("b").equal(True), lambda o: o["b"] is True),
        (Filter.by_property("f").greater_than("beta"), lambda o: o["f"] is not None and o["f"] > "beta"),
    ]
    for flt, pred in cases:
        want = {ids[j] for j, o in enumerate(objs) if pred(o)}
        assert want and _ids(col.query.fetch_objects(filters=flt, limit=1000)) == want, flt


def test_dates_with_offsets_compare_as_instants(collection_factory):
    col = collection_factory(properties=[Property(name="d", data_type=DataType.DATE)])
    ids = _insert(col, [{"d": datetime(2024, 5, 1, 12, tzinfo=timezone.utc)},
                        {"d": datetime(2024, 5, 1, 13, tzinfo=timezone(timedelta(hours=2)))}])   # 11:00Z
    res = col.query.fetch_objects(filters=Filter.by_property("d").less_than(
        datetime(2024, 5, 1, 11, 30, tzinfo=timezone.utc)))
    assert _ids(res) == {ids[1]}
    res = col.query.fetch_objects(filters=Filter.by_property("d").equal(
        datetime(2024, 5, 1, 14, tzinfo=timezone(timedelta(hours=2)))))
    assert _ids(res) == {ids[0]}


def test_like_wildcards(collection_factory):
    col = collection_factory(properties=[Property(name="f", data_type=DataType.TEXT, tokenization=Tokenization.FIELD),
                                         Property(name="t", data_type=DataType.TEXT)])
    ids = _insert(col, [{"f": "cat", "t": "Concatenate things"}, {"f": "cart", "t": "a cat"},
                        {"f": "Cat", "t": "scatter"}, {"f": "ca.t", "t": "cot"}])
    like = lambda p, v: _ids(col.query.fetch_objects(filters=Filter.by_property(p).like(v)))  # noqa: E731
    assert like("f", "c?t") == {ids[0]}           # case-sensitive on field, ? = exactly one char
    assert like("f", "ca*t") == {ids[0], ids[1], ids[3]}
    assert like("f", "ca.t") == {ids[3]}          # '.' is literal
    assert like("f", "*") == set(ids)
    assert like("t", "cat") == {ids[1]}            # word: matches a whole token
    assert like("t", "*cat*") == {ids[0], ids[1], ids[2]}
    assert like("t", "C?T") == {ids[1], ids[3]}    # word tokenization lower-cases the pattern
    assert like("t", "conc* th*") == {ids[0]}      # several tokens: each must match (Weaviate ANDs them)
    assert like("f", "dog*") == set()


def test_word_vs_field_tokenization(collection_factory):
    col = collection_factory(properties=[
        Property(name="w", data_type=DataType.TEXT, tokenization=Tokenization.WORD),
        Property(name="fl", data_type=DataType.TEXT, tokenization=Tokenization.FIELD)])
    texts = ["Hello World", "hello everyone", "world-peace", "nothing", "HELLO, wonderful world!"]
    ids = _insert(col, [{"w": t, "fl": t} for t in texts])
    q = lambda f: _ids(col.query.fetch_objects(filters=f))  # noqa: E731
    w, fl = Filter.by_property("w"), Filter.by_property("fl")
    # word: case-insensitive, every token of the value must be present (any order)
    assert q(w.equal("hello")) == {ids[0], ids[1], ids[4]}
    assert q(w.equal("world hello")) == {ids[0], ids[4]}
    assert q(w.equal("WORLD")) == {ids[0], ids[2], ids[4]}
    # NotEqual on several tokens is Weaviate's AND of per-token NotEqual: objects with none of the tokens
    assert q(w.not_equal("hello world")) == {ids[3]}
    assert q(w.not_equal("hello")) == {ids[2], ids[3]}
    # ContainsAny/All on a word-tokenized text property: each value is tokenized, its tokens ANDed
    assert q(w.contains_any(["peace", "everyone"])) == {ids[1], ids[2]}
    assert q(w.contains_any(["hello world"])) == {ids[0], ids[4]}
    assert q(w.contains_all(["hello", "wonderful"])) == {ids[4]}
    assert q(w.contains_none(["hello", "peace"])) == {ids[3]}
    # each Contains value is its own Equal clause (Weaviate's extractContains), so a stopword-only value is
    # rejected just like equal("there") would be
    with pytest.raises(WeaviateQueryError, match="only stopwords provided"):
        q(w.contains_any(["peace", "there"]))
    # field: the whole trimmed value, case-sensitive
    assert q(fl.equal("Hello World")) == {ids[0]}
    assert q(fl.equal("hello world")) == set()
    assert q(fl.equal("hello")) == set()
    assert q(fl.not_equal("Hello World")) == set(ids) - {ids[0]}
    assert q(fl.contains_any(["nothing", "hello everyone"])) == {ids[1], ids[3]}


def test_unicode_text(collection_factory):
    col = collection_factory(properties=[
        Property(name="w", data_type=DataType.TEXT),
        Property(name="fl", data_type=DataType.TEXT, tokenization=Tokenization.FIELD)])
    ids = _insert(col, [{"w": "Ünïcode Straße", "fl": "日本語"}, {"w": "ascii only", "fl": "中文"},
                        {"w": "emoji 🙂 here", "fl": "naïve café"}])
    q = lambda f: _ids(col.query.fetch_objects(filters=f))  # noqa: E731
    assert q(Filter.by_property("w").equal("ünïcode")) == {ids[0]}
    assert q(Filter.by_property("w").equal("STRASSE")) == set()
    assert q(Filter.by_property("fl").equal("日本語")) == {ids[0]}
    assert q(Filter.by_property("fl").like("日*")) == {ids[0]}
    assert q(Filter.by_property("fl").like("naïve ?afé")) == {ids[2]}
    res = col.query.fetch_objects(filters=Filter.by_property("fl").equal("naïve café"))
    assert res.objects[0].properties["fl"] == "naïve café"


def test_arrays_contains(collection_factory):
    col = collection_factory(properties=[Property(name="tags", data_type=DataType.TEXT_ARRAY),
                                         Property(name="nums", data_type=DataType.INT_ARRAY),
                                         Property(name="x", data_type=DataType.NUMBER_ARRAY)])
    ids = _insert(col, [{"tags": ["red", "green"], "nums": [1, 2, 3], "x": [0.5, 1.5]},
                        {"tags": ["green", "blue"], "nums": [3, 4], "x": [2.5]},
                        {"tags": ["gold"], "nums": [5], "x": [0.5]},
                        {"x": [9.0]}])
    q = lambda f: _ids(col.query.fetch_objects(filters=f))  # noqa: E731
    t, n, x = Filter.by_property("tags"), Filter.by_property("nums"), Filter.by_property("x")
    assert q(t.contains_any(["red", "blue"])) == {ids[0], ids[1]}
    assert q(t.contains_all(["green", "blue"])) == {ids[1]}
    assert q(t.contains_all(["red", "gold"])) == set()
    assert q(t.contains_none(["green"])) == {ids[2], ids[3]}
    assert q(n.contains_any([3])) == {ids[0], ids[1]}
    assert q(n.contains_all([1, 3])) == {ids[0]}
    assert q(n.contains_none([3, 5])) == {ids[3]}
    assert q(n.equal(4)) == {ids[1]}
    assert q(n.greater_than(4)) == {ids[2]}
    assert q(x.contains_any([0.5])) == {ids[0], ids[2]}
    assert q(x.contains_any([9])) == {ids[3]}     # int values on a number[] property


def test_boolean_nesting(seeded):
    col, objs, ids, _ = seeded
    flt = Filter.all_of([
        Filter.any_of([Filter.by_property("i").greater_than(20), Filter.by_property("i").less_than(-20)]),
        Filter.not_(Filter.by_property("b").equal(True)),
        Filter.not_(Filter.any_of([Filter.by_property("f").equal("alpha"), Filter.by_property("f").is_none(True)])),
    ])
    want = {ids[j] for j, o in enumerate(objs)
            if o["i"] is not None and (o["i"] > 20 or o["i"] < -20) and o["b"] is not True
            and o["f"] not in ("alpha", None)}
    assert want and _ids(col.query.fetch_objects(filters=flt, limit=1000)) == want
    # & / | operators of the client build the same trees
    f2 = (Filter.by_property("i").equal(1) | Filter.by_property("i").equal(2)) & Filter.by_property("b").equal(False)
    want2 = {ids[j] for j, o in enumerate(objs) if o["i"] in (1, 2) and o["b"] is False}
    assert _ids(col.query.fetch_objects(filters=f2, limit=1000)) == want2


def test_is_null(seeded, collection_factory):
    col, objs, ids, _ = seeded
    for prop in ("i", "t", "tags", "d"):
        want = {ids[j] for j, o in enumerate(objs) if o[prop] is None}
        assert want and _ids(col.query.fetch_objects(filters=Filter.by_property(prop).is_none(True),
                                                    limit=1000)) == want
        assert _ids(col.query.fetch_objects(filters=Filter.by_property(prop).is_none(False),
                                            limit=1000)) == set(ids) - want
    plain = collection_factory("Plain", properties=[Property(name="i", data_type=DataType.INT)])
    _insert(plain, [{"i": 1}])
    with pytest.raises(WeaviateQueryError, match="(?i)null.*index"):
        plain.query.fetch_objects(filters=Filter.by_property("i").is_none(True))


def test_filter_by_id(seeded):
    col, objs, ids, _ = seeded
    assert _ids(col.query.fetch_objects(filters=Filter.by_id().equal(ids[3]))) == {ids[3]}
    assert _ids(col.query.fetch_objects(filters=Filter.by_id().contains_any([ids[1], ids[9], _uid(10**6)]))) == {
        ids[1], ids[9]}
    got = _ids(col.query.fetch_objects(filters=Filter.by_id().not_equal(ids[0]), limit=1000))
    assert got == set(ids) - {ids[0]}
    assert _ids(col.query.fetch_objects(filters=Filter.by_id().equal(_uid(10**6)))) == set()
    assert {str(o.uuid) for o in col.query.fetch_objects_by_ids([ids[4], ids[5]]).objects} == {ids[4], ids[5]}
    obj = col.query.fetch_object_by_id(ids[7])
    assert str(obj.uuid) == ids[7] and obj.properties["i"] == objs[7]["i"]


def test_filter_by_creation_and_update_time(collection_factory):
    col = collection_factory(properties=[Property(name="i", data_type=DataType.INT)],
                             inverted_index_config=Configure.inverted_index(index_timestamps=True))
    first = _insert(col, [{"i": k} for k in range(3)])
    time.sleep(0.05)
    mid = datetime.now(timezone.utc)
    time.sleep(0.05)
    later = [_uid(100 + k) for k in range(2)]
    col.data.insert_many([DataObject(properties={"i": 10 + k}, uuid=u) for k, u in enumerate(later)])
    q = lambda f: _ids(col.query.fetch_objects(filters=f))  # noqa: E731
    assert q(Filter.by_creation_time().greater_than(mid)) == set(later)
    assert q(Filter.by_creation_time().less_than(mid)) == set(first)
    time.sleep(0.05)
    mid2 = datetime.now(timezone.utc)
    time.sleep(0.05)
    col.data.update(uuid=first[0], properties={"i": 99})
    assert q(Filter.by_update_time().greater_or_equal(mid2)) == {first[0]}
    assert q(Filter.by_creation_time().greater_than(mid)) == set(later)    # update keeps creation time
    created = col.query.fetch_object_by_id(first[1]).metadata.creation_time
    assert q(Filter.by_creation_time().equal(created)) >= {first[1]}
    plain = collection_factory("NoStamps", properties=[Property(name="i", data_type=DataType.INT)])
    _insert(plain, [{"i": 1}])
    with pytest.raises(WeaviateQueryError, match="(?i)timestamps"):
        plain.query.fetch_objects(filters=Filter.by_creation_time().greater_than(mid))


def test_empty_results(seeded):
    col, _, _, vecs = seeded
    none = Filter.by_property("i").greater_than(1000)
    assert col.query.fetch_objects(filters=none).objects == []
    assert col.query.near_vector(vecs[0].tolist(), filters=none).objects == []
    assert col.query.fetch_objects(filters=Filter.by_property("t").equal("zebra")).objects == []
    assert col.aggregate.over_all(total_count=True, filters=none).total_count == 0


def test_filter_errors_are_readable(seeded):
    col, _, _, vecs = seeded
    with pytest.raises(WeaviateQueryError, match="nope") as exc:
        col.query.fetch_objects(filters=Filter.by_property("nope").equal(1))
    assert "no such prop" in str(exc.value)
    with pytest.raises(WeaviateQueryError, match="nope"):
        col.query.near_vector(vecs[0].tolist(), filters=Filter.by_property("nope").equal("x"))
    with pytest.raises(WeaviateQueryError, match="'i'"):
        col.query.fetch_objects(filters=Filter.by_property("i").equal("ten"))
    with pytest.raises(WeaviateQueryError, match="'t'"):
        col.query.fetch_objects(filters=Filter.by_property("t").greater_than(5))
    with pytest.raises(WeaviateQueryError, match="RFC3339"):
        col.query.fetch_objects(filters=Filter.by_property("d").equal("not a date"))
    with pytest.raises(WeaviateQueryError, match="'b'"):
        col.query.fetch_objects(filters=Filter.by_property("b").equal(3))
    with pytest.raises(WeaviateQueryError, match="nope"):
        col.aggregate.over_all(total_count=True, filters=Filter.by_property("nope").equal(1))


def test_word_filters_drop_stopwords_and_refuse_stopword_only_values(collection_factory):
    """Weaviate drops stopwords from word-tokenised filter values; a value of stopwords only is an error
    ("invalid search term, only stopwords provided ...")."""
    from weaviate.classes.config import DataType, Property
    from weaviate.classes.query import Filter
    from weaviate.exceptions import WeaviateQueryError

    col = collection_factory("Stop", properties=[Property(name="title", data_type=DataType.TEXT)])
    pizza = col.data.insert({"title": "Hawaii pizza"})
    col.data.insert({"title": "Margherita"})
    got = col.query.fetch_objects(filters=Filter.by_property("title").equal("the pizza"))
    assert [o.uuid for o in got.objects] == [pizza]
    for value in ("to be or not to be", "!!!"):
        with pytest.raises(WeaviateQueryError, match="only stopwords provided"):
            col.query.fetch_objects(filters=Filter.by_property("title").equal(value))


def test_very_long_text_is_indexed_whole(collection_factory):
    """A 200k-character value is stored, filtered and keyword-searched like a short one (no truncation)."""
    from weaviate.classes.config import DataType, Property
    from weaviate.classes.query import Filter, MetadataQuery

    col = collection_factory("Long", properties=[Property(name="body", data_type=DataType.TEXT)])
    body = " ".join(f"word{i}" for i in range(25_000)) + " needle"
    assert len(body) > 200_000
    long_id = col.data.insert({"body": body})
    col.data.insert({"body": "short text without it"})
    hit = col.query.fetch_objects(filters=Filter.by_property("body").equal("needle"))
    assert [o.uuid for o in hit.objects] == [long_id]
    assert hit.objects[0].properties["body"] == body
    ranked = col.query.bm25("needle word24999", return_metadata=MetadataQuery(explain_score=True))
    assert [o.uuid for o in ranked.objects] == [long_id]
    assert "BM25F_needle_propLength:25001" in ranked.objects[0].metadata.explain_score
