"""Aggregations read from memory (filter columns and lazily built value columns) give what Weaviate's definitions
give over the stored objects: checked against a plain reference over the live objects, before and after writes,
overwrites, deletes and a compaction that the value columns must follow."""
from __future__ import annotations

import math
import random
import uuid
from collections import Counter
from dataclasses import fields

import numpy as np
import pytest

from loomdb.engine import shard as shard_module
from loomdb.engine.query.aggregate import aggregate, date_median_ns, format_rfc3339_nano
from loomdb.engine.query.allowlist import FilterContext
from loomdb.engine.schema.dates import to_micros
from loomdb.engine.schema.model import PropertySpec
from loomdb.engine.shard import Shard
from loomdb.entities.aggregate import AggregateParams, PropertyAggregation, PropertyResult
from loomdb.entities.filters import FilterLeaf
from loomdb.entities.objects import ObjectWrite

_SPECS = {s.name: s for s in [
    PropertySpec("t", "text", "word"), PropertySpec("f", "text", "field"), PropertySpec("ta", "text[]", "word"),
    PropertySpec("u", "uuid"), PropertySpec("ua", "uuid[]"), PropertySpec("d", "date"), PropertySpec("da", "date[]"),
    PropertySpec("i", "int"), PropertySpec("b", "boolean"), PropertySpec("ia", "int[]"),
    PropertySpec("na", "number[]"), PropertySpec("ba", "boolean[]"),
    PropertySpec("h", "int", index_filterable=False), PropertySpec("hn", "number", index_filterable=False),
    PropertySpec("hb", "boolean", index_filterable=False), PropertySpec("hd", "date", index_filterable=False),
    PropertySpec("ht", "text", "word", index_filterable=False),
]}
_KIND = {"text": "text", "uuid": "uuid", "date": "date", "int": "int", "number": "number", "boolean": "boolean"}
_METRICS = {"int": ("count", "sum", "mean", "median", "mode", "maximum", "minimum"),
            "number": ("count", "sum", "mean", "median", "mode", "maximum", "minimum"),
            "date": ("count", "median", "mode", "maximum", "minimum"), "text": ("count", "top_occurrences"),
            "boolean": ("count", "total_true")}
_CTX = FilterContext("C", index_timestamps=False, index_null_state=True)
_WORDS = ["Red fox", "red fox", "blue", " blue ", "Grün", "ápple", "z", "a b c"]
_UUIDS = [str(uuid.UUID(int=i * 7919)) for i in range(1, 6)]
_DATES = ["2021-01-05T03:00:00Z", "2021-01-05T05:00:00+02:00", "2020-12-31T23:59:59.5Z", "2022-06-01T00:00:00Z"]


def _value(rng: random.Random, spec: PropertySpec):
    if rng.random() < 0.15:
        return None
    base = spec.base_type
    one = {"text": lambda: rng.choice(_WORDS), "uuid": lambda: rng.choice(_UUIDS), "date": lambda: rng.choice(_DATES),
           "int": lambda: rng.randint(-2, 4), "number": lambda: rng.randint(-2, 4) / 2,
           "boolean": lambda: rng.random() < 0.3}[base]
    return [one() for _ in range(rng.randint(0, 3))] if spec.is_array else one()


def _objects(rng: random.Random, n: int) -> list[dict]:
    out = []
    for _ in range(n):
        props = {name: _value(rng, spec) for name, spec in _SPECS.items()}
        out.append({k: v for k, v in props.items() if v is not None})
    return out


# ---- the reference: Weaviate's definitions over plain Python values -----------------------------------------
def _flat(objects: list[dict], name: str) -> list:
    return [x for o in objects if o.get(name) is not None
            for x in (o[name] if isinstance(o[name], list) else [o[name]])]


