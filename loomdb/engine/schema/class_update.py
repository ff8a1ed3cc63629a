"""PUT /v1/schema/{C}: validate a whole-class update body against the stored document; return the new document.

The official client's `config.update()` / `config.add_vector()` GET the class, merge the change client-side and PUT
the whole class back, so every immutable setting arrives unchanged unless the user really tried to change it.
Checks and wording follow Weaviate (`usecases/schema/class.go` UpdateClassInternal + validateImmutableFields, run
first and returned as is; then `usecases/schema/parser.go` ParseClassUpdate, whose errors Weaviate returns wrapped
by its schema store as "updating schema: TYPE_UPDATE_CLASS: bad request :parse class update: ..."; vector index
immutables from `adapters/repos/db/vector/hnsw/config_update.go`). Pure functions, no I/O.
"""
from __future__ import annotations

import copy
from typing import Any

from ...entities.errors import InvalidInput, Unsupported
from . import class_document as cd
from . import object_ttl
from ._vector_index_defaults import fill_vector_index_config, rq_bits_problem

PARSE_PREFIX = "updating schema: TYPE_UPDATE_CLASS: bad request :parse class update: "
_PROPS_ERROR = ("property fields other than description cannot be updated through updating the class. Use the add "
                'property feature (e.g. "POST /v1/schema/{className}/properties") to add additional properties')
_DELETION_STRATEGIES = ("NoAutomatedResolution", "DeleteOnConflict", "TimeBasedResolution")
# vector index settings Weaviate refuses to change in place, per index type: (name in the message, key path). A flat
# index cannot start or stop a quantizer (vector/flat/index.go ValidateUserConfigUpdate: "bq is immutable: ...").
_IMMUTABLE_INDEX_KEYS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "hnsw": tuple((key, (key,)) for key in ("efConstruction", "maxConnections", "cleanupIntervalSeconds", "distance",
                                            "skipDefaultQuantization", "trackDefaultQuantization")),
    "flat": (("distance", ("distance",)), ("pq.cache", ("pq", "cache")), ("pq", ("pq", "enabled")),
             ("bq", ("bq", "enabled")), ("rq", ("rq", "enabled"))),
    "dynamic": (("distance", ("distance",)),)}
# Errors of the shards' vector indexes (adapters/repos/db/vector/hnsw/config_update.go UpdateUserConfig) reach the
# client through the schema store's DB step (cluster/schema apply: "updating db: TYPE_UPDATE_CLASS: ...") wrapped by
# usecases/schema/executor.go UpdateClass and adapters/repos/db/index.go (per shard).
_DB_PREFIX = "updating db: TYPE_UPDATE_CLASS: "


