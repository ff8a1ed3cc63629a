"""Cross-references at query time: filters through references and resolving referenced objects for a page.

Filters (`by_ref`, `by_ref_multi_target`): the inner filter is evaluated on the target collection (its own
allow-list, recursively for nested paths), giving the allowed target uuids; the source's RefColumn then marks the
slots with a beacon to one of them (inverted/refcolumn.py). This happens in `prepare_filters`, *before* the
source shard's read lock is taken, so no thread ever holds two shards' read locks (writer-preferring locks
would otherwise deadlock on mutual references). `by_ref_count` compares the per-slot beacon counts.

Resolving: only the returned page's beacons, grouped per target collection, one store read per collection and
level; beacons whose target no longer exists are skipped (no dangling results).
"""
from __future__ import annotations

import uuid as uuid_mod
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ...entities.beacons import split_canonical
from ...entities.errors import InvalidInput
from ...entities.filters import COMPARISONS, Filter, FilterLeaf, FilterNode
from ...entities.objects import StoredObject
from ...entities.projection import RefQuery
from ...entities.references import ResolvedRef
from ..inverted.refcolumn import RefColumn
from .filter_context import FilterContext

if TYPE_CHECKING:
    from ..shard import Shard

REF_TARGETS = "_RefTargets"     # operator of a prepared reference leaf: value = (S16 uuid keys, collection names)

_NO_SUCH_PROP = ("no such prop with name '{p}' found in class '{c}' in the schema. Check your schema files for "
                 "which properties in this class are available")


def _ref_targets(doc: dict, prop: str) -> list[str] | None:
    """The dataType (target collections) of a reference property, None when `prop` is not one."""
    for p in doc.get("properties") or []:
        if p["name"] == prop:
            dt = p["dataType"]
            return list(dt) if dt and dt[0][:1].isupper() else None
    return None


def _check_ref_prop(ctx: FilterContext, prop: str) -> list[str]:
    doc = ctx.doc or {}
    if not any(p["name"] == prop for p in doc.get("properties") or []):
        raise InvalidInput(_NO_SUCH_PROP.format(p=prop, c=ctx.class_name))
    targets = _ref_targets(doc, prop)
    if targets is None:
        raise InvalidInput(f"property '{prop}' of class '{ctx.class_name}' is not a reference-type")
    return targets


def has_references(flt: Filter | None) -> bool:
    if flt is None:
        return False
    if isinstance(flt, FilterNode):
        return any(has_references(f) for f in flt.operands)
    return bool(flt.reference_path)


def prepare_filters(flt: Filter | None, ctx: FilterContext, tenant: str) -> Filter | None:
    """Replace every filter through references by a REF_TARGETS leaf (allowed target uuids). Call before taking
    the filtered shard's read lock. Inside `tenant`, multi-tenant targets are filtered in that same tenant."""
    if flt is None or not has_references(flt):
        return flt
    if isinstance(flt, FilterNode):
        return FilterNode(flt.operator, tuple(prepare_filters(f, ctx, tenant) for f in flt.operands))
    (prop, target), rest = flt.reference_path[0], flt.reference_path[1:]
    targets = _check_ref_prop(ctx, prop)
    if target:
        if target not in targets:
            raise InvalidInput(f"target collection '{target}' is not part of the dataType {targets} of reference "
                               f"property '{prop}' of class '{ctx.class_name}'")
        targets = [target]
    inner = FilterLeaf(flt.operator, flt.property, flt.value, flt.value_type, length=flt.length,
                       reference_path=rest, ref_count=flt.ref_count)
    keys: list[np.ndarray] = []
    names: list[str] = []
    for name in targets:
        peer = ctx.peers(name) if ctx.peers is not None else None
        if peer is None or (peer.multi_tenancy.enabled and not tenant):
            continue            # a dropped target collection, or one of tenants outside any: nothing matches in it
        keys.append(peer.allowed_uuid_keys(inner, tenant if peer.multi_tenancy.enabled else ""))
        names.append(peer.name)
    allowed = np.concatenate(keys) if keys else np.empty(0, "S16")
    return FilterLeaf(REF_TARGETS, prop, (allowed, tuple(names)), "ref")