def _reference_metrics(objects: list[dict], name: str, limit: int | None) -> dict:
    kind = _KIND[_SPECS[name].base_type]
    vals = _flat(objects, name)
    out: dict = {"count": len(vals)}
    if kind == "text":
        counts = Counter(vals)
        out["top_occurrences"] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:max(limit or 5, 1)]
        return out
    if not vals:
        return out
    if kind == "boolean":
        out["total_true"] = sum(vals)
        return out
    nums = [to_micros(v) for v in vals] if kind == "date" else vals
    counts = Counter(nums)
    mode = min(v for v, c in counts.items() if c == max(counts.values()))
    if kind == "date":
        return dict(out, median=format_rfc3339_nano(date_median_ns(np.array(nums))),
                    mode=format_rfc3339_nano(mode * 1000), maximum=format_rfc3339_nano(max(nums) * 1000),
                    minimum=format_rfc3339_nano(min(nums) * 1000))
    return dict(out, sum=sum(nums), mean=sum(nums) / len(nums), median=float(np.median(nums)), mode=mode,
                maximum=max(nums), minimum=min(nums))


def _group_key(spec: PropertySpec, value):
    base = spec.base_type
    return float(value) if base in ("int", "number") else bool(value) if base == "boolean" else str(value)


def _reference_groups(objects: list[dict], by: str, metric_of: str, limit: int) -> list[tuple]:
    members: dict = {}
    for o in objects:
        value = o.get(by)
        for item in dict.fromkeys(value if isinstance(value, list) else ([] if value is None else [value])):
            members.setdefault(_group_key(_SPECS[by], item), []).append(o)
    ordered = sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:limit]
    return [(key, len(group), _reference_metrics(group, metric_of, None)) for key, group in ordered]


def _assert_matches(result: PropertyResult, expected: dict) -> None:
    got = {f.name: getattr(result, f.name) for f in fields(result) if f.name in expected}
    for key, want in expected.items():
        if isinstance(want, float):
            assert math.isclose(got[key], want, rel_tol=1e-12), (result.property, key)
        else:
            assert got[key] == want, (result.property, key, got[key], want)


def _check(shard: Shard, live: dict[str, dict], flt: FilterLeaf | None) -> None:
    objects = [o for o in live.values() if flt is None or (o.get("i") is not None and o["i"] < flt.value)]
    aggs = tuple(PropertyAggregation(name, _KIND[spec.base_type], frozenset(_METRICS[_KIND[spec.base_type]]), 3)
                 for name, spec in _SPECS.items() if spec.base_type != "uuid")    # uuid: group-by only
    result = aggregate(shard, AggregateParams("C", aggs, filters=flt), _CTX, None)
    assert result.total_count == len(objects)
    for res in result.properties:
        _assert_matches(res, _reference_metrics(objects, res.property, 3))
    for by in _SPECS:
        params = AggregateParams("C", (PropertyAggregation("t", "text", frozenset({"count"})),), filters=flt,
                                 group_by=by, group_limit=4)
        groups = aggregate(shard, params, _CTX, None).groups
        want = _reference_groups(objects, by, "t", 4)
        assert [(g.value, g.count) for g in groups] == [(key, count) for key, count, _ in want], by
        for group, (_, _, metrics) in zip(groups, want):
            _assert_matches(group.properties[0], metrics)


@pytest.mark.parametrize("seed", range(3))
def test_aggregations_from_memory_match_the_stored_objects(tmp_path, monkeypatch, seed):
    monkeypatch.setattr(shard_module, "_COMPACT_MIN_DEAD", 10)
    rng = random.Random(seed)
    shard = Shard(tmp_path / "s", _SPECS, {})
    live: dict[str, dict] = {}

    def put(objects: list[dict], ids: list[str]) -> None:
        assert shard.put([ObjectWrite(u, o, {}) for u, o in zip(ids, objects)], 1) == [None] * len(ids)
        live.update(zip(ids, objects))

    put(_objects(rng, 120), [str(uuid.UUID(int=i + 1)) for i in range(120)])
    _check(shard, live, None)
    assert {"t", "ta", "u", "ua", "d", "h", "hd", "ht"} <= set(shard.value_columns)   # built on first use
    assert "i" not in shard.value_columns                                         # served by its filter column
    put(_objects(rng, 60), [str(uuid.UUID(int=i + 1)) for i in range(90, 150)])  # 30 overwrites, 30 new
    gone = [str(uuid.UUID(int=i + 1)) for i in rng.sample(range(150), 40)]
    shard.delete(gone)
    for u in gone:
        live.pop(u)
    assert shard.slot_count < 180                                                 # compacted
    _check(shard, live, None)
    _check(shard, live, FilterLeaf("LessThan", "i", 2, "int"))
    shard.close()
