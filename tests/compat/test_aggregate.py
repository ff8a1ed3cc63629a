"""gRPC Aggregate through the official client, against metrics computed independently here with Python/numpy
using Weaviate's definitions (median = mean of the two middle values for even counts, mode ties -> smallest,
topOccurrences by count desc then value asc with default limit 5, percentages as fractions, array elements
each counted, group_by int values reported as numbers)."""
from __future__ import annotations

import statistics
import uuid as uuid_mod
from collections import Counter
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from weaviate.classes.aggregate import GroupByAggregate
from weaviate.classes.config import Configure, DataType, Property, VectorDistances
from weaviate.classes.data import DataObject
from weaviate.classes.query import Filter, Metrics
from weaviate.exceptions import WeaviateQueryError

N = 61
DIM = 4
BASE = datetime(2021, 3, 1, tzinfo=timezone.utc)
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"]


def _uid(i: int) -> str:
    return str(uuid_mod.UUID(int=(i * 2654435761) % (1 << 122) + (1 << 124)))


def _date(hours: int) -> str:
    return (BASE + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rows() -> list[dict]:
    rng = np.random.default_rng(11)
    rows = []
    for j in range(N):
        r = {
            "i": None if j % 7 == 3 else int(rng.integers(-5, 6)),
            "f": None if j % 9 == 4 else round(float(rng.normal(0, 3)), 3),
            "t": None if j % 8 == 5 else WORDS[int(rng.integers(0, len(WORDS)))] + ("" if j % 3 else " x"),
            "b": None if j % 10 == 7 else bool(rng.integers(0, 2)),
            "d": None if j % 11 == 2 else _date(2 * int(rng.integers(0, 40))),
            "ia": [int(v) for v in rng.integers(0, 5, size=int(rng.integers(0, 4)))],
            "fa": [round(float(v), 2) for v in rng.normal(0, 1, size=int(rng.integers(0, 3)))],
            "ta": [WORDS[int(v)] for v in rng.integers(0, 4, size=int(rng.integers(0, 3)))],
            "ba": [bool(v) for v in rng.integers(0, 2, size=int(rng.integers(0, 3)))],
            "da": [_date(2 * int(v)) for v in rng.integers(0, 10, size=int(rng.integers(0, 3)))],
            "raw": int(rng.integers(0, 3)),      # not filterable: values come from the store
            "grp": ["red", "green", "blue"][j % 3],
        }
        rows.append(r)
    return rows


ROWS = _rows()
VECS = np.random.default_rng(5).normal(size=(N, DIM)).astype(np.float32)


def _props() -> list[Property]:
    return [
        Property(name="i", data_type=DataType.INT), Property(name="f", data_type=DataType.NUMBER),
        Property(name="t", data_type=DataType.TEXT), Property(name="b", data_type=DataType.BOOL),
        Property(name="d", data_type=DataType.DATE), Property(name="ia", data_type=DataType.INT_ARRAY),
        Property(name="fa", data_type=DataType.NUMBER_ARRAY), Property(name="ta", data_type=DataType.TEXT_ARRAY),
        Property(name="ba", data_type=DataType.BOOL_ARRAY), Property(name="da", data_type=DataType.DATE_ARRAY),
        Property(name="raw", data_type=DataType.INT, index_filterable=False, index_range_filters=False),
        Property(name="grp", data_type=DataType.TEXT),
        Property(name="geo", data_type=DataType.GEO_COORDINATES),
    ]


@pytest.fixture
def col(collection_factory):
    c = collection_factory(
        properties=_props(),
        vector_config=Configure.Vectors.self_provided(
            vector_index_config=Configure.VectorIndex.hnsw(distance_metric=VectorDistances.COSINE)))
    res = c.data.insert_many([DataObject(properties={k: v for k, v in r.items() if v is not None}, uuid=_uid(j),
                                         vector=VECS[j].tolist()) for j, r in enumerate(ROWS)])
    assert not res.errors, res.errors
    return c


# ---- independent expectations -------------------------------------------------------------------------------
def _flat(name: str, idx) -> list:
    out = []
    for j in idx:
        v = ROWS[j][name]
        if v is None:
            continue
        out.extend(v if isinstance(v, list) else [v])
    return out


def _mode(values):
    counts = Counter(values)
    best = max(counts.values())
    return min(v for v, c in counts.items() if c == best)


def _num(name: str, idx) -> dict:
    vals = _flat(name, idx)
    if not vals:
        return {"count": 0}
    return {"count": len(vals), "minimum": min(vals), "maximum": max(vals), "sum": sum(vals),
            "mean": sum(vals) / len(vals), "median": statistics.median(vals), "mode": _mode(vals)}


def _parse(d: str) -> datetime:
    return datetime.strptime(d, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def _fmt(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _dates(name: str, idx) -> dict:
    vals = sorted(_parse(v) for v in _flat(name, idx))
    if not vals:
        return {"count": 0}
    n = len(vals)
    median = vals[n // 2] if n % 2 else vals[n // 2 - 1] + (vals[n // 2] - vals[n // 2 - 1]) / 2
    return {"count": n, "minimum": _fmt(vals[0]), "maximum": _fmt(vals[-1]), "median": _fmt(median),
            "mode": _fmt(_mode(vals))}


def _bools(name: str, idx) -> dict:
    vals = _flat(name, idx)
    tt = sum(vals)
    n = len(vals)
    return {"count": n, "total_true": tt, "total_false": n - tt,
            "percentage_true": tt / n if n else 0.0, "percentage_false": (n - tt) / n if n else 0.0}


def _top(name: str, idx, limit: int = 5) -> list[tuple[str, int]]:
    return sorted(Counter(_flat(name, idx)).items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def _check_num(got, exp: dict, is_int: bool) -> None:
    assert got.count == exp["count"]
    if exp["count"] == 0:
        assert (got.minimum, got.maximum, got.mean, got.median, got.mode, got.sum_) == (None,) * 6
        return
    assert got.minimum == pytest.approx(exp["minimum"]) and got.maximum == pytest.approx(exp["maximum"])
    assert got.mean == pytest.approx(exp["mean"]) and got.median == pytest.approx(exp["median"])
    assert got.mode == pytest.approx(exp["mode"]) and got.sum_ == pytest.approx(exp["sum"])
    if is_int:
        assert all(isinstance(v, int) for v in (got.minimum, got.maximum, got.mode, got.sum_))


def _all_metrics():
    return [Metrics("i").integer(), Metrics("f").number(), Metrics("ia").integer(), Metrics("fa").number(),
            Metrics("raw").integer(), Metrics("t").text(), Metrics("ta").text(limit=3), Metrics("b").boolean(),
            Metrics("ba").boolean(), Metrics("d").date_(), Metrics("da").date_()]


def _check_all(props, idx) -> None:
    for name, is_int in (("i", True), ("f", False), ("ia", True), ("fa", False), ("raw", True)):
        _check_num(props[name], _num(name, idx), is_int)
    for name in ("d", "da"):
        exp, got = _dates(name, idx), props[name]
        assert got.count == exp["count"]
        assert (got.minimum, got.maximum, got.median, got.mode) == tuple(
            exp.get(k) for k in ("minimum", "maximum", "median", "mode"))
    for name in ("b", "ba"):
        exp, got = _bools(name, idx), props[name]
        assert (got.count, got.total_true, got.total_false) == (exp["count"], exp["total_true"], exp["total_false"])
        assert got.percentage_true == pytest.approx(exp["percentage_true"])
        assert got.percentage_false == pytest.approx(exp["percentage_false"])
    assert props["t"].count == len(_flat("t", idx))
    assert [(o.value, o.count) for o in props["t"].top_occurrences] == _top("t", idx)
    assert props["ta"].count == len(_flat("ta", idx))
    assert [(o.value, o.count) for o in props["ta"].top_occurrences] == _top("ta", idx, 3)


# ---- tests --------------------------------------------------------------------------------------------------
def test_over_all_every_metric_every_type(col):
    res = col.aggregate.over_all(return_metrics=_all_metrics(), total_count=True)
    assert res.total_count == N
    _check_all(res.properties, range(N))
    assert len(col) == N


def test_only_requested_numeric_metrics_are_set(col):
    res = col.aggregate.over_all(return_metrics=[Metrics("i").integer(sum_=True, median=True),
                                                 Metrics("d").date_(maximum=True)])
    got, exp = res.properties["i"], _num("i", range(N))
    assert got.sum_ == exp["sum"] and got.median == pytest.approx(exp["median"])
    assert (got.mean, got.mode, got.minimum, got.maximum) == (None, None, None, None)
    assert got.count == 0      # the client reads count without HasField: unset reads as 0, as with Weaviate
    assert res.properties["d"].maximum == _dates("d", range(N))["maximum"]
    assert res.properties["d"].minimum is None and res.properties["d"].median is None


def test_filters(col):
    idx = [j for j in range(N) if ROWS[j]["i"] is not None and ROWS[j]["i"] > 0]
    res = col.aggregate.over_all(filters=Filter.by_property("i").greater_than(0), return_metrics=_all_metrics(),
                                 total_count=True)
    assert res.total_count == len(idx)
    _check_all(res.properties, idx)


def test_empty_result(col):
    res = col.aggregate.over_all(filters=Filter.by_property("i").greater_than(1000), return_metrics=_all_metrics(),
                                 total_count=True)
    assert res.total_count == 0
    _check_all(res.properties, [])
    assert res.properties["b"].percentage_true == 0.0 and res.properties["t"].top_occurrences == []


@pytest.mark.parametrize("prop", ["grp", "i", "b", "ta"])
def test_group_by(col, prop):
    res = col.aggregate.over_all(group_by=GroupByAggregate(prop=prop), total_count=True,
                                 return_metrics=[Metrics("f").number(), Metrics("t").text()])
    members: dict = {}
    for j, r in enumerate(ROWS):
        v = r[prop]
        for item in (set(v) if isinstance(v, list) else [] if v is None else [v]):
            members.setdefault(item, []).append(j)
    expected = sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    assert [(g.grouped_by.value, g.total_count) for g in res.groups] == [(k, len(v)) for k, v in expected]
    for g, (_key, idx) in zip(res.groups, expected):
        assert g.grouped_by.prop == prop
        assert type(g.grouped_by.value) is {"grp": str, "i": float, "b": bool, "ta": str}[prop]
        _check_num(g.properties["f"], _num("f", idx), False)
        assert [(o.value, o.count) for o in g.properties["t"].top_occurrences] == _top("t", idx)


def test_group_by_limit_and_filter(col):
    res = col.aggregate.over_all(group_by=GroupByAggregate(prop="i", limit=2), total_count=True,
                                 filters=Filter.by_property("b").equal(True))
    counts = Counter(r["i"] for r in ROWS if r["b"] is True and r["i"] is not None)
    expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
    assert [(g.grouped_by.value, g.total_count) for g in res.groups] == [(float(k), c) for k, c in expected]


def _cosine(q: np.ndarray) -> np.ndarray:
    v = VECS.astype(np.float64)
    return 1.0 - (v @ q) / (np.linalg.norm(v, axis=1) * np.linalg.norm(q))


def test_near_vector_object_limit(col):
    q = np.array([0.3, -1.0, 0.5, 0.2])
    idx = list(np.argsort(_cosine(q), kind="stable")[:10])
    res = col.aggregate.near_vector(q.tolist(), object_limit=10, return_metrics=_all_metrics(), total_count=True)
    assert res.total_count == 10
    _check_all(res.properties, idx)


def test_near_vector_distance_threshold_and_group_by(col):
    q = np.array([1.0, 0.0, 0.0, 0.0])
    d = _cosine(q)
    idx = [j for j in range(N) if d[j] <= 0.6]
    res = col.aggregate.near_vector(q.tolist(), distance=0.6, return_metrics=[Metrics("i").integer()],
                                    total_count=True)
    assert res.total_count == len(idx)
    _check_num(res.properties["i"], _num("i", idx), True)
    grouped = col.aggregate.near_vector(q.tolist(), distance=0.6, group_by="grp", total_count=True)
    assert {g.grouped_by.value: g.total_count for g in grouped.groups} == Counter(ROWS[j]["grp"] for j in idx)
    near_obj = col.aggregate.near_object(_uid(0), object_limit=5, total_count=True)
    assert near_obj.total_count == 5


@pytest.mark.loomdb_only("the wording for a hybrid aggregate without a vector or vectorizer is loomdb's")
def test_errors(col):
    with pytest.raises(WeaviateQueryError, match="no such prop with name 'nope'"):
        col.aggregate.over_all(return_metrics=Metrics("nope").integer())
    with pytest.raises(WeaviateQueryError, match="text.*not valid|not valid.*text"):
        col.aggregate.over_all(return_metrics=Metrics("t").integer(mean=True))
    with pytest.raises(WeaviateQueryError, match="not valid"):
        col.aggregate.over_all(return_metrics=Metrics("i").text())
    with pytest.raises(WeaviateQueryError, match="can't be aggregated"):
        col.aggregate.over_all(return_metrics=Metrics("geo").text())
    with pytest.raises(WeaviateQueryError, match="no such prop with name 'nope'"):
        col.aggregate.over_all(group_by="nope")
    with pytest.raises(WeaviateQueryError, match="search-type hybrid. Make sure a vectorizer module is configured"):
        col.aggregate.hybrid("alpha", object_limit=5)
    for exc in (WeaviateQueryError,):
        with pytest.raises(exc) as info:
            col.aggregate.over_all(return_metrics=Metrics("nope").integer())
        assert "INVALID_ARGUMENT" in str(info.value)


def test_aggregate_over_hybrid_uses_the_top_fused_candidates(collection_factory):
    """Aggregate with hybrid: the matched set is the top object_limit hybrid hits (as Weaviate does)."""
    from weaviate.classes.aggregate import Metrics
    from weaviate.classes.config import Configure, DataType, Property

    col = collection_factory("Hyb", properties=[Property(name="text", data_type=DataType.TEXT),
                                                Property(name="n", data_type=DataType.INT)],
                             vector_config=Configure.Vectors.self_provided())
    rng = np.random.default_rng(4)
    words = ["apple", "banana", "cherry", "date"]
    for i in range(40):
        col.data.insert({"text": " ".join(rng.choice(words, 3)), "n": i}, vector=rng.standard_normal(4).tolist())
    q = [0.5, -0.2, 0.1, 0.9]
    top = col.query.hybrid("apple cherry", vector=q, alpha=0.5, limit=7).objects
    agg = col.aggregate.hybrid("apple cherry", vector=q, alpha=0.5, object_limit=7, total_count=True,
                               return_metrics=Metrics("n").integer(sum_=True, maximum=True))
    assert agg.total_count == 7
    assert agg.properties["n"].sum_ == sum(o.properties["n"] for o in top)
    assert agg.properties["n"].maximum == max(o.properties["n"] for o in top)
