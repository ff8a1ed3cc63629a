"""Aggregations over a matched slot set, with Weaviate's definitions (adapters/repos/db/aggregator/*.go):

- numeric (int, number and their arrays; every array element counts): median = middle value, or the mean of the
  two middle values for an even count; mode = most frequent value, ties -> the smallest; empty -> only count.
- date: min/max/mode/median like numeric; an even-count median between two different instants is their midpoint
  (in nanoseconds); values are RFC 3339 in UTC as Go's RFC3339Nano prints them.
- text: count = number of values (array elements each); top occurrences ordered by occurrences desc then
  value asc, `limit` (default 5) of them.
- boolean: totals and fractions (0..1) of true/false over all values.
- group by: groups from the values of the matched objects (each array element its own group, an object at most
  once per group), largest first, at most `limit` (default 100) groups.

Numeric values come straight from the filter columns (ScalarColumn values/present, TermsColumn terms/owners) as
numpy arrays. Whole values (text, the strings of uuid/date group keys) and properties without a filter column
come from the property's ValueColumn (inverted/valuecolumn.py): value ids per matched object, so counting is
np.bincount and only the distinct values reported are looked at. No aggregation reads objects from the store.
"""
from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import numpy as np

from ...entities.aggregate import (
    DEFAULT_GROUP_LIMIT,
    DEFAULT_TOP_OCCURRENCES_LIMIT,
    KIND_METRICS,
    REFERENCE_TYPE,
    AggregateGroup,
    AggregateParams,
    AggregateResult,
    PropertyAggregation,
    PropertyResult,
)
from ...entities.errors import InvalidInput, Unsupported
from ..inverted.columns import ScalarColumn, TermsColumn
from ..inverted.setops import sorted_distinct
from ..schema.dates import to_micros
from ..schema.model import PropertySpec
from ..sharding import fan_out
from .allowlist import FilterContext, allow_list
from .keyword import KeywordConfig
from .pipeline import HYBRID_POOL, hybrid_fused
from .references import has_references, prepare_filters

if TYPE_CHECKING:
    from ..shard import Shard

# request kinds a property's base type accepts (int and number are interchangeable, as in Weaviate, where the
# schema type decides the computation and the reply type)
_ACCEPTS = {"int": {"int", "number"}, "number": {"int", "number"}, "text": {"text"}, "boolean": {"boolean"},
            "date": {"date"}}
_GROUPABLE = ("text", "int", "number", "boolean", "date", "uuid")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def no_such_property(name: str, class_name: str) -> str:
    return (f"no such prop with name '{name}' found in class '{class_name}' in the schema. Check your schema files "
            "for which properties in this class are available")


# ---- values of the matched set ------------------------------------------------------------------------------
@dataclass
class _Values:
    """Flat values of one property over the matched set: `values[i]` belongs to matched position `owner[i]`.
    With `vocab`, `values` are ids into it (distinct whole values of a ValueColumn)."""

    values: np.ndarray
    owner: np.ndarray
    vocab: Sequence | None = None

    def subset(self, member: np.ndarray | None) -> np.ndarray:
        if member is None:
            return self.values
        return self.values[member[self.owner]]


def _from_scalar(column: ScalarColumn, slots: np.ndarray) -> _Values:
    vals, present = column.values.view(), column.present.view()
    inside = slots < len(vals)                    # slots written before the column existed have no value
    pos = np.flatnonzero(inside)
    has = present[slots[inside]]
    return _Values(vals[slots[inside]][has].copy(), pos[has])


def _from_pairs(values: np.ndarray, owners: np.ndarray, pos_of: np.ndarray) -> _Values:
    """The pairs (value, owner slot) of a TermsColumn or ValueColumn whose owner is matched (pos_of >= 0)."""
    sel = pos_of[owners] if len(owners) else np.empty(0, np.int64)
    keep = sel >= 0
    return _Values(values[keep], sel[keep])


def _filter_column(shard: Shard, spec: PropertySpec, grouping: bool) -> ScalarColumn | TermsColumn | None:
    """The filter column holding the property's values as aggregation needs them: numbers, booleans and (for
    metrics) dates; None when only the stored values will do (text, uuid, date group keys, no filter column)."""
    column = shard.columns.get(spec.name)
    if spec.base_type in ("int", "number", "boolean") or (spec.base_type == "date" and not grouping):
        if isinstance(column, (ScalarColumn, TermsColumn)):
            return column
    return None


