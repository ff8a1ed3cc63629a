"""Sorting through the official client (fetch_objects(sort=...)), checked against an independent Python ordering of
seeded data: every sortable type, nulls, multi-key, internal properties, filters + paging, and Weaviate's errors."""
from __future__ import annotations

import uuid as uuid_mod
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.data import DataObject
from weaviate.classes.query import Filter, MetadataQuery, Sort
from weaviate.exceptions import WeaviateQueryError

N = 120
BASE = datetime(2024, 1, 1, tzinfo=timezone.utc)
WORDS = ["apple", "Banana", "cherry", "apple pie", "Äpfel", "banana", "zebra", "Zulu", "éclair"]


def _props():
    return [
        Property(name="i", data_type=DataType.INT),
        Property(name="n", data_type=DataType.NUMBER),
        Property(name="d", data_type=DataType.DATE),
        Property(name="b", data_type=DataType.BOOL),
        Property(name="t", data_type=DataType.TEXT),
        Property(name="tags", data_type=DataType.TEXT_ARRAY),
        Property(name="nums", data_type=DataType.INT_ARRAY),
        Property(name="u", data_type=DataType.UUID),
        Property(name="raw", data_type=DataType.TEXT, index_filterable=False, index_searchable=False),
    ]


def _rows(seed: int = 7) -> list[tuple[str, dict]]:
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(N):
        def maybe(v):
            return None if rng.random() < 0.15 else v
        rows.append((str(uuid_mod.UUID(int=int(rng.integers(0, 2**62)) << 64 | k)), {
            "i": maybe(int(rng.integers(-5, 6))),
            "n": maybe(round(float(rng.normal()), 3)),
            "d": maybe(BASE + timedelta(hours=int(rng.integers(0, 500)))),
            "b": maybe(bool(rng.integers(0, 2))),
            "t": maybe(WORDS[int(rng.integers(0, len(WORDS)))]),
            "tags": maybe(sorted({WORDS[int(j)] for j in rng.integers(0, len(WORDS), rng.integers(1, 3))})),
            "nums": maybe([int(x) for x in rng.integers(0, 4, rng.integers(1, 3))]),
            "raw": maybe(WORDS[int(rng.integers(0, len(WORDS)))].upper()),
            "u": str(uuid_mod.UUID(int=k + 1)),
        }))
    return rows


@pytest.fixture(scope="module")
def seeded(request, client):
    name = "TSortSeeded"
    client.collections.delete(name)
    col = client.collections.create(name, properties=_props(), vector_config=Configure.Vectors.self_provided(),
                                    inverted_index_config=Configure.inverted_index(index_timestamps=True))
    rows = _rows()
    res = col.data.insert_many([DataObject(properties={k: v for k, v in p.items() if v is not None}, uuid=u,
                                           vector=[float(j % 7), 1.0]) for j, (u, p) in enumerate(rows)])
    assert not res.has_errors
    yield col, rows
    client.collections.delete(name)


def _cmp_value(prop: str, v):
    """Weaviate's comparator order (sorter/basic_comparators.go), computed independently of loomdb."""
    if v is None:
        return None
    if prop in ("t", "raw"):
        return v.lower()
    if prop == "tags":
        return tuple(x.lower() for x in v)
    if prop == "nums":
        return tuple(float(x) for x in v)
    if prop == "d":
        return v.timestamp()
    return v


def _expected(rows, prop, ascending):
    vals = [_cmp_value(prop, p[prop]) for _, p in rows]
    present = sorted(v for v in vals if v is not None)
    nulls = [None] * sum(v is None for v in vals)
    return nulls + present if ascending else present[::-1] + nulls


def _got(objs, prop):
    out = []
    for o in objs:
        v = o.properties.get(prop)
        if prop == "d" and v is not None:
            v = v.timestamp()
        else:
            v = _cmp_value(prop, v) if prop != "d" else None
        out.append(v)
    return out


@pytest.mark.parametrize("prop", ["i", "n", "d", "b", "t", "tags", "nums", "raw"])
@pytest.mark.parametrize("ascending", [True, False])
def test_single_key_order_matches_weaviate_comparators(seeded, prop, ascending):
    col, rows = seeded
    objs = col.query.fetch_objects(limit=N, sort=Sort.by_property(prop, ascending=ascending)).objects
    assert _got(objs, prop) == _expected(rows, prop, ascending)