def evaluate(shard: Shard, leaf: FilterLeaf, ctx: FilterContext, n: int) -> np.ndarray:
    """A prepared reference leaf or a reference-count leaf -> mask over slots (< n)."""
    if leaf.operator != REF_TARGETS and not leaf.ref_count:
        raise InvalidInput("filters through references must be prepared before evaluation")
    if leaf.ref_count:
        _check_ref_prop(ctx, leaf.property)
    column = shard.columns.get(leaf.property)
    if not isinstance(column, RefColumn):
        if leaf.operator != REF_TARGETS:
            _check_ref_prop(ctx, leaf.property)
        return np.zeros(n, bool)
    if leaf.operator == REF_TARGETS:
        keys, names = leaf.value
        ids = [i for i in (column.class_id(nm) for nm in names) if i is not None]
        return column.pointing_to(keys, ids, n)
    if leaf.value_type != "int" or leaf.operator not in COMPARISONS:
        raise InvalidInput(f"reference count filter on '{leaf.property}' needs an int value and one of "
                           f"{', '.join(COMPARISONS)}, got {leaf.operator} with a {leaf.value_type} value")
    counts = column.count_per_slot(n)
    op = {"Equal": np.equal, "NotEqual": np.not_equal, "GreaterThan": np.greater,
          "GreaterThanEqual": np.greater_equal, "LessThan": np.less, "LessThanEqual": np.less_equal}[leaf.operator]
    return op(counts, int(leaf.value))


# ---------------------------------------------------------------------------------------------- resolving
Lookup = Callable[[str], object]     # collection name -> Collection (or None)


def beacons_of(obj: StoredObject, prop: str) -> list[tuple[str, str]]:
    """(collection, uuid) of every stored beacon of `prop`, in stored order."""
    out = []
    for ref in obj.properties.get(prop) or []:
        cls, uid = split_canonical(ref.get("beacon", "") if isinstance(ref, dict) else "")
        if uid is not None and cls:
            out.append((cls, uid))
    return out


def resolve(lookup: Lookup, objects: list[StoredObject], queries: tuple[RefQuery, ...] | list[RefQuery],
            tenant: str) -> list[dict[str, list[ResolvedRef]]]:
    """Per object: reference property -> the referenced objects that exist (in beacon order), each with its own
    requested references resolved in turn; a property the object has no value for is left out. Objects of
    `tenant` point into the same tenant of multi-tenant targets (without one, those resolve to nothing). One fetch
    per (target collection, query) per level."""
    out: list[dict[str, list[ResolvedRef]]] = [{} for _ in objects]
    for q in queries:
        wanted: dict[str, set[str]] = defaultdict(set)
        per_object = [beacons_of(o, q.prop) for o in objects]
        for refs in per_object:
            for cls, uid in refs:
                if q.target is None or cls.lower() == q.target.lower():
                    wanted[cls].add(uid)
        found: dict[tuple[str, str], ResolvedRef] = {}
        for cls, uids in wanted.items():
            peer = lookup(cls)
            if peer is None:
                continue
            peer_tenant = tenant if peer.multi_tenancy.enabled else ""
            if peer.multi_tenancy.enabled and not tenant:
                continue
            order = sorted(uids)
            fetched = peer.fetch_by_uuids(order, q.with_vectors, tenant=peer_tenant)
            present = [(u, o) for u, o in zip(order, fetched) if o is not None]
            nested = resolve(lookup, [o for _, o in present], q.refs, tenant) if q.refs else [{} for _ in present]
            for (u, o), sub in zip(present, nested):
                found[(cls.lower(), u)] = ResolvedRef(peer.name, o, q, sub)
        for i, refs in enumerate(per_object):
            if objects[i].properties.get(q.prop) is None:
                continue        # never set: left out (a stored list, even emptied, is answered, as Weaviate does)
            out[i].setdefault(q.prop, []).extend(
                found[(cls.lower(), uid)] for cls, uid in refs
                if (cls.lower(), uid) in found and (q.target is None or cls.lower() == q.target.lower()))
    return out


def uuid_keys(uuids: list[str]) -> np.ndarray:
    return np.array([uuid_mod.UUID(u).bytes for u in uuids], dtype="S16")