def _values(shard: Shard, spec: PropertySpec, kind: str, slots: np.ndarray, pos_of: np.ndarray,
            grouping: bool = False) -> _Values:
    """Values of one property over the matched slots (`pos_of`: slot -> matched position or -1). Call under
    the shard's read lock; references are read from the store after it (`_beacons`)."""
    column = _filter_column(shard, spec, grouping)
    if isinstance(column, ScalarColumn):
        return _from_scalar(column, slots)
    if isinstance(column, TermsColumn):
        return _from_pairs(column.terms.view(), column.owners.view(), pos_of)
    stored = shard.value_columns[spec.name]
    found = _from_pairs(stored.ids.view(), stored.owners.view(), pos_of)
    convert = None if grouping else _CONVERTERS.get(kind)
    if convert is None:                             # text, or a group key: ids into the distinct values
        return _Values(found.values, found.owner, stored.values)
    return _Values(stored.converted(kind, convert)[found.values], found.owner)


def _beacons(shard: Shard, spec: PropertySpec, docs: np.ndarray) -> _Values:
    """The beacons of a reference property over the matched objects (their store keys, in matched order), read
    from the store outside the read lock, like a page's objects (references keep no value column: an aggregation
    over them is rare, and the store holds them as written)."""
    stored = shard.property_values(docs.tolist(), spec.name)
    pairs = [(ref["beacon"], pos) for pos, refs in enumerate(stored) for ref in refs or ()
             if isinstance(ref, dict) and ref.get("beacon")]
    return _Values(np.asarray([b for b, _ in pairs], dtype=object), np.asarray([p for _, p in pairs], np.int64))


_CONVERTERS = {
    "int": lambda values: np.asarray(values, dtype=np.int64),
    "number": lambda values: np.asarray(values, dtype=np.float64),
    "boolean": lambda values: np.asarray(values, dtype=bool),
    "date": lambda values: np.asarray([to_micros(v) for v in values], dtype=np.int64),
}


# ---- metrics ------------------------------------------------------------------------------------------------
def numeric_median(values: np.ndarray) -> float:
    """Weaviate's median: the middle value, or the mean of the two middle values for an even count."""
    return float(np.median(np.asarray(values, dtype=np.float64)))


def numeric_mode(values: np.ndarray):
    """Most frequent value; on a tie the smallest one (Weaviate's numericalAggregator.buildPairsFromCounts)."""
    uniq, counts = np.unique(values, return_counts=True)
    return uniq[int(np.argmax(counts))].item()