def test_multi_key(seeded):
    col, rows = seeded
    objs = col.query.fetch_objects(limit=N, sort=Sort.by_property("b").by_property("i", ascending=False)).objects

    def key(p):
        b, i = p.get("b"), p.get("i")
        return ((b is not None, b if b is not None else False),
                (i is None, -(i if i is not None else 0)))
    got = [(o.properties.get("b"), o.properties.get("i")) for o in objs]
    want = [(p["b"], p["i"]) for _, p in sorted(rows, key=lambda r: key(r[1]))]
    assert got == want


def test_internal_properties(seeded):
    col, rows = seeded
    ids = [str(o.uuid) for o in col.query.fetch_objects(limit=N, sort=Sort.by_id(ascending=False)).objects]
    assert ids == sorted((u for u, _ in rows), reverse=True)
    objs = col.query.fetch_objects(limit=N, sort=Sort.by_creation_time(),
                                   return_metadata=MetadataQuery(creation_time=True)).objects
    stamps = [o.metadata.creation_time for o in objs]
    assert stamps == sorted(stamps)
    objs = col.query.fetch_objects(limit=N, sort=Sort.by_update_time(ascending=False),
                                   return_metadata=MetadataQuery(last_update_time=True)).objects
    stamps = [o.metadata.last_update_time for o in objs]
    assert stamps == sorted(stamps, reverse=True)


def test_with_filter_limit_offset(seeded):
    col, rows = seeded
    matching = [(u, p) for u, p in rows if p["i"] is not None and p["i"] >= 0]
    want = _expected(matching, "n", True)
    page = col.query.fetch_objects(filters=Filter.by_property("i").greater_or_equal(0), limit=7, offset=5,
                                   sort=Sort.by_property("n")).objects
    assert [o.properties.get("n") for o in page] == want[5:12]


def test_sort_with_search_is_refused(seeded):
    """The client's near_vector has no sort argument; send the combination over gRPC as another client could."""
    from weaviate.proto.v1 import base_search_pb2, search_get_pb2
    col, _ = seeded
    req = search_get_pb2.SearchRequest(
        collection=col.name, limit=3, uses_123_api=True, uses_125_api=True, uses_127_api=True,
        sort_by=[search_get_pb2.SortBy(ascending=True, path=["i"])],
        near_vector=base_search_pb2.NearVector(vector_bytes=np.array([1.0, 1.0], np.float32).tobytes()))
    with pytest.raises(Exception, match="sorting cannot be combined with search"):
        col._connection.grpc_search(req)


def test_unsortable_and_unknown_properties(seeded):
    col, _ = seeded
    with pytest.raises(WeaviateQueryError, match="sorting by uuid is currently not supported"):
        col.query.fetch_objects(sort=Sort.by_property("u"))
    with pytest.raises(WeaviateQueryError, match="no such prop with name 'nope' found in class"):
        col.query.fetch_objects(sort=Sort.by_property("nope"))


@pytest.mark.loomdb_only("inspects the engine's sort columns")
def test_text_sort_column_stays_current_after_writes(collection_factory, server):
    """The text sort column is built on the first sort and then maintained by the write path: later inserts,
    overwrites and deletes must show up in the next sort."""
    from weaviate.classes.config import DataType, Property
    from weaviate.classes.query import Sort

    col = collection_factory(properties=[Property(name="name", data_type=DataType.TEXT)])
    ids = {n: col.data.insert({"name": n}) for n in ["delta", "Alpha", "charlie"]}
    shard = server.db.collection(col.name).shard
    assert "name" not in shard.sort_columns                      # nothing built before a sort asks for it
    first = col.query.fetch_objects(sort=Sort.by_property("name"))
    assert [o.properties["name"] for o in first.objects] == ["Alpha", "charlie", "delta"]
    assert "name" in shard.sort_columns
    col.data.insert({"name": "bravo"})
    col.data.replace(ids["delta"], properties={"name": "aardvark"})
    col.data.delete_by_id(ids["charlie"])
    again = col.query.fetch_objects(sort=Sort.by_property("name", ascending=False))
    assert [o.properties["name"] for o in again.objects] == ["bravo", "Alpha", "aardvark"]
