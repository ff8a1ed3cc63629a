"""Desired state vs live state: every difference with its kind (rules.py), grouped per collection into one action,
plus the tenant and alias changes. Pure: the live state comes in as data.

A class in the file is an overlay: only the keys it gives are compared, and the config a step sends is the live
document with those keys laid over it (`merged`)."""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from ..migrate import schema_copy
from .desired import Desired
from .live import Live
from .rules import Kind, classify, removal

Path = tuple[str, ...]
_BY_NAME = ("properties",)                  # lists compared element by element through their "name"
_TRIMMED_SHARDING = ("desiredCount", "virtualPerPhysical")


@dataclass(frozen=True)
class Change:
    collection: str
    path: Path
    before: Any
    after: Any
    kind: Kind
    why: str

    @property
    def label(self) -> str:
        return ".".join(self.path)


@dataclass
class CollectionPlan:
    """What happens to one collection of the file. `name` is the file's name (maybe an alias), `physical` the live
    collection it resolves to (None: to be created)."""

    name: str
    physical: str | None
    desired: dict[str, Any]
    changes: list[Change] = field(default_factory=list)
    via_alias: bool = False
    new_name: str | None = None              # REBUILD: the collection built with the new config
    adopt_name: str | None = None            # REBUILD of a collection not behind an alias: its copy, then aliased

    @property
    def kind(self) -> Kind | None:
        return max((c.kind for c in self.changes), default=None)

    @property
    def action(self) -> str:
        if self.physical is None:
            return "create"
        if self.kind is None:
            return "none"
        return "update" if self.kind is Kind.IN_PLACE else "rebuild"


@dataclass(frozen=True)
class TenantChange:
    collection: str
    add: dict[str, str]
    states: dict[str, tuple[str, str]]       # tenant -> (before, after)
    delete: list[str]


@dataclass(frozen=True)
class AliasChange:
    alias: str
    before: str | None
    after: str | None                        # None: delete (--prune)


@dataclass
class Plan:
    collections: list[CollectionPlan]
    tenants: list[TenantChange]
    aliases: list[AliasChange]
    drops: list[str]                          # live collections the file leaves out (--prune)

    @property
    def pending(self) -> bool:
        return bool(self.drops or self.aliases or self.tenants
                    or any(c.action != "none" for c in self.collections))

    @property
    def destructive(self) -> list[str]:
        out = [f"drop collection {name}" for name in self.drops]
        out += [f"{c.collection}: {c.label} ({c.why})" for p in self.collections for c in p.changes
                if c.kind is Kind.DESTRUCTIVE]
        out += [f"{t.collection}: delete tenants {', '.join(t.delete)}" for t in self.tenants if t.delete]
        out += [f"delete alias {a.alias}" for a in self.aliases if a.after is None]
        return out


def plan(desired: Desired, live: Live, live_tenants: dict[str, dict[str, str]], prune: bool = False) -> Plan:
    """`live_tenants`: collection -> {tenant: state} for the multi-tenant collections the file lists tenants of."""
    collections = [_collection(config, live) for config in desired.classes]
    named = {p.physical for p in collections if p.physical} | {p.name for p in collections}
    owned_aliases = {p.name for p in collections if p.via_alias}
    drops = sorted(c for c in live.classes if c not in named and c not in live.aliases.values()) if prune else []
    return Plan(collections, _tenants(desired, live_tenants),
                _aliases(desired, live, collections, owned_aliases, prune), drops)


def _collection(config: dict[str, Any], live: Live) -> CollectionPlan:
    name = config["class"]
    physical, via_alias = live.find(name), False
    if physical is None and name in live.aliases:
        physical, via_alias = live.aliases[name], True
    out = CollectionPlan(name, physical, config, via_alias=via_alias)
    if physical is None:
        return out
    current = live.classes[physical]
    for path, before, after in differences(config, current):
        dropped = after is None and len(path) == 2 and path[0] in ("properties", "vectorConfig")
        kind, why = removal(path) if dropped else classify(path, current)
        out.changes.append(Change(name, path, before, after, kind, why))
    if out.kind is not None and out.kind > Kind.IN_PLACE:
        base = name if via_alias else physical
        if not via_alias:
            out.adopt_name = _free_name(base, live, start=1)
        out.new_name = _free_name(base, live, start=2, taken=(out.adopt_name or "",))
    return out


def _free_name(base: str, live: Live, start: int, taken: tuple[str, ...] = ()) -> str:
    """`<base>_v<N>`: one past the highest version on the endpoint, at least `start`."""
    pattern = re.compile(rf"{re.escape(base)}_v(\d+)$", re.IGNORECASE)
    used = [int(m.group(1)) for c in [*live.classes, *taken] if (m := pattern.match(c))]
    number = max([start - 1, *used]) + 1
    return f"{base}_v{number}"


def differences(desired: Any, live: Any, path: Path = ()) -> list[tuple[Path, Any, Any]]:
    """(path, live value, desired value) for every key the desired overlay gives that the live document holds
    otherwise; a live property/named vector the desired list leaves out appears with desired value None."""
    if isinstance(desired, dict) and isinstance(live, dict):
        out = []
        for key, want in desired.items():
            if not path and key == "class":
                continue
            have = live.get(key)
            if not path and key in _BY_NAME:
                out.extend(_named_list(want or [], have or [], (key,)))
            elif not path and key == "vectorConfig":
                out.extend(_named_map(want or {}, have or {}, (key,)))
            elif not path and key == "shardingConfig":
                out.extend(differences({k: v for k, v in (want or {}).items() if k in _TRIMMED_SHARDING},
                                       have or {}, (key,)))
            else:
                out.extend(differences(want, have, (*path, key)))
        return out
    return [] if _same(desired, live) else [(path, live, desired)]


