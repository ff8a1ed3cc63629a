"""auto_limit (autocut) and group_by through the official client on near_vector / near_object, expectations computed
independently in the test from seeded vectors (cosine distance in numpy, autocut and grouping rules re-stated)."""
from __future__ import annotations

import uuid as uuid_mod

import numpy as np
import pytest
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.data import DataObject
from weaviate.classes.query import Filter, GroupBy, MetadataQuery
from weaviate.exceptions import WeaviateQueryError

N, DIM = 80, 8
COLORS = ["red", "green", "blue", "black", "white"]


def _uid(k: int) -> str:
    return str(uuid_mod.UUID(int=(k * 0x9E3779B97F4A7C15) % (1 << 122) + 1))


def _data(seed: int = 11):
    rng = np.random.default_rng(seed)
    vecs = rng.normal(size=(N, DIM)).astype(np.float32)
    props = []
    for _ in range(N):
        p = {"color": COLORS[int(rng.integers(0, len(COLORS)))], "size": int(rng.integers(0, 3)),
             "tags": [COLORS[int(j)] for j in rng.choice(len(COLORS), int(rng.integers(1, 3)), replace=False)]}
        if rng.random() < 0.1:
            del p["color"]
        props.append(p)
    return vecs, props


@pytest.fixture(scope="module")
def seeded(client):
    name = "TAutocutGroupBySeeded"
    client.collections.delete(name)
    col = client.collections.create(name, vector_config=Configure.Vectors.self_provided(), properties=[
        Property(name="color", data_type=DataType.TEXT), Property(name="size", data_type=DataType.INT),
        Property(name="tags", data_type=DataType.TEXT_ARRAY)])
    vecs, props = _data()
    res = col.data.insert_many([DataObject(properties=p, uuid=_uid(k), vector=vecs[k].tolist())
                                for k, p in enumerate(props)])
    assert not res.has_errors
    yield col, vecs, props
    client.collections.delete(name)


def _ranked(vecs, query):
    """(index, cosine distance) best first, as float32 like the server."""
    q = query / np.linalg.norm(query)
    m = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    d = (1.0 - m @ q).astype(np.float32)
    order = np.argsort(d, kind="stable")
    return [(int(i), float(d[i])) for i in order]


def _autocut_reference(values, cut):
    """Weaviate's rule restated in plain Python (docs: additional-operators, autocut)."""
    n = len(values)
    if cut <= 0 or n <= 1:
        return n
    step = 1.0 / (n - 1)
    diff = [(v - values[0]) / (values[-1] - values[0]) - i * step if values[-1] != values[0] else float("nan")
            for i, v in enumerate(values)]
    count = 0
    for i in range(1, n):
        if i == n - 1:
            is_max = n > 2 and diff[i] > diff[i - 1] and diff[i] > diff[i - 2]
        else:
            is_max = diff[i] > diff[i - 1] and diff[i] > diff[i + 1]
        if is_max:
            count += 1
            if count >= cut:
                return i
    return n


@pytest.mark.parametrize("cut", [1, 2, 3])
def test_auto_limit_near_vector(seeded, cut):
    col, vecs, _ = seeded
    query = vecs[3] + 0.05
    limit = 15
    ranked = _ranked(vecs, query)[:limit]
    keep = _autocut_reference([d for _, d in ranked], cut)
    res = col.query.near_vector(query.tolist(), limit=limit, auto_limit=cut,
                                return_metadata=MetadataQuery(distance=True))
    assert [str(o.uuid) for o in res.objects] == [_uid(i) for i, _ in ranked[:keep]]
    assert keep < limit or cut == 3


def test_auto_limit_on_clustered_distances(client, collection_factory):
    """Three tight clusters around the query: autocut 1 keeps the first cluster, 2 the first two."""
    col = collection_factory(vector_config=Configure.Vectors.self_provided(),
                             properties=[Property(name="k", data_type=DataType.INT)])
    base = np.array([1.0, 0.0, 0.0], np.float32)
    vecs = []
    for angle in [0.01, 0.6, 1.2]:
        for j in range(4):
            a = angle + 0.002 * j
            vecs.append([np.cos(a), np.sin(a), 0.0])
    col.data.insert_many([DataObject(properties={"k": k}, uuid=_uid(k), vector=v) for k, v in enumerate(vecs)])
    one = col.query.near_vector(base.tolist(), limit=12, auto_limit=1).objects
    two = col.query.near_vector(base.tolist(), limit=12, auto_limit=2).objects
    assert sorted(o.properties["k"] for o in one) == [0, 1, 2, 3]
    assert sorted(o.properties["k"] for o in two) == list(range(8))
    by_object = col.query.near_object(_uid(0), limit=12, auto_limit=1).objects
    assert sorted(o.properties["k"] for o in by_object) == [0, 1, 2, 3]


def _group_reference(ranked, props, prop, groups_wanted, per_group):
    groups: dict[str, list[tuple[int, float]]] = {}
    for i, d in ranked:
        if prop not in props[i]:
            continue
        value = props[i][prop]
        names = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        for name in names:
            if name in groups and len(groups[name]) >= per_group:
                continue
            if name not in groups:
                if len(groups) >= groups_wanted:
                    break
                groups[name] = []
            groups[name].append((i, d))
    return groups


@pytest.mark.parametrize("prop, n_groups, per_group", [("color", 3, 2), ("size", 5, 4), ("tags", 2, 3)])
def test_group_by_near_vector(seeded, prop, n_groups, per_group):
    col, vecs, props = seeded
    query = vecs[10] * 0.7 + vecs[20] * 0.3
    limit = 30
    want = _group_reference(_ranked(vecs, query)[:limit], props, prop, n_groups, per_group)
    res = col.query.near_vector(query.tolist(), limit=limit,
                                group_by=GroupBy(prop=prop, number_of_groups=n_groups, objects_per_group=per_group),
                                return_metadata=MetadataQuery(distance=True))
    assert list(res.groups) == list(want)                      # names, in order of their best hit
    for name, members in want.items():
        group = res.groups[name]
        assert [str(o.uuid) for o in group.objects] == [_uid(i) for i, _ in members]
        assert group.number_of_objects == len(members)
        assert group.min_distance == pytest.approx(members[0][1], abs=1e-5)
        assert group.max_distance == pytest.approx(members[-1][1], abs=1e-5)
        assert [o.metadata.distance for o in group.objects] == pytest.approx([d for _, d in members], abs=1e-5)
        assert all(o.belongs_to_group == name for o in group.objects)
    assert len(res.objects) == sum(len(m) for m in want.values())


def test_group_by_with_filter_and_near_object(seeded):
    col, vecs, props = seeded
    flt = Filter.by_property("size").greater_than(0)
    allowed = [k for k, p in enumerate(props) if p["size"] > 0]
    ranked = [(allowed[i], d) for i, d in _ranked(vecs[allowed], vecs[5])]
    want = _group_reference(ranked[:20], props, "color", 2, 3)
    res = col.query.near_object(_uid(5), limit=20, filters=flt,
                                group_by=GroupBy(prop="color", number_of_groups=2, objects_per_group=3))
    assert {n: [str(o.uuid) for o in g.objects] for n, g in res.groups.items()} == \
        {n: [_uid(i) for i, _ in m] for n, m in want.items()}


def test_group_by_unknown_property(seeded):
    col, vecs, _ = seeded
    with pytest.raises(WeaviateQueryError, match="no such prop with name 'nope'"):
        col.query.near_vector(vecs[0].tolist(), group_by=GroupBy(prop="nope", number_of_groups=2,
                                                                 objects_per_group=2))
