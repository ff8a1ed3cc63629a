"""Weaviate's vector index defaults (entities/vectorindex/{hnsw,flat,dynamic,hfresh} SetDefaults).

Why a module of its own: the client's `config.get()` parser needs every key of these blocks, and the engine reads
the same filled blocks to build its indexes, so the defaults live in exactly one place.
"""
from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ...entities.errors import InvalidInput, Unsupported
from ...entities.values import json_kind
from .model import DISTANCES

_DISTANCE_LIST = '["cosine", "dot", "l2-squared", "manhattan","hamming"]'   # Weaviate's exact text (sic)

# entities/vectorindex/hnsw/{pq,sq,bq,rq}_config.go: the JSON Weaviate stores per quantizer (Go structs: unknown keys
# are dropped, so only these keys survive a create or an update).
_PQ = {"enabled": False, "bitCompression": False, "segments": 0, "centroids": 256, "trainingLimit": 100000,
       "encoder": {"type": "kmeans", "distribution": "log-normal"}}
_SQ = {"enabled": False, "trainingLimit": 100000, "rescoreLimit": 20}
_RQ_BITS_1_RESCORE_LIMIT = 512       # hnsw/rq_config.go DefaultBRQRescoreLimit: bits 1 without a rescoreLimit
MULTIVECTOR_AGGREGATION = "maxSim"     # the only late-interaction aggregation Weaviate knows
HNSW_DEFAULTS: dict[str, Any] = {
    "skip": False, "cleanupIntervalSeconds": 300, "maxConnections": 32, "efConstruction": 128, "ef": -1,
    "dynamicEfMin": 100, "dynamicEfMax": 500, "dynamicEfFactor": 8, "vectorCacheMaxObjects": 1000000000000,
    "flatSearchCutoff": 40000, "distance": "cosine", "pq": _PQ, "bq": {"enabled": False}, "sq": _SQ,
    "rq": {"enabled": False, "bits": 8, "rescoreLimit": 20}, "filterStrategy": "sweeping",
    "multivector": {"enabled": False, "aggregation": "maxSim",
                    "muvera": {"enabled": False, "ksim": 4, "dprojections": 16, "repetitions": 10}},
    "skipDefaultQuantization": False, "trackDefaultQuantization": False,
}
# entities/vectorindex/flat/config.go: every quantizer block is {enabled, rescoreLimit, cache} (rq adds bits);
# rescoreLimit -1 = "let Weaviate pick", also for 1-bit RQ.
_FLAT_QUANTIZER = {"enabled": False, "rescoreLimit": -1, "cache": False}
FLAT_DEFAULTS: dict[str, Any] = {
    "distance": "cosine", "vectorCacheMaxObjects": 1000000000000, "pq": _FLAT_QUANTIZER, "bq": _FLAT_QUANTIZER,
    "sq": _FLAT_QUANTIZER, "rq": {**_FLAT_QUANTIZER, "bits": 8},
    "skipDefaultQuantization": False, "trackDefaultQuantization": False,
}
_QUANTIZERS = ("pq", "bq", "sq", "rq")
_PQ_ENCODER_TYPES = ("kmeans", "tile")
_PQ_ENCODER_DISTRIBUTIONS = ("log-normal", "normal")
HNSW_RQ_BITS = (8, 4, 1)
# entities/vectorindex/hfresh/config.go SetDefaults: hfresh is always RQ-1 compressed.
HFRESH_DEFAULTS: dict[str, Any] = {"distance": "cosine", "maxPostingSizeKB": 48, "replicas": 4, "searchProbe": 64,
                                   "rq": {"enabled": True, "bits": 1, "rescoreLimit": 350}}