def _named_list(want: list[dict[str, Any]], have: list[dict[str, Any]], path: Path) -> list[tuple[Path, Any, Any]]:
    live_by_name = {p["name"].lower(): p for p in have}
    wanted = {p["name"].lower() for p in want}
    out: list[tuple[Path, Any, Any]] = []
    for item in want:
        found = live_by_name.get(item["name"].lower())
        if found is None:
            out.append(((*path, item["name"]), None, item))
        else:
            out.extend(differences({k: v for k, v in item.items() if k != "name"}, found, (*path, found["name"])))
    out.extend(((*path, p["name"]), p, None) for p in have if p["name"].lower() not in wanted)
    return out


def _named_map(want: dict[str, Any], have: dict[str, Any], path: Path) -> list[tuple[Path, Any, Any]]:
    out: list[tuple[Path, Any, Any]] = []
    for name, config in want.items():
        out.extend([((*path, name), None, config)] if name not in have else
                   differences(config, have[name], (*path, name)))
    out.extend(((*path, name), config, None) for name, config in have.items() if name not in want)
    return out


def _same(want: Any, have: Any) -> bool:
    if isinstance(want, str) and isinstance(have, str):
        return want == have or want.lower() == have.lower()
    if isinstance(want, list) and isinstance(have, list):
        return len(want) == len(have) and all(_same(w, h) for w, h in zip(want, have))
    return bool(want == have)


def merged(live: dict[str, Any], desired: dict[str, Any], name: str) -> dict[str, Any]:
    """The live document with the desired overlay laid over it, named `name`: what an update PUTs and what a
    rebuild creates. A changed index type replaces its index config instead of merging into it."""
    out = _overlay(live, desired)
    out["class"] = name
    if isinstance(desired.get("properties"), list):
        by_name = {p["name"].lower(): p for p in live.get("properties") or []}
        out["properties"] = [_overlay(by_name.get(p["name"].lower(), {}), p) for p in desired["properties"]]
    _replace_index_config(out, live, desired)
    for vector, config in (desired.get("vectorConfig") or {}).items():
        _replace_index_config(out["vectorConfig"][vector], (live.get("vectorConfig") or {}).get(vector) or {}, config)
    if isinstance(desired.get("vectorConfig"), dict):
        out["vectorConfig"] = {v: out["vectorConfig"][v] for v in desired["vectorConfig"]}
    return out


def _overlay(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = copy.deepcopy(base)
        for key, value in over.items():
            out[key] = _overlay(base.get(key), value)
        return out
    return copy.deepcopy(over)


def _replace_index_config(out: dict[str, Any], live: dict[str, Any], desired: dict[str, Any]) -> None:
    if desired.get("vectorIndexType") and desired["vectorIndexType"] != live.get("vectorIndexType"):
        out["vectorIndexConfig"] = copy.deepcopy(desired.get("vectorIndexConfig") or {})


def set_at(document: dict[str, Any], path: Path, value: Any) -> None:
    """Set (value None: remove) the key at `path` of a class document; properties are found by name."""
    holder: Any = document
    for key in path[:-1]:
        if isinstance(holder, list):
            holder = next(p for p in holder if p["name"].lower() == key.lower())
        else:
            holder = holder.setdefault(key, {})
    if value is None:
        holder.pop(path[-1], None)
    else:
        holder[path[-1]] = copy.deepcopy(value)


def not_copied(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    """Properties a copy from `old` into `new` leaves out of the object batches: the new collection's references
    (restored afterwards) and the properties it no longer has (or auto-schema would add them back)."""
    kept = {p["name"] for p in new.get("properties") or []}
    return set(schema_copy.reference_properties(new)) | {p["name"] for p in old.get("properties") or []
                                                          if p["name"] not in kept}


def for_create(config: dict[str, Any]) -> dict[str, Any]:
    """A document to POST: sharding reduced to what a user chooses (the rest is the server's to compute)."""
    out = copy.deepcopy(config)
    sharding = {k: v for k, v in (out.pop("shardingConfig", None) or {}).items() if k in _TRIMMED_SHARDING}
    if sharding:
        out["shardingConfig"] = sharding
    return out


def _tenants(desired: Desired, live_tenants: dict[str, dict[str, str]]) -> list[TenantChange]:
    out = []
    for name, wanted in desired.tenants.items():
        have = live_tenants.get(name, {})
        add = {t: s for t, s in wanted.items() if t not in have}
        states = {t: (have[t], s) for t, s in wanted.items() if t in have and have[t] != s}
        delete = sorted(t for t in have if t not in wanted)
        if add or states or delete:
            out.append(TenantChange(name, add, states, delete))
    return out


def _aliases(desired: Desired, live: Live, collections: list[CollectionPlan], owned: set[str],
             prune: bool) -> list[AliasChange]:
    rebuilt = {p.name: p.new_name for p in collections if p.new_name}
    out = []
    for alias, target in desired.aliases.items():
        if alias in owned:
            continue                               # a rebuild of the collection called `alias` repoints it
        after = rebuilt.get(target) or live.aliases.get(target, target)     # an alias cannot name an alias
        if live.aliases.get(alias) != after:
            out.append(AliasChange(alias, live.aliases.get(alias), after))
    if prune:
        out.extend(AliasChange(a, t, None) for a, t in sorted(live.aliases.items())
                   if a not in desired.aliases and a not in owned)
    return out
