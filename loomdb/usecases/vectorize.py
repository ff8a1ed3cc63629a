"""Vectorise on write and at query time through a class's vectorizer modules, with Weaviate's rules for the text
that is embedded (usecases/modulecomponents/vectorizer/object_texts.go; settings/base_class_settings.go):

- the class name, camel-case split ("ArticleSummary" -> "Article Summary"), when `vectorizeClassName`;
- the properties in sorted name order: exactly `properties` (sourceProperties) when set, whatever their type,
  else every text / text[] property whose module settings do not `skip` it;
- each value (a list element by element) prefixed with the split property name when `vectorizePropertyName`;
- lower-cased when the module asks for it or LOWERCASE_VECTORIZATION_INPUT is set;
- without sourceProperties and nothing collected, the class name; an empty text gives no vector.

A batch is embedded in one module call per vector space; a user-given vector wins (no call), and so does the
stored vector of an object written again with the same embedded text (replace, patch, batch upsert)."""
from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ..entities.errors import InvalidInput, UpstreamFailure
from ..entities.objects import IncomingObject, StoredObject
from ..modules.capabilities import ModuleRequest
from .module_config import NONE, ModuleLookup, VectorSource, vector_sources
from .ports import JsonObject

_TEXT_TYPES = ("text", "text[]", "string", "string[]")
_LOWERCASE_MODULES = ("text2vec-contextionary",)      # modules whose LowerCaseInput is true
_CAMEL_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+|[^A-Za-z0-9]+")


def split_camel_case(name: str) -> str:
    """fatih/camelcase.Split joined by spaces: "ArticleSummary" -> "Article Summary", "HTMLPage" -> "HTML Page"."""
    return " ".join(_CAMEL_PART.findall(name))


def _go_value(value: Any) -> list[str]:
    """A non-text value as Go's %v prints it (numbers, booleans), objects as JSON; arrays element by element."""
    if isinstance(value, list):
        return [piece for item in value for piece in _go_value(item)]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e21:
            return [str(int(value))]
        return [repr(value)]
    if isinstance(value, dict):
        return [json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)]   # as Go marshals maps
    return [str(value)]


def object_text(class_name: str, properties: Mapping[str, Any], source: VectorSource, lowercase_all: bool
                ) -> str:
    """The text Weaviate embeds for one object in one vector space ("" = no vector)."""
    lower = lowercase_all or source.module in _LOWERCASE_MODULES
    settings = source.settings
    chosen = settings.get("properties") or None
    pieces: list[str] = []
    if settings.get("vectorizeClassName", True):
        pieces.append(split_camel_case(class_name))
    collected = False
    for name in sorted(properties):
        value = properties[name]
        if value is None:
            continue
        if chosen is not None:
            if name not in chosen:
                continue
            values = [value] if isinstance(value, str) else \
                [v for v in value if isinstance(v, str)] if _is_text_list(value) else _go_value(value)
        else:
            # a property auto-schema is adding with this write has no type yet: its strings are text
            if source.data_types.get(name, "text") not in _TEXT_TYPES or source.properties.get(name, {}).get("skip"):
                continue
            values = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] \
                if isinstance(value, list) else []
        with_name = bool(source.properties.get(name, {}).get("vectorizePropertyName"))
        for text in values:
            if not text:
                continue
            collected = True
            pieces.append(f"{split_camel_case(name)} {text}" if with_name else text)
    if chosen is None and not collected and not pieces:
        pieces.append(split_camel_case(class_name))
    text = " ".join(pieces)
    return text.lower() if lower else text


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def no_vectorizer(class_name: str, search_type: str) -> str:
    """Weaviate's refusal of a text query on a class without a vectorizer (usecases/traverser)."""
    return (f"could not vectorize input for collection {class_name} with search-type {search_type}. "
            "Make sure a vectorizer module is configured for this collection")