def merge_defaults(defaults: dict, given: Any) -> dict:
    """Deep copy of `defaults` overlaid with `given` (user values win, unknown user keys are kept). A given value
    must have the JSON kind of its default (Weaviate decodes these blocks into typed Go fields); null keeps the
    default."""
    out = copy.deepcopy(defaults)
    for key, value in (given or {}).items() if isinstance(given, dict) else ():
        default = out.get(key)
        if value is None and default is not None:
            continue
        if default is not None and json_kind(value) != json_kind(default):
            raise InvalidInput(f"{key} must be a JSON {json_kind(default)}, got {json_kind(value)}")
        out[key] = merge_defaults(default, value) if isinstance(default, dict) else copy.deepcopy(value)
    return out


def _as_dict(value: Any) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput("vectorIndexConfig must be an object")
    return value


def _check_distance(cfg: dict, index_type: str) -> None:
    if cfg.get("distance") not in DISTANCES:
        raise InvalidInput(f"invalid {index_type} config: distance must be one of {_DISTANCE_LIST}")


def _only_known_quantizer_keys(cfg: dict, defaults: dict) -> None:
    """Weaviate decodes each quantizer block into a Go struct: keys it does not know are not stored or returned."""
    for kind in _QUANTIZERS:
        block = cfg.get(kind)
        if not isinstance(block, dict):
            cfg[kind] = copy.deepcopy(defaults[kind])
            continue
        cfg[kind] = {k: v for k, v in block.items() if k in defaults[kind]}
        if "encoder" in defaults[kind]:
            encoder = block.get("encoder") if isinstance(block.get("encoder"), dict) else {}
            cfg["pq"]["encoder"] = {k: v for k, v in encoder.items() if k in defaults["pq"]["encoder"]}


def _only_known_multivector_keys(cfg: dict) -> None:
    """hnsw/multivector_config.go: the multivector block is a Go struct too (enabled, aggregation, muvera{...}):
    unknown keys are dropped. An enabled block must aggregate by maxSim; MUVERA's sizes must be positive (Weaviate
    does not check them and fails at the first insert; refused here with loomdb's own text)."""
    defaults = HNSW_DEFAULTS["multivector"]
    block = cfg.get("multivector")
    block = {k: v for k, v in block.items() if k in defaults} if isinstance(block, dict) else {}
    muvera = block.get("muvera")
    block["muvera"] = {k: v for k, v in muvera.items() if k in defaults["muvera"]} \
        if isinstance(muvera, dict) else copy.deepcopy(defaults["muvera"])
    cfg["multivector"] = block
    if block.get("enabled") is True and block.get("aggregation") != MULTIVECTOR_AGGREGATION:
        raise InvalidInput(f"invalid aggregation type {block.get('aggregation')}")
    if block.get("enabled") is True and block["muvera"].get("enabled") is True:
        for key in ("ksim", "dprojections", "repetitions"):
            value = block["muvera"].get(key)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidInput(f"invalid hnsw config: multivector muvera {key} must be a positive integer")


def _enabled(cfg: dict, kind: str) -> bool:
    block = cfg.get(kind)
    return isinstance(block, dict) and block.get("enabled") is True


def _fill_hnsw(given: dict) -> dict:
    """hnsw/config.go ParseAndValidateConfig: parse-time checks only (RQ bits are checked when compression starts,
    see `rq_bits_problem`)."""
    cfg = merge_defaults(HNSW_DEFAULTS, given)
    _only_known_quantizer_keys(cfg, HNSW_DEFAULTS)
    _only_known_multivector_keys(cfg)
    given_rq = given.get("rq")
    if isinstance(given_rq, dict) and cfg["rq"].get("bits") == 1 and given_rq.get("rescoreLimit") is None:
        cfg["rq"]["rescoreLimit"] = _RQ_BITS_1_RESCORE_LIMIT          # rq_config.go parseRQMap
    encoder = cfg["pq"]["encoder"]                                   # pq_config.go encoderFromMap & co.
    if isinstance(encoder.get("type"), str) and encoder["type"] not in _PQ_ENCODER_TYPES:
        raise InvalidInput(f"invalid encoder type {encoder['type']}")
    if isinstance(encoder.get("distribution"), str) and encoder["distribution"] not in _PQ_ENCODER_DISTRIBUTIONS:
        raise InvalidInput(f"invalid encoder distribution {encoder['distribution']}")
    _check_distance(cfg, "hnsw")
    if sum(_enabled(cfg, kind) for kind in _QUANTIZERS) > 1:
        raise InvalidInput("invalid hnsw config: more than a single compression methods enabled")
    if cfg["multivector"].get("enabled") is True:
        compressed = [kind for kind in _QUANTIZERS if _enabled(cfg, kind)]
        if compressed:      # a setting we do not honour is refused, never ignored
            raise Unsupported(f"{compressed[0].upper()} compression of a multi-vector space is not supported by "
                              "loomdb yet")
    return cfg


