"""`objectTtlConfig` of a class document: filled and validated as Weaviate 1.36 does
(adapters/repos/db/ttl ValidateObjectTTLConfig, wrapped "ObjectTTLConfig: ..." by the schema handler, 422).

On create, a TTL on the creation or update time turns `invertedIndexConfig.indexTimestamps` on; on update (where
indexTimestamps is immutable) it is refused instead. A custom `deleteOn` must be a date property with a
filterable or range index (the deletion finds expired objects through it). Pure functions, no I/O."""
from __future__ import annotations

from typing import Any

from ...entities.errors import InvalidInput
from ...entities.object_ttl import TIMESTAMP_FIELDS
from .model import DATA_TYPES

MINIMUM_TTL_SECONDS = 60       # Weaviate's minDefaultTtl, for deleteOn = creation / update time
_PREFIX = "ObjectTTLConfig: "
_BOOLEANS = ("enabled", "filterExpiredObjects")


def _error(message: str) -> InvalidInput:
    return InvalidInput(_PREFIX + message)


def _filled(raw: dict) -> dict:
    """The four fields Weaviate returns (the client reads `deleteOn` and `filterExpiredObjects` unconditionally)."""
    by_lower = {str(k).lower(): v for k, v in raw.items()}
    cfg = {"enabled": by_lower.get("enabled", False), "defaultTtl": by_lower.get("defaultttl", 0),
           "deleteOn": by_lower.get("deleteon", ""), "filterExpiredObjects": by_lower.get("filterexpiredobjects",
                                                                                      False)}
    for key in _BOOLEANS:
        if cfg[key] is None:
            cfg[key] = False
        if not isinstance(cfg[key], bool):
            raise InvalidInput(f"objectTtlConfig.{key} must be a boolean")
    ttl = cfg["defaultTtl"]
    if ttl is None:
        cfg["defaultTtl"] = 0
    elif isinstance(ttl, bool) or not isinstance(ttl, int):
        raise InvalidInput("objectTtlConfig.defaultTtl must be a whole number of seconds")
    if cfg["deleteOn"] is None:
        cfg["deleteOn"] = ""
    if not isinstance(cfg["deleteOn"], str):
        raise InvalidInput("objectTtlConfig.deleteOn must be a string")
    return cfg


def _check_property(doc: dict, delete_on: str) -> None:
    prop = next((p for p in doc.get("properties") or [] if p["name"] == delete_on), None)
    if prop is None:
        raise _error(f'property "{delete_on}" set as "deleteOn" not found among collection properties')
    data_type = prop["dataType"][0] if prop["dataType"][0] in DATA_TYPES else ""
    if data_type != "date":
        raise _error(f'property "{delete_on}" set as "deleteOn" should have "date" data type, "{data_type}" given')
    if not (prop.get("indexFilterable") or prop.get("indexRangeFilters")):
        raise _error(f'property "{delete_on}" set as "deleteOn" should have filterable or rangeable index enabled')


def apply(doc: dict, raw: Any, *, is_update: bool, minimum_ttl: int = MINIMUM_TTL_SECONDS) -> None:
    """Set doc["objectTtlConfig"] from the request's `raw` value (absent: none) once valid for `doc` (its
    properties and inverted index config already final); InvalidInput with Weaviate's texts otherwise."""
    doc.pop("objectTtlConfig", None)
    if raw is None:
        return
    if not isinstance(raw, dict):
        raise InvalidInput("objectTtlConfig must be an object")
    cfg = _filled(raw)
    if cfg["enabled"]:
        delete_on = cfg["deleteOn"] = cfg["deleteOn"].strip()
        if not delete_on:
            raise _error(f'missing value for "deleteOn". Set "{TIMESTAMP_FIELDS[0]}", "{TIMESTAMP_FIELDS[1]}" or '
                         'custom property of "date" type')
        if delete_on in TIMESTAMP_FIELDS:
            inverted = doc["invertedIndexConfig"]
            if not inverted.get("indexTimestamps"):
                if is_update:
                    raise _error(f'"deleteOn"="{delete_on}" requires indexed timestamps. Enable '
                                 '"invertedIndexConfig.indexTimestamps"')
                doc["invertedIndexConfig"] = {**inverted, "indexTimestamps": True}
            if cfg["defaultTtl"] < minimum_ttl:
                raise _error(f'defaultTtl value too small for "deleteOn"="{delete_on}". Required minimum '
                             f'"{minimum_ttl}" seconds, given "{cfg["defaultTtl"]}" seconds')
        else:
            _check_property(doc, delete_on)
    doc["objectTtlConfig"] = cfg
