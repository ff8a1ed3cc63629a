"""`migrate schema`: Weaviate's v3 class JSON (what `client.schema.get()` of the v3 Python client exported) to
the v4 collection config: as the JSON the v1 REST API takes today and as the `client.collections.create(...)` code
that makes the same collection. The mapping, one row per v3 construct (README lines come from `MAPPING`):"""
from __future__ import annotations

import copy as _copy
from typing import Any

MAPPING: list[tuple[str, str]] = [
    ("dataType string / string[]", "DataType.TEXT / TEXT_ARRAY, tokenization kept (v3 default: word)"),
    ("dataType text, int, number, boolean, date, uuid, blob, geoCoordinates, phoneNumber, object (+[])",
     "the DataType of the same name"),
    ("dataType [OtherClass, ...]", "ReferenceProperty(target_collection=...) (several: multi-target)"),
    ("indexInverted", "index_filterable and index_searchable"),
    ("vectorizer none", "Configure.Vectors.self_provided()"),
    ("vectorizer text2vec-openai/-cohere/-huggingface/-transformers/-ollama + moduleConfig",
     "Configure.Vectors.text2vec_<name>(model, vectorize_collection_name, ...)"),
    ("moduleConfig.<vectorizer>.skip / vectorizePropertyName on a property",
     "Property(skip_vectorization=..., vectorize_property_name=...)"),
    ("vectorIndexType hnsw/flat + vectorIndexConfig (distance, ef, efConstruction, maxConnections)",
     "Configure.VectorIndex.hnsw/flat(distance_metric, ef, ef_construction, max_connections)"),
    ("invertedIndexConfig bm25 b/k1, indexNullState, indexPropertyLength, indexTimestamps",
     "Configure.inverted_index(...)"),
    ("multiTenancyConfig.enabled", "Configure.multi_tenancy(enabled=True)"),
    ("replicationConfig.factor", "Configure.replication(factor=...)"),
]

_DATA_TYPES = {"text": "TEXT", "string": "TEXT", "int": "INT", "number": "NUMBER", "boolean": "BOOL",
               "date": "DATE", "uuid": "UUID", "blob": "BLOB", "geoCoordinates": "GEO_COORDINATES",
               "phoneNumber": "PHONE_NUMBER", "object": "OBJECT"}
_VECTORIZERS = {"text2vec-openai": "text2vec_openai", "text2vec-cohere": "text2vec_cohere",
                "text2vec-huggingface": "text2vec_huggingface", "text2vec-transformers": "text2vec_transformers",
                "text2vec-ollama": "text2vec_ollama"}
_MODULE_OPTIONS = {"model": "model", "baseURL": "base_url", "apiEndpoint": "api_endpoint",
                   "vectorizeClassName": "vectorize_collection_name", "dimensions": "dimensions",
                   "modelVersion": "model_version", "type": "type_"}
_HNSW_OPTIONS = {"distance": "distance_metric", "ef": "ef", "efConstruction": "ef_construction",
                 "maxConnections": "max_connections", "dynamicEfMin": "dynamic_ef_min",
                 "dynamicEfMax": "dynamic_ef_max", "dynamicEfFactor": "dynamic_ef_factor"}
_INVERTED_OPTIONS = {"indexNullState": "index_null_state", "indexPropertyLength": "index_property_length",
                     "indexTimestamps": "index_timestamps"}


PYTHON_HEADER = ("from weaviate.classes.config import Configure, DataType, Property, ReferenceProperty, "
                 "Tokenization, VectorDistances\n")


class SchemaConversionError(ValueError):
    pass


def classes_of(document: Any) -> list[dict[str, Any]]:
    """A v3 export: {"classes": [...]}, a list of classes, or one class."""
    if isinstance(document, dict) and "classes" in document:
        return list(document["classes"])
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and "class" in document:
        return [document]
    raise SchemaConversionError("expected {\"classes\": [...]}, a list of classes or one class object")


def is_primitive(data_type: list[str]) -> bool:
    return all(t.removesuffix("[]") in _DATA_TYPES for t in data_type)


def to_v4_json(config: dict[str, Any]) -> dict[str, Any]:
    """The class as the REST API of a 1.36 server takes it: `string` becomes `text` (tokenization kept) and
    `indexInverted` becomes indexFilterable/indexSearchable."""
    out = _copy.deepcopy(config)
    for prop in out.get("properties") or []:
        data_type = prop.get("dataType") or []
        if not is_primitive(data_type) and any(t[:1].islower() for t in data_type):
            raise SchemaConversionError(f"{config['class']}.{prop.get('name')}: unknown dataType {data_type}")
        if data_type and data_type[0].removesuffix("[]") == "string":
            prop["dataType"] = [data_type[0].replace("string", "text")]
            prop.setdefault("tokenization", "word")
        if "indexInverted" in prop:
            flag = prop.pop("indexInverted")
            prop.setdefault("indexFilterable", flag)
            if prop["dataType"][0].removesuffix("[]") == "text":
                prop.setdefault("indexSearchable", flag)
    return out


