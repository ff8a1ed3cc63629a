"""Weaviate's vector index defaults (entities/vectorindex/{hnsw,flat,dynamic,hfresh} SetDefaults).

Why a module of its own: the client's `config.get()` parser needs every key of these blocks, and the engine reads
the same filled blocks to build its indexes, so the defaults live in exactly one place.
"""
from __future__ import annotations

import copy
from typing import Any, Callable

from ...entities.errors import InvalidInput
from .model import DISTANCES

_DISTANCE_LIST = '["cosine", "dot", "l2-squared", "manhattan","hamming"]'   # Weaviate's exact text (sic)

_PQ = {"enabled": False, "bitCompression": False, "segments": 0, "centroids": 256, "trainingLimit": 100000,
       "encoder": {"type": "kmeans", "distribution": "log-normal"}}
_SQ = {"enabled": False, "trainingLimit": 100000, "rescoreLimit": 20}
HNSW_DEFAULTS: dict[str, Any] = {
    "skip": False, "cleanupIntervalSeconds": 300, "maxConnections": 32, "efConstruction": 128, "ef": -1,
    "dynamicEfMin": 100, "dynamicEfMax": 500, "dynamicEfFactor": 8, "vectorCacheMaxObjects": 1000000000000,
    "flatSearchCutoff": 40000, "distance": "cosine", "pq": _PQ, "bq": {"enabled": False}, "sq": _SQ,
    "rq": {"enabled": False, "bits": 8, "rescoreLimit": 20}, "filterStrategy": "sweeping",
    "multivector": {"enabled": False, "aggregation": "maxSim",
                    "muvera": {"enabled": False, "ksim": 4, "dprojections": 16, "repetitions": 10}},
}
FLAT_DEFAULTS: dict[str, Any] = {
    "distance": "cosine", "vectorCacheMaxObjects": 1000000000000, "pq": _PQ,
    "bq": {"enabled": False, "rescoreLimit": -1, "cache": False}, "sq": _SQ,
    "rq": {"enabled": False, "bits": 8, "rescoreLimit": 20, "cache": False},
}
# entities/vectorindex/hfresh/config.go SetDefaults: hfresh is always RQ-1 compressed.
HFRESH_DEFAULTS: dict[str, Any] = {"distance": "cosine", "maxPostingSizeKB": 48, "replicas": 4, "searchProbe": 64,
                                   "rq": {"enabled": True, "bits": 1, "rescoreLimit": 350}}


def merge_defaults(defaults: dict, given: Any) -> dict:
    """Deep copy of `defaults` overlaid with `given` (user values win, unknown user keys are kept)."""
    out = copy.deepcopy(defaults)
    for key, value in (given or {}).items() if isinstance(given, dict) else ():
        out[key] = merge_defaults(out[key], value) if isinstance(out.get(key), dict) and isinstance(value, dict) \
            else copy.deepcopy(value)
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


def _fill_hnsw(given: dict) -> dict:
    cfg = merge_defaults(HNSW_DEFAULTS, given)
    _check_distance(cfg, "hnsw")
    return cfg


def _fill_flat(given: dict) -> dict:
    cfg = merge_defaults(FLAT_DEFAULTS, given)
    _check_distance(cfg, "flat")
    return cfg


def _fill_dynamic(given: dict) -> dict:
    distance = given.get("distance", "cosine")
    cfg = {"distance": distance, "threshold": given.get("threshold", 10000),
           "hnsw": merge_defaults(HNSW_DEFAULTS, given.get("hnsw")), "flat": merge_defaults(FLAT_DEFAULTS, given.get("flat"))}
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
    """Full vectorIndexConfig for `index_type` (any string is accepted; known types get Weaviate's defaults)."""
    return _INDEX_FILLERS.get(index_type, _fill_other)(_as_dict(given))
