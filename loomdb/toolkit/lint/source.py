"""Where the classes come from: a schema export file (GET /v1/schema's document, one class JSON, or a list of
them; `-` reads stdin) or a live endpoint (its schema plus the live facts: object counts, nodes, one stored
vector's size per vector), read through the public REST API only."""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..remote import inventory
from ..remote.target import Target
from .rule import Context


class SchemaSourceError(ValueError):
    """The file is not a Weaviate schema export (a usage error)."""


@dataclass
class Loaded:
    context: Context
    label: str                  # what the report names: the file path or the endpoint
    text: str | None = None     # the file's text (annotations point at its lines)
    unreachable: bool = False


def from_file(path: str) -> Loaded:
    document, text = read_document(path)
    return Loaded(Context(classes_of(document, path)), "<stdin>" if path == "-" else path, text)


def read_document(path: str) -> tuple[Any, str]:
    """(parsed document, text) of a JSON or YAML (.yaml/.yml) file; `-` reads stdin."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text()
    except OSError as exc:
        raise SchemaSourceError(f"cannot read {path}: {exc}") from None
    try:
        document = yaml.safe_load(text) if path.endswith((".yaml", ".yml")) else json.loads(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise SchemaSourceError(f"{path} is not valid {'YAML' if path.endswith(('.yaml', '.yml')) else 'JSON'}: "
                                f"{exc}") from None
    return document, text


def classes_of(document: Any, where: str) -> list[dict[str, Any]]:
    if isinstance(document, dict) and isinstance(document.get("classes"), list):
        classes = document["classes"]
    elif isinstance(document, dict) and "class" in document:
        classes = [document]
    elif isinstance(document, list):
        classes = document
    else:
        raise SchemaSourceError(f"{where}: expected GET /v1/schema's document ({{\"classes\": [...]}}), "
                                "one class ({\"class\": ...}) or a list of classes")
    bad = [i for i, c in enumerate(classes) if not isinstance(c, dict) or not isinstance(c.get("class"), str)]
    if bad:
        raise SchemaSourceError(f"{where}: entries {bad} have no \"class\" name")
    return classes


def from_endpoint(target: Target) -> Loaded:
    with target.http() as http:
        if inventory.get(http, "/v1/.well-known/live").status == 0:
            return Loaded(Context([]), target.describe(), unreachable=True)
        classes = inventory.collections(http)
        nodes = (inventory.get(http, "/v1/nodes", output="verbose").body or {}).get("nodes") or []
        counts: dict[str, int] = {}
        for node in nodes:
            for shard in node.get("shards") or []:
                counts[shard["class"]] = counts.get(shard["class"], 0) + int(shard.get("objectCount") or 0)
        context = Context(classes, counts, len(nodes))
        for cls in classes:
            if counts.get(cls["class"]) and not (cls.get("multiTenancyConfig") or {}).get("enabled"):
                context.sampled_dims.update(_stored_dims(http, cls["class"]))
    return Loaded(context, target.describe())


def _stored_dims(http: Any, name: str) -> dict[tuple[str, str | None], int]:
    """One stored object's vector sizes (legacy `vector` and named `vectors`)."""
    reply = inventory.get(http, "/v1/objects", **{"class": name, "limit": "1", "include": "vector"})
    objects = (reply.body or {}).get("objects") or [] if reply.status == 200 else []
    if not objects:
        return {}
    found: dict[tuple[str, str | None], int] = {}
    if objects[0].get("vector"):
        found[(name, None)] = len(objects[0]["vector"])
    for vector, values in (objects[0].get("vectors") or {}).items():
        if values and not isinstance(values[0], list):          # multi-vectors have no single size
            found[(name, vector)] = len(values)
    return found


def line_of(text: str | None, collection: str | None, prop: str | None) -> int | None:
    """The 1-based line of the class (then of its property) in a JSON/YAML export, for annotations."""
    if not text or not collection:
        return None
    lines = text.splitlines()
    start = _find(lines, rf"\bclass[\"']?\s*:\s*[\"']?{re.escape(collection)}(?!\w)", 0)
    if start is None:
        return None
    if prop is None:
        return start + 1
    found = _find(lines, rf"\bname[\"']?\s*:\s*[\"']?{re.escape(prop)}(?!\w)", start)
    return (found if found is not None else start) + 1


def _find(lines: list[str], pattern: str, start: int) -> int | None:
    compiled = re.compile(pattern)
    return next((i for i in range(start, len(lines)) if compiled.search(lines[i])), None)
