"""Turn the sparse class bodies clients send into the full class document Weaviate would return.

Why: the official client's `config.get()` parser raises on any missing key (wire-protocol doc §5.3), and users call
it right after `create`. So the document is normalised ONCE, at create time, with every default Weaviate fills in
(`usecases/schema/class.go` setClassDefaults / setPropertyDefaults, `entities/vectorindex/*` SetDefaults) and
persisted as is. Validation errors reuse Weaviate's wording so users get the messages they would search for.
Pure functions, no I/O.
"""
from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable
from typing import Any

from ...entities.errors import InvalidInput
from ...entities.property_names import nested_property_name_problem, property_name_problem, stored_name
from . import object_ttl
from ._vector_index_defaults import fill_vector_index_config, rq_bits_problem
from ._vector_index_defaults import merge_defaults as _merge
from .model import (
    DATA_TYPES,
    LEGACY_VECTOR_NAME,
    InvertedSpec,
    MultiTenancySpec,
    PropertySpec,
    VectorSpec,
    is_multi_vector,
)

# ---------------------------------------------------------------------------------------------- names and enums
_CLASS_RE = re.compile(r"^[A-Z][_0-9A-Za-z]{0,254}$")
_VECTOR_RE_CORE = "[_A-Za-z][_0-9A-Za-z]{0,229}"
_VECTOR_RE = re.compile(f"^{_VECTOR_RE_CORE}$")
TOKENIZATIONS = ("word", "whitespace", "lowercase", "field", "gse", "trigram", "kagome_ja", "kagome_kr", "gse_ch")
_NESTED_TOKENIZATIONS = ("field", "word", "whitespace", "lowercase")
_TEXT_TYPES = ("text", "text[]")
_NESTED_TYPES = ("object", "object[]")
_RANGE_TYPES = ("int", "number", "date")
_DEPRECATED = {"string": "text", "string[]": "text[]"}   # Weaviate < 1.19 types, migrated on create
_STOPWORD_PRESETS = ("en", "none")

# Canonical spelling of every top-level / property-level key; Go's encoding/json matches keys case-insensitively.
_CLASS_KEYS = ("class", "description", "properties", "invertedIndexConfig", "multiTenancyConfig",
               "replicationConfig", "shardingConfig", "vectorConfig", "vectorizer", "vectorIndexType",
               "vectorIndexConfig", "moduleConfig", "objectTtlConfig")
_PROP_KEYS = ("name", "dataType", "description", "indexFilterable", "indexSearchable", "indexRangeFilters",
              "indexInverted", "tokenization", "moduleConfig", "nestedProperties", "textAnalyzer")

# ---------------------------------------------------------------------------------------------- defaults
INVERTED_DEFAULTS: dict[str, Any] = {
    "bm25": {"b": 0.75, "k1": 1.2}, "cleanupIntervalSeconds": 60, "indexNullState": False,
    "indexPropertyLength": False, "indexTimestamps": False,
    "stopwords": {"preset": "en", "additions": None, "removals": None}, "usingBlockMaxWAND": True,
}
MT_DEFAULTS: dict[str, Any] = {"enabled": False, "autoTenantCreation": False, "autoTenantActivation": False}
REPLICATION_DEFAULTS: dict[str, Any] = {"factor": 1, "asyncEnabled": False,
                                        "deletionStrategy": "NoAutomatedResolution"}
SHARDING_DEFAULTS: dict[str, Any] = {
    "virtualPerPhysical": 128, "desiredCount": 1, "actualCount": 1, "desiredVirtualCount": 128,
    "actualVirtualCount": 128, "key": "_id", "strategy": "hash", "function": "murmur3"}
# Weaviate forces DesiredCount 0 for multi-tenant classes (tenant shards are created on demand).
_MT_SHARDING = {**{k: 0 for k in ("virtualPerPhysical", "desiredCount", "actualCount", "desiredVirtualCount",
                                  "actualVirtualCount")}, "key": "_id", "strategy": "hash", "function": "murmur3"}


def shard_name(class_name: str) -> str:
    """The stable, Weaviate-looking name of a single-tenant class's one shard (also in update error texts)."""
    return hashlib.sha1(class_name.encode()).hexdigest()[:12]