def _q(value: Any) -> str:
    """Go's %q of a string (what Weaviate's messages quote values with)."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _go(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _parse_error(message: str) -> InvalidInput:
    return InvalidInput(PARSE_PREFIX + message)


def apply_update(current: dict, body: dict) -> dict:
    """The full class document after a PUT of `body` over `current`; InvalidInput (422) for what Weaviate refuses."""
    if not isinstance(body, dict):
        raise InvalidInput("class body must be a JSON object")
    b = cd._canon_keys(body, cd._CLASS_KEYS)
    name = b.get("class")
    name = name[:1].upper() + name[1:] if isinstance(name, str) else ""
    new: dict[str, Any] = copy.deepcopy(current)

    # --- class.go: validateUpdatingMT, replication factor, validateImmutableFields (returned unwrapped) ---------
    mt_now = current.get("multiTenancyConfig") or {}
    mt = cd._merge(cd.MT_DEFAULTS, cd._as_dict(b.get("multiTenancyConfig"), "multiTenancyConfig"))
    if bool(mt["enabled"]) != bool(mt_now.get("enabled")):
        raise InvalidInput("disabling multi-tenancy for an existing class is not supported" if mt_now.get("enabled")
                           else "enabling multi-tenancy for an existing class is not supported")
    mt = cd._multi_tenancy(mt)          # autoTenant* on a non-MT class: Weaviate's validateMT wording
    replication = cd._merge(cd.REPLICATION_DEFAULTS, cd._as_dict(b.get("replicationConfig"), "replicationConfig"))
    factor = replication.get("factor")
    if not isinstance(factor, int) or isinstance(factor, bool):
        raise InvalidInput("replicationConfig.factor must be an integer")
    if factor < 1:
        factor = 1                       # setClassDefaults: unset/0 -> the minimum factor
    if replication.get("deletionStrategy") not in _DELETION_STRATEGIES:
        raise InvalidInput(f"unknown deletion strategy {replication.get('deletionStrategy')!r}, must be one of "
                           f"{', '.join(_DELETION_STRATEGIES)}")
    if name != current["class"]:
        raise InvalidInput(f"class name is immutable: attempted change from {_q(current['class'])} to {_q(name)}")
    named_now = current.get("vectorConfig") or {}
    named_new = cd._as_dict(b.get("vectorConfig"), "vectorConfig")
    for vec, raw in named_new.items():
        if vec in named_now and isinstance(raw, dict):
            given = raw.get("vectorizer")
            if given is not None and given != named_now[vec]["vectorizer"]:
                raise InvalidInput(f"vectorizer config of vector {_q(vec)} is immutable for class {current['class']}")
    inverted_now = current.get("invertedIndexConfig") or {}
    inverted_given = cd._as_dict(b.get("invertedIndexConfig"), "invertedIndexConfig")
    for label, key in (("indexTimestamp", "indexTimestamps"), ("indexNullState", "indexNullState"),
                       ("indexPropertyLength", "indexPropertyLength")):
        before, after = bool(inverted_now.get(key)), bool(inverted_given.get(key, False))
        if before != after:
            raise InvalidInput(f'"{label}" setting is immutable. Value changed from "{_go(before)}" to "{_go(after)}"')

    # --- parser.go ParseClassUpdate (wrapped by the schema store) --------------------------------------------
    new["moduleConfig"] = _module_config(current.get("moduleConfig"), b.get("moduleConfig"))
    if not new["moduleConfig"]:
        del new["moduleConfig"]
    _vectors(current, b, new)
    _sharding(current, b)
    _properties(current.get("properties") or [], b.get("properties"), new)
    try:
        new["invertedIndexConfig"] = cd._inverted(inverted_given)
    except InvalidInput as exc:
        raise _parse_error(f"inverted index config: {exc.message}") from None

    # --- the mutable rest ----------------------------------------------------------------------------------
    if b.get("description"):
        new["description"] = b["description"]
    else:
        new.pop("description", None)
    new["multiTenancyConfig"] = mt
    new["replicationConfig"] = {**replication, "factor": factor}
    object_ttl.apply(new, b.get("objectTtlConfig"), is_update=True)
    return new


def _module_config(current: Any, given: Any) -> dict:
    """validateModuleConfigsParityAndImmutables: modules may be added; generative-*/reranker-* replaced; others
    must stay exactly as they are."""
    now = copy.deepcopy(current) if isinstance(current, dict) else {}
    if not isinstance(given, dict) or given == now:
        return now

    def kind(module: str) -> str | None:
        return next((k for k in ("generative", "reranker") if module.startswith(k + "-")), None)

    seen: set[str] = set()
    for module, cfg in given.items():
        k = kind(module)
        if k is not None:
            if k in seen:
                raise _parse_error(f"updated moduleconfig has multiple {k} modules: {given}")
            seen.add(k)
            continue
        if module in now and now[module] != cfg:
            raise _parse_error(f"can only update generative and reranker module configs. Got: {module}")
    for module in list(now):
        if kind(module) in seen:
            del now[module]
    now.update(copy.deepcopy(given))
    return now


def _index_config(current: dict, index_type: str, before: dict, raw: Any, vec: str | None) -> dict:
    """The refilled vector index config of an existing vector space (`vec` None = the legacy class-level one).

    Order and wording follow Weaviate: parsing (usecases/schema/parser.go, e.g. "more than a single compression
    methods enabled"), then ValidateUserConfigUpdate's immutable keys, then what the index itself refuses when the
    update is applied (hnsw UpdateUserConfig: RQ bits, once RQ is enabled; ValidateRQConfig when compression
    starts). Everything else about quantizers is accepted as Weaviate accepts it: rescoreLimit, PQ segments,
    centroids, trainingLimit, disabling a quantizer, or enabling another one with the old one disabled (the
    official client itself refuses switching quantizers before it sends anything)."""
    try:
        after = fill_vector_index_config(index_type, raw if isinstance(raw, dict) else before)
    except InvalidInput as exc:
        where = f"parse vector config for {vec}: " if vec is not None else "parse vector index config: "
        raise _parse_error(f"{where}parse vector index config: {exc.message}") from None
    where = f"invalid update for vector {_q(vec)}" if vec is not None else "validate vector index config"
    for key, path in _IMMUTABLE_INDEX_KEYS.get(index_type, ()):
        old, new = _at(before, path), _at(after, path)
        if old is not None and old != new:
            raise _parse_error(f'{where}: {key} is immutable: attempted change from "{_go(old)}" to "{_go(new)}"')
    if index_type == "hnsw":
        old_rq, new_rq = before.get("rq") or {}, after.get("rq") or {}
        if old_rq.get("enabled") is True and new_rq.get("enabled") is True and old_rq.get("bits") != new_rq.get("bits"):
            raise _db_error(current, vec, f'rq bits is immutable: attempted change from "{_go(old_rq.get("bits"))}" '
                                          f'to "{_go(new_rq.get("bits"))}"')
        problem = rq_bits_problem(index_type, after)
        if problem and not old_rq.get("enabled"):
            raise _db_error(current, vec, problem)
    return after


def _at(cfg: dict, path: tuple[str, ...]) -> Any:
    """The value at `path` of a vector index config (None when absent)."""
    value: Any = cfg
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _db_error(current: dict, vec: str | None, message: str) -> InvalidInput:
    """A vector index's own refusal as Weaviate returns it: through the DB step, per shard. loomdb's single shard
    is named by class_document.shard_name; a multi-tenant class's tenant shards are not known
    here, so their message has no shard part."""
    if (current.get("multiTenancyConfig") or {}).get("enabled"):
        shard = ""
    elif vec is not None:
        shard = f"shard {_q(cd.shard_name(current['class']))}: "
    else:
        shard = f"shard {cd.shard_name(current['class'])}: "
    what = "vector index configs update" if vec is not None else "vector index config update"
    return InvalidInput(f"{_DB_PREFIX}{what}: {shard}{message}")


def _vectors(current: dict, b: dict, new: dict) -> None:
    named_now = current.get("vectorConfig") or {}
    named_new = cd._as_dict(b.get("vectorConfig"), "vectorConfig")
    legacy = "vectorIndexType" in current and "vectorConfig" not in current
    if legacy:
        if "default" in named_new:
            raise _parse_error("vector named default cannot be created when collection level vector index is "
                               "configured")
        if named_new:
            raise Unsupported("adding named vectors to a collection with a class-level (legacy) vector is not "
                              "supported by loomdb yet")
        for label, key in (("vectorizer", "vectorizer"), ("vector index type", "vectorIndexType")):
            given = b.get(key) or current.get(key)
            if given != current.get(key):
                raise _parse_error(f"{label} is immutable: attempted change from {_q(current.get(key))} to "
                                   f"{_q(given)}")
        new["vectorIndexConfig"] = _index_config(current, current["vectorIndexType"], current.get("vectorIndexConfig")
                                                 or {}, b.get("vectorIndexConfig"), None)
        return
    if b.get("vectorIndexType") or b.get("vectorIndexConfig"):
        if not named_now:
            raise Unsupported("adding a class-level vector to an existing collection is not supported by loomdb yet")
    vectors: dict[str, dict] = {}
    for vec, cfg in named_now.items():
        if vec not in named_new:
            raise _parse_error(f"missing config for vector {_q(vec)}")
        raw = cd._canon_keys(cd._as_dict(named_new[vec], f'vectorConfig "{vec}"'),
                             ("vectorizer", "vectorIndexType", "vectorIndexConfig"))
        index_type = raw.get("vectorIndexType") or cfg["vectorIndexType"]
        if index_type != cfg["vectorIndexType"]:
            raise _parse_error(f"vector index type of vector {_q(vec)} is immutable: attempted change from "
                               f"{_q(cfg['vectorIndexType'])} to {_q(index_type)}")
        vectors[vec] = {**cfg, "vectorIndexConfig": _index_config(
            current, index_type, cfg["vectorIndexConfig"], raw.get("vectorIndexConfig"), vec)}
    for vec, raw in named_new.items():       # config.add_vector: a new, empty vector space
        if vec not in named_now:
            vectors[vec] = cd._named_vector(vec, raw)
    if vectors:
        new["vectorConfig"] = vectors


def _sharding(current: dict, b: dict) -> None:
    if (current.get("multiTenancyConfig") or {}).get("enabled"):
        return
    now = current.get("shardingConfig") or {}
    given = cd._merge(now, cd._as_dict(b.get("shardingConfig"), "shardingConfig"))
    if given.get("desiredCount") != now.get("desiredCount"):
        raise _parse_error(f'validate sharding config: re-sharding not supported yet: shard count is immutable: '
                           f'attempted change from "{now.get("desiredCount")}" to "{given.get("desiredCount")}"')
    if given.get("virtualPerPhysical") != now.get("virtualPerPhysical"):
        raise _parse_error(f'validate sharding config: virtual shards per physical is immutable: attempted change '
                           f'from "{now.get("virtualPerPhysical")}" to "{given.get("virtualPerPhysical")}"')


def _properties(current: list[dict], given: Any, new: dict) -> None:
    """Only descriptions may change (validatePropertiesForUpdate); the property list itself must match."""
    given = given if isinstance(given, list) else []
    if len(given) != len(current):
        raise _parse_error(_PROPS_ERROR)
    by_name = {}
    for raw in given:
        try:
            prop = cd.normalize_property(raw)
        except InvalidInput:     # not even a valid property: it differs from the stored one
            label = raw.get("name") if isinstance(raw, dict) else None
            raise _parse_error(f"property {_q(label)}: {_PROPS_ERROR}" if isinstance(label, str) else _PROPS_ERROR) \
                from None
        by_name[prop["name"].lower()] = (prop, raw)
    out = []
    for prop in current:
        found = by_name.get(prop["name"].lower())
        if found is None:
            raise _parse_error(_PROPS_ERROR)
        updated, raw = found

        def strip(p: dict) -> dict:
            return {k: v for k, v in p.items() if k not in ("description", "moduleConfig")}
        if (prop.get("moduleConfig") or {}) != (updated.get("moduleConfig") or prop.get("moduleConfig") or {}):
            module = next(iter(prop.get("moduleConfig") or updated.get("moduleConfig") or {"?": 0}))
            raise _parse_error(f'property {_q(prop["name"])}: module {_q(module)} configuration cannot be updated')
        if strip(prop) != strip(updated):
            raise _parse_error(f'property {_q(prop["name"])}: {_PROPS_ERROR}')
        kept = dict(prop)
        if isinstance(raw, dict) and raw.get("description"):
            kept["description"] = raw["description"]
        else:
            kept.pop("description", None)
        out.append(kept)
    new["properties"] = out