def to_python(classes: list[dict[str, Any]]) -> str:
    """The v4 client code making the same collections: every collection first, then the references (a reference
    may point at a collection defined later, or at its own)."""
    creations = [_creation(c) for c in classes]
    references = [f"client.collections.use({c['class']!r}).config.add_reference(ReferenceProperty("
                  f"name={p['name']!r}, target_collection={_targets(p)!r}))"
                  for c in classes for p in c.get("properties") or [] if not is_primitive(p.get("dataType") or [])]
    return "\n".join([PYTHON_HEADER, "\n\n".join(creations), "", *references, ""])


def _creation(config: dict[str, Any]) -> str:
    """`client.collections.create(...)` for one class, without its references."""
    v4 = to_v4_json(config)
    vectorizer = v4.get("vectorizer") or "none"
    lines = ["client.collections.create(", f"    name={v4['class']!r},"]
    if v4.get("description"):
        lines.append(f"    description={v4['description']!r},")
    primitives = [p for p in v4.get("properties") or [] if is_primitive(p["dataType"])]
    if primitives:
        lines.append("    properties=[")
        lines.extend(f"        {_property(p, vectorizer)}," for p in primitives)
        lines.append("    ],")
    lines.append(f"    vector_config={_vectors(v4, vectorizer)},")
    inverted = _inverted(v4.get("invertedIndexConfig") or {})
    if inverted:
        lines.append(f"    inverted_index_config=Configure.inverted_index({inverted}),")
    if (v4.get("multiTenancyConfig") or {}).get("enabled"):
        lines.append("    multi_tenancy_config=Configure.multi_tenancy(enabled=True),")
    factor = (v4.get("replicationConfig") or {}).get("factor")
    if factor and factor != 1:
        lines.append(f"    replication_config=Configure.replication(factor={factor}),")
    lines.append(")")
    return "\n".join(lines)




def _property(prop: dict[str, Any], vectorizer: str) -> str:
    base = prop["dataType"][0]
    kind = _DATA_TYPES[base.removesuffix("[]")] + ("_ARRAY" if base.endswith("[]") else "")
    args = [f"name={prop['name']!r}", f"data_type=DataType.{kind}"]
    if prop.get("description"):
        args.append(f"description={prop['description']!r}")
    if prop.get("tokenization"):
        args.append(f"tokenization=Tokenization.{prop['tokenization'].upper()}")
    for key, arg in (("indexFilterable", "index_filterable"), ("indexSearchable", "index_searchable"),
                     ("indexRangeFilters", "index_range_filters")):
        if key in prop:
            args.append(f"{arg}={bool(prop[key])}")
    module = (prop.get("moduleConfig") or {}).get(vectorizer) or {}
    if "skip" in module:
        args.append(f"skip_vectorization={bool(module['skip'])}")
    if "vectorizePropertyName" in module:
        args.append(f"vectorize_property_name={bool(module['vectorizePropertyName'])}")
    return f"Property({', '.join(args)})"


def _targets(prop: dict[str, Any]) -> str | list[str]:
    return prop["dataType"][0] if len(prop["dataType"]) == 1 else list(prop["dataType"])


def _vectors(config: dict[str, Any], vectorizer: str) -> str:
    index = _index(config.get("vectorIndexType") or "hnsw", config.get("vectorIndexConfig") or {})
    if vectorizer == "none":
        return f"Configure.Vectors.self_provided(vector_index_config={index})"
    if vectorizer not in _VECTORIZERS:
        raise SchemaConversionError(f"{config['class']}: vectorizer {vectorizer!r} has no mapping (see MAPPING)")
    module = (config.get("moduleConfig") or {}).get(vectorizer) or {}
    args = [f"{_MODULE_OPTIONS[k]}={v!r}" for k, v in module.items() if k in _MODULE_OPTIONS]
    return f"Configure.Vectors.{_VECTORIZERS[vectorizer]}({', '.join([*args, f'vector_index_config={index}'])})"


def _index(kind: str, config: dict[str, Any]) -> str:
    if kind not in ("hnsw", "flat"):
        raise SchemaConversionError(f"vectorIndexType {kind!r} has no v3 mapping (hnsw, flat)")
    allowed = _HNSW_OPTIONS if kind == "hnsw" else {"distance": "distance_metric"}
    args = []
    for key, arg in allowed.items():
        if key in config:
            value = config[key]
            args.append(f"{arg}=VectorDistances.{value.upper().replace('-', '_')}" if key == "distance"
                        else f"{arg}={value!r}")
    return f"Configure.VectorIndex.{kind}({', '.join(args)})"


def _inverted(config: dict[str, Any]) -> str:
    args = [f"{arg}={config[key]!r}" for key, arg in _INVERTED_OPTIONS.items() if key in config]
    bm25 = config.get("bm25") or {}
    if "b" in bm25 and "k1" in bm25:
        args = [f"bm25_b={bm25['b']!r}", f"bm25_k1={bm25['k1']!r}", *args]
    return ", ".join(args)
