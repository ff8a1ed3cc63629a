"""WithinGeoRange, property-length and IsNull filters through the official client, against expectations computed
independently (haversine in plain Python, len() of the seeded values), plus Weaviate's errors and Like patterns
served by the sorted-vocabulary path."""
from __future__ import annotations

import fnmatch
import math
import uuid as uuid_mod

import numpy as np
import pytest
from weaviate.classes.config import Configure, DataType, Property, Tokenization
from weaviate.classes.data import DataObject, GeoCoordinate
from weaviate.classes.query import Filter
from weaviate.exceptions import WeaviateQueryError

N = 150
WORDS = ["alpha", "alphabet", "beta", "betamax", "gamma", "delta", "alp", "ünïcode", "日本語"]


def _uid(k: int) -> str:
    return str(uuid_mod.UUID(int=k + 1))


def _haversine_m(lat1, lon1, lat2, lon2):
    r = 6371e3
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin(math.radians(lat2 - lat1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return r * 2 * math.atan2(math.sqrt(a), math.sqrt(1 - a))


def _rows(seed: int = 5):
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(N):
        p = {}
        if rng.random() > 0.1:
            p["loc"] = {"latitude": float(np.float32(52.0 + rng.normal(scale=1.0))),
                        "longitude": float(np.float32(4.9 + rng.normal(scale=1.5)))}
        if rng.random() > 0.15:
            p["t"] = " ".join(WORDS[int(j)] for j in rng.integers(0, len(WORDS), rng.integers(1, 3)))
        if rng.random() > 0.15:
            p["tags"] = [WORDS[int(j)] for j in rng.integers(0, len(WORDS), rng.integers(0, 4))]
        if rng.random() > 0.2:
            p["i"] = int(rng.integers(0, 10))
        rows.append(p)
    return rows


def _props():
    return [Property(name="loc", data_type=DataType.GEO_COORDINATES),
            Property(name="t", data_type=DataType.TEXT, tokenization=Tokenization.WORD),
            Property(name="tags", data_type=DataType.TEXT_ARRAY),
            Property(name="i", data_type=DataType.INT)]


@pytest.fixture(scope="module")
def seeded(client):
    name = "TFiltersGeoLengthSeeded"
    client.collections.delete(name)
    col = client.collections.create(name, properties=_props(), vector_config=Configure.Vectors.self_provided(),
                                    inverted_index_config=Configure.inverted_index(index_property_length=True,
                                                                                    index_null_state=True))
    rows = _rows()
    res = col.data.insert_many([DataObject(properties={k: (GeoCoordinate(**v) if k == "loc" else v)
                                                       for k, v in p.items()}, uuid=_uid(k))
                                for k, p in enumerate(rows)])
    assert not res.has_errors
    yield col, rows
    client.collections.delete(name)


def _ids(col, flt) -> set[str]:
    return {str(o.uuid) for o in col.query.fetch_objects(filters=flt, limit=1000).objects}


@pytest.mark.parametrize("center, meters", [((52.37, 4.89), 50_000), ((52.37, 4.89), 150_000),
                                            ((51.0, 3.0), 80_000), ((0.0, 0.0), 1_000)])
def test_within_geo_range(seeded, center, meters):
    col, rows = seeded
    want = {_uid(k) for k, p in enumerate(rows)
            if "loc" in p and _haversine_m(center[0], center[1], p["loc"]["latitude"], p["loc"]["longitude"]) <= meters}
    flt = Filter.by_property("loc").within_geo_range(GeoCoordinate(latitude=center[0], longitude=center[1]),
                                                     distance=meters)
    assert _ids(col, flt) == want
    if center == (52.37, 4.89) and meters == 50_000:
        assert want and len(want) < N                      # the case is not vacuous


def test_geo_combined_and_null(seeded):
    col, rows = seeded
    geo = Filter.by_property("loc").within_geo_range(GeoCoordinate(latitude=52.37, longitude=4.89), distance=120_000)
    want = {_uid(k) for k, p in enumerate(rows) if "loc" in p and p.get("i", -1) >= 5
            and _haversine_m(52.37, 4.89, p["loc"]["latitude"], p["loc"]["longitude"]) <= 120_000}
    assert _ids(col, geo & Filter.by_property("i").greater_or_equal(5)) == want
    assert _ids(col, Filter.by_property("loc").is_none(True)) == {_uid(k) for k, p in enumerate(rows)
                                                                   if "loc" not in p}


@pytest.mark.parametrize("prop", ["t", "tags"])
@pytest.mark.parametrize("op, value", [("equal", 0), ("equal", 5), ("greater_than", 8), ("less_or_equal", 2),
                                       ("not_equal", 1)])
def test_property_length(seeded, prop, op, value):
    col, rows = seeded
    import operator as o
    fn = {"equal": o.eq, "greater_than": o.gt, "less_or_equal": o.le, "not_equal": o.ne}[op]
    want = {_uid(k) for k, p in enumerate(rows) if fn(len(p.get(prop) or []) if prop == "tags"
                                                      else len(p.get(prop, "")), value)}
    flt = getattr(Filter.by_property(prop, length=True), op)(value)
    assert _ids(col, flt) == want


def test_property_length_needs_the_index(collection_factory):
    col = collection_factory(properties=_props(), vector_config=Configure.Vectors.self_provided())
    col.data.insert({"t": "abc"})
    with pytest.raises(WeaviateQueryError, match="Property length must be indexed to be filterable"):
        col.query.fetch_objects(filters=Filter.by_property("t", length=True).equal(3))


def test_property_length_on_types_without_length(seeded):
    col, _ = seeded
    with pytest.raises(WeaviateQueryError, match="Property length must be indexed to be filterable"):
        col.query.fetch_objects(filters=Filter.by_property("i", length=True).equal(1))


def test_geo_operator_errors(seeded):
    col, _ = seeded
    with pytest.raises(WeaviateQueryError):
        col.query.fetch_objects(filters=Filter.by_property("i").within_geo_range(
            GeoCoordinate(latitude=1.0, longitude=1.0), distance=10.0))


@pytest.mark.parametrize("pattern", ["alp*", "alpha", "*max", "*et*", "?eta", "b*a", "*", "ünï*", "日*", "zzz*"])
def test_like_patterns(seeded, pattern):
    col, rows = seeded
    want = {_uid(k) for k, p in enumerate(rows)
            if "t" in p and any(fnmatch.fnmatchcase(w, pattern) for w in p["t"].split())}
    assert _ids(col, Filter.by_property("t").like(pattern)) == want