def _canon_keys(obj: dict, canonical: tuple[str, ...]) -> dict:
    """Keep only known keys, matched case-insensitively like Go's encoding/json, spelled canonically. As in Go, a
    later spelling of the same key wins, and an object decodes into the one before it (weaviate-client 4.23 sends
    its objectTtlConfig update as `objectTTLConfig` next to the stored `objectTtlConfig`)."""
    by_lower = {k.lower(): k for k in canonical}
    out: dict[str, Any] = {}
    for key, value in obj.items():
        canon = by_lower.get(str(key).lower())
        if canon is None:
            continue
        before = out.get(canon)
        out[canon] = {**before, **value} if isinstance(before, dict) and isinstance(value, dict) else value
    return out


def _as_dict(value: Any, what: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(f"{what} must be an object")
    return value


# ---------------------------------------------------------------------------------------------- properties
def _validate_data_type(name: str, data_type: Any) -> None:
    """Weaviate's FindPropertyDataTypeWithRefs, wrapped the way validateProperty wraps it."""
    if not isinstance(data_type, list) or not data_type:
        shown = "[" + " ".join(map(str, data_type or [])) + "]" if isinstance(data_type, list) else data_type
        raise InvalidInput(f"property '{name}': invalid dataType: {shown}: dataType must have at least one element")
    shown = "[" + " ".join(map(str, data_type)) + "]"
    if not all(isinstance(target, str) for target in data_type):
        raise InvalidInput(f"property '{name}': invalid dataType: {shown}: dataType must be a list of strings")
    if len(data_type) == 1 and data_type[0] in DATA_TYPES:
        return
    if len(data_type) == 1 and data_type[0] == "":
        raise InvalidInput(f"property '{name}': invalid dataType: {shown}: dataType cannot be an empty string")
    if len(data_type) == 1 and isinstance(data_type[0], str) and data_type[0][:1].islower():
        raise InvalidInput(f"property '{name}': invalid dataType: {shown}: "
                           f"Unknown primitive data type '{data_type[0]}'")
    for target in data_type:
        if not isinstance(target, str) or not _CLASS_RE.match(target):
            raise InvalidInput(f"property '{name}': invalid dataType: {shown}: '{target}' is not a valid class name")


def _validate_tokenization(tok: str | None, dt: str, nested_name: str | None) -> None:
    """Top-level wording from validatePropertyTokenization, nested wording from validateNestedPropertyTokenization."""
    pre = f"property '{nested_name}': " if nested_name else ""
    word = "Tokenization" if nested_name else "tokenization"
    if dt in _TEXT_TYPES:
        allowed = _NESTED_TOKENIZATIONS if nested_name else TOKENIZATIONS
        if tok not in allowed:
            raise InvalidInput(f"{pre}{word} '{tok}' is not allowed for data type '{dt}'")
    elif tok:
        kind = f"data type '{dt}'" if dt in DATA_TYPES and dt not in _NESTED_TYPES else \
            "object/object[] data types" if dt in _NESTED_TYPES else "reference data type"
        raise InvalidInput(f"{pre}{word} is not allowed for {kind}")


def _validate_indexing(prop: dict, dt: str, nested_name: str | None) -> None:
    if prop["indexSearchable"] and dt not in _TEXT_TYPES:
        raise InvalidInput(f"property '{nested_name}': `indexSearchable` is not allowed for other than text/text[] "
                           "data types" if nested_name else "`indexSearchable` is allowed only for text/text[] data "
                           "types. For other data types set false or leave empty")
    if prop["indexRangeFilters"] and dt not in _RANGE_TYPES:
        raise InvalidInput(f"property '{nested_name}': `indexRangeFilters` is not allowed for other than "
                           "number/int/date data types" if nested_name else "`indexRangeFilters` is allowed only "
                           "for number/int/date data types. For other data types set false or leave empty")


def _fill_property(raw: Any, *, prefix: str | None) -> dict:
    """Defaults + validation shared by properties and nested properties; `prefix` is set for nested ones."""
    if not isinstance(raw, dict):
        raise InvalidInput("property must be an object")
    prop = _canon_keys(raw, _PROP_KEYS)
    name = prop.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidInput("property must contain name")
    nested_name = f"{prefix}.{name}" if prefix is not None else None
    if prefix is None:
        name = stored_name(name)
    problem = property_name_problem(name) if prefix is None else nested_property_name_problem(name, prefix)
    if problem:
        raise InvalidInput(problem)
    if "dataType" not in prop:
        raise InvalidInput("property must contain dataType")
    data_type = list(prop["dataType"]) if isinstance(prop["dataType"], (list, tuple)) else prop["dataType"]
    if isinstance(data_type, list) and len(data_type) == 1 and isinstance(data_type[0], str) \
            and data_type[0] in _DEPRECATED:
        if prop.get("tokenization") in (None, "", "word"):   # string's default tokenization was word, and
            prop["tokenization"] = "whitespace"  # Weaviate's string -> text migration turns word into whitespace
        data_type = [_DEPRECATED[data_type[0]]]
    _validate_data_type(nested_name or name, data_type)
    dt = data_type[0]
    out: dict[str, Any] = {"name": name, "dataType": data_type}
    if prop.get("description"):
        out["description"] = prop["description"]
    _fill_index_flags(out, prop, dt, nested_name)
    if dt in _TEXT_TYPES:
        out["tokenization"] = prop.get("tokenization") or "word"
    _validate_tokenization(out.get("tokenization") or prop.get("tokenization"), dt, nested_name)
    if nested_name and dt in ("geoCoordinates", "phoneNumber"):
        raise InvalidInput(f"property '{nested_name}': data type '{dt}' not allowed as nested property")
    if nested_name and dt not in DATA_TYPES:
        raise InvalidInput(f"property '{nested_name}': reference data type not allowed")
    _fill_nested(out, prop, dt, nested_name or name)
    for key in ("moduleConfig", "textAnalyzer"):
        if isinstance(prop.get(key), dict) and prop[key]:
            out[key] = copy.deepcopy(prop[key])
    return out


def _fill_index_flags(out: dict, prop: dict, dt: str, nested_name: str | None) -> None:
    """setPropertyDefaultIndexing (incl. the pre-1.19 `indexInverted` migration)."""
    inverted = prop.get("indexInverted")
    own = [prop.get(k) for k in ("indexFilterable", "indexSearchable", "indexRangeFilters")]
    if inverted is not None and any(v is not None for v in own):
        raise InvalidInput("`indexInverted` is deprecated and can not be set together with `indexFilterable`, "
                           "`indexSearchable` or `indexRangeFilters`")
    filterable, searchable, ranged = own
    if inverted is not None:
        filterable, searchable, ranged = bool(inverted), bool(inverted) and dt in _TEXT_TYPES, False
    blob = nested_name is not None and dt in ("blob", "blobHash")
    out["indexFilterable"] = bool(filterable) if filterable is not None else not blob
    out["indexSearchable"] = bool(searchable) if searchable is not None else dt in _TEXT_TYPES
    out["indexRangeFilters"] = bool(ranged) if ranged is not None else False
    _validate_indexing(out, dt, nested_name)
    if blob and out["indexFilterable"]:
        raise InvalidInput(f"property: '{nested_name}': indexFilterable is not allowed for blob data type")


def _fill_nested(out: dict, prop: dict, dt: str, label: str) -> None:
    nested = prop.get("nestedProperties")
    if dt not in _NESTED_TYPES:
        if nested:
            raise InvalidInput(f"property '{label}': nestedProperties not allowed for data types other than "
                               "object/object[]")
        return
    if not isinstance(nested, list) or not nested:
        raise InvalidInput(f"property '{label}': At least one nested property is required for data type "
                           "object/object[]")
    out["nestedProperties"] = [_fill_property(p, prefix=label) for p in nested]


def normalize_property(prop: dict, *, for_class: str = "") -> dict:
    """One top-level property with Weaviate's defaults; used by class create, add-property and auto-schema."""
    return _fill_property(prop, prefix=None)


def _normalize_properties(raw: Any, class_name: str) -> list[dict]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InvalidInput("properties must be an array")
    seen: set[str] = set()
    out = []
    for item in raw:
        prop = normalize_property(item, for_class=class_name)
        if prop["name"].lower() in seen:
            raise InvalidInput(f'class "{class_name}": conflict for property "{prop["name"]}": already in use or '
                               "provided multiple times")
        seen.add(prop["name"].lower())
        out.append(prop)
    return out


# ---------------------------------------------------------------------------------------------- vectors
def _index_config(index_type: str, given: Any) -> dict:
    """The filled vectorIndexConfig of a new vector space. RQ bits are checked too: Weaviate checks them only when
    compression starts, which for a new space is its first vector, so a new class with bits it cannot encode is
    refused here instead of never compressing."""
    cfg = fill_vector_index_config(index_type, given)
    problem = rq_bits_problem(index_type, cfg)
    if problem:
        raise InvalidInput(problem)
    return cfg


# vectorizers that produce token matrices (Weaviate's multi-vector modules); "none" = the user provides them
_MULTI_VECTORIZERS = frozenset({"none", "text2colbert-jinaai", "multi2multivec-jinaai", "multi2multivec-weaviate"})


def _index_type(raw: Any) -> str:
    if raw is not None and not isinstance(raw, str):
        raise InvalidInput("vectorIndexType must be a string")
    return raw or "hnsw"


def _named_vector(name: str, raw: Any) -> dict:
    if not isinstance(name, str) or len(name) > 230:
        raise InvalidInput(f"class.VectorConfig target vector name \"{name}\" is not valid. Target vector name "
                           "should not be longer than 230 characters.")
    if not _VECTOR_RE.match(name):
        raise InvalidInput(f"class.VectorConfig target vector name \"{name}\" is not valid, in Weaviate target "
                           "vector names are restricted to valid GraphQL names, which must be "
                           f"“/{_VECTOR_RE_CORE}/”.")
    cfg = _canon_keys(_as_dict(raw, f'vectorConfig "{name}"'), ("vectorizer", "vectorIndexType", "vectorIndexConfig"))
    vectorizer = cfg.get("vectorizer") or {"none": {}}
    if not isinstance(vectorizer, dict) or len(vectorizer) != 1:
        raise InvalidInput(f'target vector "{name}": vectorizer must be an object with exactly one key')
    index_type = _index_type(cfg.get("vectorIndexType"))
    try:
        index_cfg = _index_config(index_type, cfg.get("vectorIndexConfig"))
    except InvalidInput as exc:
        raise InvalidInput(f'target vector "{name}": parse vector index config: {exc.message}') from None
    module, settings = next(iter(vectorizer.items()))
    if is_multi_vector(index_type, index_cfg) and module not in _MULTI_VECTORIZERS:
        raise InvalidInput(f'parse vector config for {name}: multi vector index configured but vectorizer: '
                           f'"{module}" doesn\'t support multi vectors')
    return {"vectorizer": {module: copy.deepcopy(settings) if settings is not None else {}},
            "vectorIndexType": index_type, "vectorIndexConfig": index_cfg}


def _fill_vectors(doc: dict, body: dict) -> None:
    """Named vectors (`vectorConfig`) or the legacy class-level vector; Weaviate forbids mixing them on create."""
    legacy_given = body.get("vectorIndexType") or body.get("vectorIndexConfig")
    if body.get("vectorConfig"):
        if legacy_given:
            raise InvalidInput("creating a class with both a class level vector index and named vectors is forbidden")
        named = _as_dict(body["vectorConfig"], "vectorConfig")
        doc["vectorConfig"] = {name: _named_vector(name, raw) for name, raw in named.items()}
        return
    vectorizer = body.get("vectorizer") or "none"
    if not isinstance(vectorizer, str):
        raise InvalidInput("vectorizer must be a string")
    index_type = _index_type(body.get("vectorIndexType"))
    try:
        index_cfg = _index_config(index_type, body.get("vectorIndexConfig"))
    except InvalidInput as exc:
        raise InvalidInput(f"class.VectorIndexConfig can not parse: {exc.message}") from None
    doc.update({"vectorizer": vectorizer, "vectorIndexType": index_type, "vectorIndexConfig": index_cfg})


def _legacy_module_defaults(doc: dict) -> None:
    """The client pops moduleConfig[<vectorizer>] (and reads it per property) for a legacy vectorizer."""
    vectorizer = doc.get("vectorizer", "none")
    if vectorizer == "none":
        return
    doc.setdefault("moduleConfig", {}).setdefault(vectorizer, {"vectorizeClassName": True})
    for prop in doc["properties"]:
        if isinstance(prop.get("moduleConfig"), dict):
            prop["moduleConfig"].setdefault(vectorizer, {"skip": False, "vectorizePropertyName": False})


# ---------------------------------------------------------------------------------------------- class level
def _class_name(raw: Any) -> str:
    if not isinstance(raw, str) or not raw:
        raise InvalidInput("'' is not a valid class name")
    name = raw[0].upper() + raw[1:]
    if len(name) > 255:
        raise InvalidInput(f"'{name}' is not a valid class name. Name should not be longer than 255 characters")
    if not _CLASS_RE.match(name):
        raise InvalidInput(f"'{name}' is not a valid class name")
    return name


def _inverted(raw: Any) -> dict:
    cfg = _merge(INVERTED_DEFAULTS, _as_dict(raw, "invertedIndexConfig"))
    if not cfg["cleanupIntervalSeconds"]:
        cfg["cleanupIntervalSeconds"] = INVERTED_DEFAULTS["cleanupIntervalSeconds"]
    stop = cfg["stopwords"] = _merge(INVERTED_DEFAULTS["stopwords"], cfg.get("stopwords"))
    stop["preset"] = stop.get("preset") or "en"
    for key in ("additions", "removals"):
        words = stop.get(key)
        if words is not None and not (isinstance(words, list) and all(isinstance(w, str) for w in words)):
            raise InvalidInput(f"stopwords.{key} must be a list of strings")
    if stop["preset"] not in _STOPWORD_PRESETS:
        raise InvalidInput(f"stopwordPreset '{stop['preset']}' does not exist")
    bm25 = cfg["bm25"]
    if not isinstance(bm25.get("k1"), (int, float)) or bm25["k1"] < 0:
        raise InvalidInput("BM25.k1 must be >= 0")
    if not isinstance(bm25.get("b"), (int, float)) or not 0 <= bm25["b"] <= 1:
        raise InvalidInput("BM25.b must be <= 0 and <= 1")
    return cfg


def _multi_tenancy(raw: Any) -> dict:
    cfg = _merge(MT_DEFAULTS, _as_dict(raw, "multiTenancyConfig"))
    if not cfg["enabled"] and cfg["autoTenantCreation"]:
        raise InvalidInput("can't enable autoTenantCreation on a non-multi-tenant class")
    if not cfg["enabled"] and cfg["autoTenantActivation"]:
        raise InvalidInput("can't enable autoTenantActivation on a non-multi-tenant class")
    return cfg


def _replication(raw: Any) -> dict:
    cfg = _merge(REPLICATION_DEFAULTS, _as_dict(raw, "replicationConfig"))
    if not isinstance(cfg["factor"], int) or cfg["factor"] < 1:
        cfg["factor"] = 1
    cfg["deletionStrategy"] = cfg.get("deletionStrategy") or REPLICATION_DEFAULTS["deletionStrategy"]
    return cfg


def _sharding(raw: Any, mt_enabled: bool) -> dict:
    given = _as_dict(raw, "shardingConfig")
    if mt_enabled:
        if given:
            raise InvalidInput("cannot have both shardingConfig and multiTenancyConfig")
        return dict(_MT_SHARDING)
    cfg = _merge(SHARDING_DEFAULTS, given)
    cfg["actualCount"] = cfg["desiredCount"]                 # single node: every desired shard exists
    cfg["desiredVirtualCount"] = cfg["desiredCount"] * cfg["virtualPerPhysical"]
    cfg["actualVirtualCount"] = cfg["desiredVirtualCount"]
    return cfg


def normalize_class(body: dict) -> dict:
    """The full class document for a `POST /v1/schema` body (v4 client, create_from_dict, LangChain, LlamaIndex)."""
    if not isinstance(body, dict):
        raise InvalidInput("class body must be a JSON object")
    b = _canon_keys(body, _CLASS_KEYS)
    doc: dict[str, Any] = {"class": _class_name(b.get("class"))}
    if b.get("description"):
        doc["description"] = b["description"]
    doc["invertedIndexConfig"] = _inverted(b.get("invertedIndexConfig"))
    doc["multiTenancyConfig"] = _multi_tenancy(b.get("multiTenancyConfig"))
    doc["properties"] = _normalize_properties(b.get("properties"), doc["class"])
    doc["replicationConfig"] = _replication(b.get("replicationConfig"))
    doc["shardingConfig"] = _sharding(b.get("shardingConfig"), doc["multiTenancyConfig"]["enabled"])
    _fill_vectors(doc, b)
    if isinstance(b.get("moduleConfig"), dict) and b["moduleConfig"]:
        doc["moduleConfig"] = copy.deepcopy(b["moduleConfig"])
    _legacy_module_defaults(doc)
    object_ttl.apply(doc, b.get("objectTtlConfig"), is_update=False)
    return doc


# ---------------------------------------------------------------------------------------------- typed views
def property_spec(prop: dict) -> PropertySpec:
    """The typed view of one normalised property."""
    data_type = prop["dataType"]
    return PropertySpec(
        name=prop["name"], data_type=data_type[0], tokenization=prop.get("tokenization"),
        index_filterable=prop.get("indexFilterable", True), index_searchable=prop.get("indexSearchable", False),
        index_range_filters=prop.get("indexRangeFilters", False),
        nested={n["name"]: property_spec(n) for n in prop.get("nestedProperties") or []},
        targets=() if data_type[0] in DATA_TYPES else tuple(data_type))


def property_specs(doc: dict) -> dict[str, PropertySpec]:
    """Typed views of a normalised document's properties, keyed by name."""
    return {p["name"]: property_spec(p) for p in doc.get("properties") or []}


def multi_tenancy_spec(doc: dict) -> MultiTenancySpec:
    mt = doc.get("multiTenancyConfig") or {}
    return MultiTenancySpec(bool(mt.get("enabled")), bool(mt.get("autoTenantCreation")),
                            bool(mt.get("autoTenantActivation")))


def inverted_spec(doc: dict) -> InvertedSpec:
    inverted = doc.get("invertedIndexConfig") or {}
    bm25 = inverted.get("bm25") or {}
    stop = inverted.get("stopwords") or {}
    additions, removals = stop.get("additions"), stop.get("removals")
    return InvertedSpec(
        bool(inverted.get("indexTimestamps")), bool(inverted.get("indexNullState")),
        bool(inverted.get("indexPropertyLength")), float(bm25.get("k1", 1.2)), float(bm25.get("b", 0.75)),
        stop.get("preset"), tuple(additions) if additions is not None else None,
        tuple(removals) if removals is not None else None)


def check_reference_targets(props: list[PropertySpec], own_class: str, exists: Callable[[str], bool]) -> None:
    """Weaviate's validateProperty -> FindPropertyDataTypeWithRefs: every target of a reference property must be
    an existing collection (a self-reference is always allowed)."""
    for prop in props:
        for target in prop.targets:
            if target.lower() != own_class.lower() and not exists(target):
                raise InvalidInput(f"property '{prop.name}': invalid dataType: reference property to "
                                   "nonexistent class")


def _vector_spec(name: str, index_type: str, cfg: dict, vectorizer: str, legacy: bool) -> VectorSpec:
    return VectorSpec(name=name, index_type=index_type, distance=cfg.get("distance", "cosine"),
                      vectorizer=vectorizer, index_config=cfg, legacy=legacy)


def vector_specs(doc: dict) -> dict[str, VectorSpec]:
    """Named vectors, or the legacy class-level vector under LEGACY_VECTOR_NAME."""
    if "vectorConfig" in doc:
        return {name: _vector_spec(name, v["vectorIndexType"], v["vectorIndexConfig"],
                                   next(iter(v["vectorizer"])), False)
                for name, v in doc["vectorConfig"].items()}
    if "vectorIndexType" not in doc:
        return {}
    return {LEGACY_VECTOR_NAME: _vector_spec(LEGACY_VECTOR_NAME, doc["vectorIndexType"],
                                             doc.get("vectorIndexConfig") or {}, doc.get("vectorizer", "none"),
                                             True)}
