"""The desired state `loomdb change` reads: a JSON or YAML file (.yaml/.yml) holding

    classes:                      # also "collections"; GET /v1/schema's {"classes": [...]} works unchanged
      - class: Article            # a collection's name, or an alias name (then the alias's collection is compared
        description: News items  #   and an immutable change builds Article_v<N+1> and repoints the alias)
        properties:               # Weaviate's class JSON (v3 `string`/`indexInverted` are converted)
          - {name: title, dataType: [text], tokenization: word}
        vectorConfig: {...}       # or vectorizer / vectorIndexType / vectorIndexConfig (legacy single vector)
        invertedIndexConfig: {...}
        multiTenancyConfig: {enabled: true}
        replicationConfig: {factor: 1}
    tenants:                      # optional, per multi-tenant collection: its COMPLETE tenant list
      Article:                    #   (GET /v1/schema/Article/tenants's list, or plain names = HOT)
        - {name: acme, activityStatus: HOT}
        - globex
    aliases:                      # optional: alias -> collection (or GET /v1/aliases's {"aliases": [...]})
      News: Article

A single class object or a list of classes is accepted too. Keys left out of a class keep their live value (a new
collection gets the server's defaults); a `properties` or `vectorConfig` list, when given, is complete (a live
property missing from it is a removal). Collections and aliases the file does not name are left alone unless
`--prune`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..lint.source import SchemaSourceError, classes_of, read_document
from ..migrate.v3schema import SchemaConversionError, to_v4_json

_TOP_LEVEL = {"classes", "collections", "tenants", "aliases"}
# the tenant API's old names (Weaviate still accepts them) -> the names it answers with
_STATE_NAMES = {"ACTIVE": "HOT", "INACTIVE": "COLD", "OFFLOADED": "FROZEN"}
_STATES = ("HOT", "COLD", "FROZEN")


class DesiredStateError(ValueError):
    """The file cannot be read as a desired state (a usage error: exit 4)."""


@dataclass
class Desired:
    classes: list[dict[str, Any]]
    tenants: dict[str, dict[str, str]] = field(default_factory=dict)    # collection -> {tenant: state}
    aliases: dict[str, str] = field(default_factory=dict)               # alias -> collection
    source: str = ""


def load(path: str) -> Desired:
    try:
        document, _ = read_document(path)
    except SchemaSourceError as exc:
        raise DesiredStateError(str(exc)) from None
    return parse(document, path)


def parse(document: Any, where: str) -> Desired:
    if isinstance(document, dict) and not ({"class"} & set(document)):
        unknown = set(document) - _TOP_LEVEL
        if unknown:
            raise DesiredStateError(f"{where}: unknown top-level key(s) {sorted(unknown)}; expected "
                                    f"{sorted(_TOP_LEVEL)}")
        raw_classes: Any = document.get("classes", document.get("collections")) or []
        tenants, aliases = document.get("tenants") or {}, document.get("aliases") or {}
    else:
        raw_classes, tenants, aliases = document, {}, {}
    try:
        classes = classes_of(raw_classes, where) if raw_classes else []
        _check_classes(classes, where)
        classes = [to_v4_json(c) for c in classes]
    except (SchemaSourceError, SchemaConversionError) as exc:
        raise DesiredStateError(str(exc)) from None
    return Desired(classes, _tenants(tenants, where), _aliases(aliases, where), where)


def _check_classes(classes: list[dict[str, Any]], where: str) -> None:
    seen: set[str] = set()
    for config in classes:
        name = config["class"]
        if name.lower() in seen:
            raise DesiredStateError(f"{where}: collection {name!r} is named twice")
        seen.add(name.lower())
        props = config.get("properties", [])
        if not isinstance(props, list) or any(not isinstance(p, dict) or not isinstance(p.get("name"), str)
                                               or not isinstance(p.get("dataType", []), list) for p in props):
            raise DesiredStateError(f"{where}: {name}.properties must be a list of objects with a \"name\" (and "
                                    "a \"dataType\" list)")
        if "vectorConfig" in config and not isinstance(config["vectorConfig"], dict):
            raise DesiredStateError(f"{where}: {name}.vectorConfig must be an object (vector name -> config)")


def _tenants(raw: Any, where: str) -> dict[str, dict[str, str]]:
    if not isinstance(raw, dict):
        raise DesiredStateError(f"{where}: tenants must map a collection to its list of tenants")
    out: dict[str, dict[str, str]] = {}
    for collection, listed in raw.items():
        if not isinstance(listed, list):
            raise DesiredStateError(f"{where}: tenants.{collection} must be a list")
        states: dict[str, str] = {}
        for item in listed:
            name, state = (item, "HOT") if isinstance(item, str) else (
                (item.get("name"), item.get("activityStatus", "HOT")) if isinstance(item, dict) else (None, None))
            state = _STATE_NAMES.get(str(state).upper(), str(state).upper())
            if not isinstance(name, str) or state not in _STATES:
                raise DesiredStateError(f"{where}: tenants.{collection}: {item!r} is not a tenant name or "
                                        f"{{name, activityStatus: {'|'.join(_STATES)}}}")
            states[name] = state
        out[str(collection)] = states
    return out


def _aliases(raw: Any, where: str) -> dict[str, str]:
    if isinstance(raw, dict) and isinstance(raw.get("aliases"), list):
        raw = raw["aliases"]
    if isinstance(raw, list):
        if any(not isinstance(a, dict) or not {"alias", "class"} <= set(a) for a in raw):
            raise DesiredStateError(f"{where}: aliases as a list need {{alias, class}} entries")
        return {str(a["alias"]): str(a["class"]) for a in raw}
    if isinstance(raw, dict) and all(isinstance(v, str) for v in raw.values()):
        return {str(k): v for k, v in raw.items()}
    raise DesiredStateError(f"{where}: aliases must map an alias to a collection name")