def _fill_flat(given: dict) -> dict:
    cfg = merge_defaults(FLAT_DEFAULTS, given)
    _only_known_quantizer_keys(cfg, FLAT_DEFAULTS)
    _check_distance(cfg, "flat")
    if any(kind in given for kind in _QUANTIZERS):                  # flat/config.go parseCompression
        for kind in _QUANTIZERS:
            if cfg[kind].get("cache") is True and not _enabled(cfg, kind):
                raise InvalidInput("not possible to use the cache without compression")
        if _enabled(cfg, "rq") and cfg["rq"].get("bits") not in (1, 8):
            raise InvalidInput("RQ bits must be either 1 or 8")
        if sum(_enabled(cfg, kind) for kind in _QUANTIZERS) > 1:
            raise InvalidInput("cannot enable multiple quantization methods at the same time")
        for kind in ("pq", "sq"):
            if _enabled(cfg, kind):
                raise InvalidInput(f"{kind.upper()} is not currently supported for flat indices")
    return cfg


def _fill_dynamic(given: dict) -> dict:
    distance = given.get("distance", "cosine")
    cfg = {"distance": distance, "threshold": given.get("threshold", 10000),
           "hnsw": _fill_hnsw(_as_dict(given.get("hnsw"))), "flat": _fill_flat(_as_dict(given.get("flat")))}
    cfg.update({k: copy.deepcopy(v) for k, v in given.items() if k not in cfg})
    cfg["hnsw"]["distance"] = cfg["flat"]["distance"] = distance   # the dynamic distance governs both stages
    _check_distance(cfg, "dynamic")
    return cfg


def _fill_hfresh(given: dict) -> dict:
    cfg = merge_defaults(HFRESH_DEFAULTS, given)
    if cfg["distance"] not in ("cosine", "l2-squared"):
        raise InvalidInput(f"invalid hfresh config: unsupported distance type '{cfg['distance']}', HFresh only "
                           "supports 'cosine' or 'l2-squared' for the distance metric")
    return cfg


def _fill_other(given: dict) -> dict:
    """Unknown index types are stored as given; only `distance` is defaulted so search knows its metric."""
    cfg = copy.deepcopy(given)
    cfg.setdefault("distance", "cosine")
    return cfg


_INDEX_FILLERS: dict[str, Callable[[dict], dict]] = {
    "hnsw": _fill_hnsw, "flat": _fill_flat, "dynamic": _fill_dynamic, "hfresh": _fill_hfresh}


def fill_vector_index_config(index_type: str, given: Any) -> dict:
    """Full vectorIndexConfig for `index_type` (any string is accepted; known types get Weaviate's defaults) with
    Weaviate's parse-time validation; InvalidInput carries Weaviate's unwrapped message."""
    return _INDEX_FILLERS.get(index_type, _fill_other)(_as_dict(given))


def rq_bits_problem(index_type: str, cfg: dict) -> str | None:
    """hnsw/rq_config.go ValidateRQConfig, which Weaviate runs when compression starts (not when parsing): the
    message for an enabled RQ whose bits hnsw cannot encode (flat refuses its own at parse time)."""
    hnsw = cfg.get("hnsw") if index_type == "dynamic" else cfg if index_type == "hnsw" else None
    if isinstance(hnsw, dict) and _enabled(hnsw, "rq") and hnsw["rq"].get("bits") not in HNSW_RQ_BITS:
        return "RQ bits must be 8, 4 or 1"
    return None