class Vectorization:
    """The vectorizer modules of the server's classes, applied to objects and query texts."""

    def __init__(self, modules: ModuleLookup, env: Mapping[str, str] | None = None,
                 lowercase_all: bool = False, stopping: Callable[[], bool] | None = None) -> None:
        self.modules = modules
        self.env = dict(env or {})
        self.lowercase_all = lowercase_all
        self.stopping = stopping

    def request(self, headers: Mapping[str, str]) -> ModuleRequest:
        """Headers (REST headers or gRPC metadata), the server's environment and its stop flag, as modules read
        them."""
        return ModuleRequest.of(headers, self.env, self.stopping)

    def sources(self, doc: JsonObject) -> list[VectorSource]:
        return list(vector_sources(doc))

    def texts(self, doc: JsonObject, properties: Mapping[str, Any]) -> dict[str, str]:
        """Vector space -> the text embedded for these properties."""
        return {s.space: object_text(doc["class"], properties, s, self.lowercase_all) for s in self.sources(doc)}

    def fill(self, doc: JsonObject, objects: Sequence[IncomingObject], headers: Mapping[str, str]
             ) -> dict[int, str]:
        """Set the module vectors of `objects` (positions -> error for those whose vectorisation failed). Objects
        with a vector of their own for a space are left alone there. One vectorize() call per vector space for
        the whole batch."""
        sources = self.sources(doc)
        if not sources:
            return {}
        request = self.request(headers)
        errors: dict[int, str] = {}
        for source in sources:
            module = self.modules.vectorizer(source.module)
            wanted: list[tuple[int, str]] = []
            for pos, obj in enumerate(objects):
                if pos in errors or self.has_own_vector(doc, obj, source.space):
                    continue
                text = object_text(doc["class"], obj.properties, source, self.lowercase_all)
                if text:
                    wanted.append((pos, text))
            if not wanted:
                continue
            if module is None:
                message = f'vectorizer: no module with name "{source.module}" present'
                errors.update({pos: message for pos, _ in wanted})
                continue
            try:
                vectors = module.vectorize([t for _, t in wanted], source.settings, request, query=False)
            except UpstreamFailure as exc:
                errors.update({pos: exc.message for pos, _ in wanted})
                continue
            for (pos, _), vector in zip(wanted, vectors):
                objects[pos].vectors[source.space] = np.asarray(vector, dtype=np.float32)
        return errors

    def keep_unchanged(self, doc: JsonObject, obj: IncomingObject, stored: StoredObject) -> None:
        """Give `obj` the stored vector of every module space whose embedded text is the same for its properties
        as for the stored ones and that the client gave no vector for, so fill() makes no module call there
        (Weaviate's reVectorize, for replace, patch and batch upserts alike)."""
        before = self.texts(doc, stored.properties)
        for space, text in self.texts(doc, obj.properties).items():
            if space in stored.vectors and before.get(space) == text and not self.has_own_vector(doc, obj, space):
                obj.vectors[space] = stored.vectors[space]

    def query_vector(self, doc: JsonObject, space: str, texts: Sequence[str], headers: Mapping[str, str],
                     search_type: str) -> np.ndarray:
        """The element-wise mean of the query texts' vectors (one batched module call) in vector space `space`."""
        source = next((s for s in self.sources(doc) if s.space == space), None)
        module = self.modules.vectorizer(source.module) if source is not None else None
        if source is None or module is None:
            raise InvalidInput(no_vectorizer(doc["class"], search_type))
        lower = self.lowercase_all or source.module in _LOWERCASE_MODULES
        texts = [t.lower() if lower else t for t in texts]
        vectors = module.vectorize(texts, source.settings, self.request(headers), query=True)
        mean: np.ndarray = np.asarray(vectors, dtype=np.float32).mean(axis=0)
        return mean

    def has_module(self, doc: JsonObject, space: str) -> bool:
        return any(s.space == space and s.module != NONE for s in self.sources(doc))

    @staticmethod
    def has_own_vector(doc: JsonObject, obj: IncomingObject, space: str) -> bool:
        """Whether the client gave `obj` a vector for `space` (by name, or unnamed for a class with one space)."""
        if space in obj.vectors and len(obj.vectors[space]):
            return True
        single_space = len(doc.get("vectorConfig") or {}) <= 1
        return single_space and obj.unnamed_vector is not None and len(obj.unnamed_vector) > 0