def date_median_ns(micros: np.ndarray) -> int:
    """Median instant in nanoseconds: the middle one, or for an even count the midpoint of the two middle ones
    (Go: a + (b-a)/2 in nanoseconds)."""
    s = np.sort(micros)
    n = len(s)
    if n % 2:
        return int(s[n // 2]) * 1000
    a, b = int(s[n // 2 - 1]) * 1000, int(s[n // 2]) * 1000
    return a + (b - a) // 2


def format_rfc3339_nano(ns: int) -> str:
    """Go's time.Unix(0, ns).UTC().Format(time.RFC3339Nano): fraction without trailing zeros, 'Z'."""
    seconds, frac = divmod(int(ns), 1_000_000_000)
    moment = _EPOCH + timedelta(seconds=seconds)
    text = f"{moment.year:04d}" + moment.strftime("-%m-%dT%H:%M:%S")
    if frac:
        text += ("." + f"{frac:09d}").rstrip("0")
    return text + "Z"


def value_counts(ids: np.ndarray, n_values: int) -> tuple[np.ndarray, np.ndarray]:
    """(distinct ids, occurrences) of value ids below `n_values`: a bincount when the ids are many, else a sort."""
    if len(ids) * 16 >= n_values:
        counts = np.bincount(ids, minlength=n_values)
        distinct = np.flatnonzero(counts)
        return distinct, counts[distinct]
    return np.unique(ids, return_counts=True)


def top_occurrences(vocab: Sequence[str], ids: np.ndarray, counts: np.ndarray, limit: int
                    ) -> list[tuple[str, int]]:
    """(value, occurrences) where value `vocab[ids[i]]` occurs `counts[i]` times (ids distinct): most frequent
    first, ties by value ascending (byte order = code point order). Weaviate's insertion keeps at least one pair
    even for limit 0. Only values above the k-th largest count and the smallest of those tied at it are read."""
    k = max(limit, 1)
    if len(counts) <= k:
        pairs = list(zip(map(vocab.__getitem__, ids.tolist()), counts.tolist()))
    else:
        kth = int(np.partition(counts, len(counts) - k)[len(counts) - k])
        above = counts > kth
        pairs = list(zip(map(vocab.__getitem__, ids[above].tolist()), counts[above].tolist()))
        tied = map(vocab.__getitem__, ids[counts == kth].tolist())
        pairs.extend((value, kth) for value in heapq.nsmallest(k - len(pairs), tied))
    return sorted(pairs, key=lambda kv: (-kv[1], kv[0]))[:k]


def _numeric(res: PropertyResult, vals: np.ndarray, is_int: bool) -> None:
    m = res.metrics
    n = len(vals)
    if "count" in m:
        res.count = n
    if n == 0:
        return
    if "sum" in m:
        res.sum = int(vals.sum()) if is_int else float(vals.sum())
    if "mean" in m:
        res.mean = float(np.asarray(vals, dtype=np.float64).sum() / n)
    if "median" in m:
        res.median = numeric_median(vals)
    if "mode" in m:
        res.mode = numeric_mode(vals)
    if "maximum" in m:
        res.maximum = vals.max().item()
    if "minimum" in m:
        res.minimum = vals.min().item()


def _date(res: PropertyResult, micros: np.ndarray) -> None:
    m = res.metrics
    n = len(micros)
    if "count" in m:
        res.count = n
    if n == 0:
        return
    if "median" in m:
        res.median = format_rfc3339_nano(date_median_ns(micros))
    if "mode" in m:
        res.mode = format_rfc3339_nano(int(numeric_mode(micros)) * 1000)
    if "maximum" in m:
        res.maximum = format_rfc3339_nano(int(micros.max()) * 1000)
    if "minimum" in m:
        res.minimum = format_rfc3339_nano(int(micros.min()) * 1000)


def _boolean(res: PropertyResult, vals: np.ndarray) -> None:
    # Weaviate computes (and its gRPC reply carries) every boolean metric, asked for or not
    n = len(vals)
    res.count = n
    res.total_true = int(np.count_nonzero(vals))
    res.total_false = n - res.total_true
    res.percentage_true = res.total_true / n if n else 0.0
    res.percentage_false = res.total_false / n if n else 0.0


def _text(res: PropertyResult, ids: np.ndarray, vocab: Sequence[str], limit: int | None) -> None:
    # Weaviate's text aggregator always yields count and top occurrences
    res.count = len(ids)
    distinct, counts = value_counts(ids, len(vocab))
    res.top_occurrences = top_occurrences(vocab, distinct, counts,
                                          DEFAULT_TOP_OCCURRENCES_LIMIT if limit is None else limit)


# ---- planning (validation before any work) ------------------------------------------------------------------
@dataclass
class _Plan:
    agg: PropertyAggregation
    spec: PropertySpec
    kind: str          # result kind, from the schema type
    values: _Values | None = None


def _plan(specs: dict[str, PropertySpec], agg: PropertyAggregation, class_name: str) -> _Plan:
    spec = specs.get(agg.property)
    if spec is None:
        raise InvalidInput(f"aggregate: property {agg.property}: " + no_such_property(agg.property, class_name))
    unknown = set(agg.metrics) - KIND_METRICS.get(agg.kind, frozenset())
    if agg.kind not in KIND_METRICS or unknown:
        raise InvalidInput(f"aggregate: property {agg.property}: metric(s) {sorted(unknown)} are not valid for a "
                           f"{agg.kind} aggregation")
    if spec.is_reference:
        if agg.kind != "reference":
            raise InvalidInput(f"aggregate: property {agg.property} is a reference; only a reference aggregation "
                               f"(pointing_to) applies, not {agg.kind}")
        return _Plan(agg, spec, "reference")
    base = spec.base_type
    if base not in _ACCEPTS:
        raise InvalidInput(f"aggregate: property {agg.property}: dataType {spec.data_type} can't be aggregated")
    if agg.kind not in _ACCEPTS[base]:
        raise InvalidInput(f"aggregate: property {agg.property} has data type {spec.data_type}; a {agg.kind} "
                           f"aggregation is not valid for it")
    return _Plan(agg, spec, base)


def _group_spec(specs: dict[str, PropertySpec], name: str, class_name: str) -> PropertySpec:
    spec = specs.get(name)
    if spec is None:
        raise InvalidInput("aggregate: group by: " + no_such_property(name, class_name))
    if spec.is_reference:
        raise Unsupported("aggregate: grouping by a cross-reference is not supported by loomdb yet")
    if spec.base_type not in _GROUPABLE:
        raise InvalidInput(f"aggregate: group by: property {name} of data type {spec.data_type} can't be "
                           "grouped by")
    return spec


# ---- the matched set ----------------------------------------------------------------------------------------
def _matched_slots(shard: Shard, params: AggregateParams, ctx: FilterContext, target: str | None,
                   keyword: KeywordConfig | None) -> np.ndarray:
    allow = allow_list(shard, params.filters, ctx) if params.filters is not None else None
    if params.hybrid is not None:     # Weaviate: the hybrid candidates, top object_limit by fused score
        limit = params.object_limit if params.object_limit is not None else HYBRID_POOL
        fused = hybrid_fused(shard, params.hybrid, allow, keyword, target, max(HYBRID_POOL, limit))
        return np.asarray([f.slot for f in fused[:limit]], dtype=np.int64)
    nv = params.near_vector
    if nv is None:
        return np.flatnonzero(allow) if allow is not None else np.flatnonzero(shard.alive_mask())
    index = shard.indexes[target]
    max_distance = nv.max_distance
    if params.object_limit is None and max_distance is None:
        raise InvalidInput("must provide certainty or objectLimit with vector search")
    if allow is None:
        allow = shard.alive_mask()
    k = params.object_limit if params.object_limit is not None else shard.slot_count
    slots, _ = index.search(nv.vector, k, allow, max_distance)
    return np.asarray(slots, dtype=np.int64)


# ---- entry point --------------------------------------------------------------------------------------------
def aggregate(shard: Shard, params: AggregateParams, ctx: FilterContext, target: str | None,
              keyword: KeywordConfig | None = None) -> AggregateResult:
    """Aggregate `params` over one shard (see aggregate_shards)."""
    return aggregate_shards([shard], params, ctx, target, keyword)


def aggregate_shards(shards: Sequence[Shard], params: AggregateParams, ctx: FilterContext, target: str | None,
                     keyword: KeywordConfig | None = None) -> AggregateResult:
    """Aggregate `params` over the shards of a collection (one, or all of a sharded one). `target` names the
    vector space for near_vector / hybrid (already resolved); `keyword` carries the BM25 settings for hybrid.

    Each shard finds its own matched set, as Weaviate's shards do (a vector / hybrid `object_limit` applies per
    shard); the values of the matched sets are then pooled, so count, sum, min, max, mean, median and mode are
    those of all matched values (Weaviate merges the shards' full value distributions) and top occurrences and
    groups are counted over all of them."""
    specs = shards[0].properties
    plans = [_plan(specs, a, ctx.class_name) for a in params.aggregations]
    group_spec = _group_spec(specs, params.group_by, ctx.class_name) if params.group_by else None
    if has_references(params.filters):      # evaluated on the target collections before our read lock
        params = replace(params, filters=prepare_filters(params.filters, ctx, params.tenant))
    wanted = [(plan.spec, False) for plan in plans] + ([(group_spec, True)] if group_spec is not None else [])
    for shard in shards:
        for spec, grouping in wanted:       # built before the read lock: a first build holds writers off
            if not spec.is_reference and _filter_column(shard, spec, grouping) is None:
                shard.ensure_value_column(spec.name)

    def shard_values(shard: Shard) -> tuple[int, list[_Values]]:
        """The matched set and its values, the read lock held only for the in-memory columns: the store reads
        of reference values come after it, so writers never wait for them."""
        with shard.read():
            slots = _matched_slots(shard, params, ctx, target, keyword)
            pos_of = np.full(shard.slot_count, -1, np.int64)
            pos_of[slots] = np.arange(len(slots))
            found: list[_Values | None] = [
                None if spec.is_reference else
                _values(shard, spec, spec.base_type if grouping else plan_kind, slots, pos_of, grouping)
                for (spec, grouping), plan_kind in zip(wanted, [p.kind for p in plans] + [""])]
            docs = shard.docs_of(slots) if None in found else None
        return len(slots), [_beacons(shard, spec, docs) if value is None else value
                            for (spec, _), value in zip(wanted, found)]

    parts = fan_out(shard_values, shards)
    n = sum(matched for matched, _ in parts)
    if not wanted:
        return AggregateResult(n, [])
    offsets = np.cumsum([0] + [matched for matched, _ in parts[:-1]]).tolist()
    pooled = [_pool([found[i] for _, found in parts], offsets) for i in range(len(wanted))]
    for plan, values in zip(plans, pooled):
        plan.values = values
    if group_spec is None:
        return AggregateResult(n, [_compute(plan, None) for plan in plans])
    return AggregateResult(n, [], _groups(group_spec, pooled[-1], plans, n, params.group_limit))


def _pool(parts: list[_Values], offsets: list[int]) -> _Values:
    """One property's values over several shards' matched sets (owners shifted past the earlier shards'; value
    ids of different shards' ValueColumns mapped into one vocabulary of the values they use)."""
    if len(parts) == 1:
        return parts[0]
    owner = np.concatenate([p.owner + off for p, off in zip(parts, offsets)]).astype(np.int64)
    if parts[0].vocab is None:
        return _Values(np.concatenate([p.values for p in parts]), owner)
    ids: dict[Any, int] = {}
    values = []
    for part in parts:
        used, inverse = np.unique(part.values, return_inverse=True)
        mapped = np.array([ids.setdefault(part.vocab[u], len(ids)) for u in used.tolist()], np.int64)
        values.append(mapped[inverse.reshape(-1)] if len(used) else np.empty(0, np.int64))
    return _Values(np.concatenate(values), owner, list(ids))


def _compute(plan: _Plan, member: np.ndarray | None) -> PropertyResult:
    agg = plan.agg
    res = PropertyResult(agg.property, plan.kind, plan.spec.data_type, agg.metrics)
    vals = plan.values.subset(member)
    if plan.kind == "text":
        _text(res, vals, plan.values.vocab, agg.top_occurrences_limit)
    elif plan.kind in ("int", "number"):
        dtype = np.int64 if plan.kind == "int" else np.float64
        _numeric(res, np.asarray(vals, dtype=dtype), plan.kind == "int")
    elif plan.kind == "boolean":
        _boolean(res, np.asarray(vals, dtype=bool))
    elif plan.kind == "date":
        _date(res, np.asarray(vals, dtype=np.int64))
    elif plan.kind == "reference":     # Weaviate's refAggregator: the distinct beacons pointed to
        res.data_type = REFERENCE_TYPE
        res.pointing_to = list(dict.fromkeys(vals.tolist()))
    return res


def _group_keys(base: str, gv: _Values) -> tuple[np.ndarray, np.ndarray]:
    """(distinct group keys ascending, the key index of each value). Keys are floats for int/number, booleans,
    else strings; whole values are keyed once per distinct value, not once per object."""
    if gv.vocab is None:                   # numbers / booleans (0/1) from a filter column
        uniq, inverse = np.unique(gv.values, return_inverse=True)
        return uniq, inverse.reshape(-1)
    ids, id_inverse = np.unique(gv.values, return_inverse=True)
    raw = [gv.vocab[i] for i in ids.tolist()]
    if base in ("int", "number"):
        keys = np.asarray(raw, dtype=np.float64)
    elif base == "boolean":
        keys = np.asarray(raw, dtype=bool)
    else:
        keys = np.asarray([str(v) for v in raw])
    uniq, key_of_id = np.unique(keys, return_inverse=True)      # equal keys of different ids merge
    return uniq, key_of_id.reshape(-1)[id_inverse.reshape(-1)]


def _groups(spec: PropertySpec, gv: _Values, plans: list[_Plan], n: int, limit: int | None) -> list[AggregateGroup]:
    """Groups by value: an object joins the group of each distinct value it has."""
    if not len(gv.owner):
        return []
    base = spec.base_type
    uniq, inverse = _group_keys(base, gv)
    pairs = sorted_distinct(inverse.astype(np.int64) * max(n, 1) + gv.owner)      # distinct (group, object)
    group_of, owner_of = pairs // max(n, 1), pairs % max(n, 1)
    counts = np.bincount(group_of, minlength=len(uniq))
    order = np.lexsort((np.arange(len(uniq)), -counts))                        # largest first, then by value
    order = order[:DEFAULT_GROUP_LIMIT if limit is None else limit]
    value_type = "text" if base in ("text", "date", "uuid") else "boolean" if base == "boolean" else "number"
    groups: list[AggregateGroup] = []
    starts = np.searchsorted(group_of, np.arange(len(uniq) + 1))
    for g in order.tolist():
        members = owner_of[starts[g]:starts[g + 1]]
        member = np.zeros(n, bool)
        member[members] = True
        value = uniq[g].item()
        value = float(value) if value_type == "number" else bool(value) if value_type == "boolean" else str(value)
        groups.append(AggregateGroup(spec.name, value, value_type, int(counts[g]),
                                     [_compute(plan, member) for plan in plans]))
    return groups
