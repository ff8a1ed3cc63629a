"""A class's module configuration, checked and completed through the module registry before the engine sees it
(Weaviate: usecases/modules/module_config_init_and_validate.go, usecases/schema validation). The engine knows
nothing of modules: it stores what this layer hands it.

On create: an unknown or not enabled vectorizer is refused with Weaviate's text; each vectorizer's
ClassConfigDefaults are merged under the user's settings and its PropertyConfigDefaults written into every
property's moduleConfig; DEFAULT_VECTORIZER_MODULE applies to a class created without any vector configuration;
the module validates its settings; and ValidateIndexState's rule (something must be vectorizable) holds."""
from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from ..entities.errors import InvalidInput
from ..modules.capabilities import Vectorizer
from .ports import JsonObject

NONE = "none"
LEGACY_SPACE = "default"     # the vector space name of a class-level (legacy) vector
_TEXT_TYPES = ("text", "text[]", "string", "string[]")
NOT_VECTORIZABLE = (
    "invalid properties: didn't find a single property which is of type string or text and is not excluded from "
    "indexing. In addition the class name is excluded from vectorization as well, meaning that it cannot be used "
    "to determine the vector position. To fix this, set 'vectorizeClassName' to true if the class name is "
    "contextionary-valid. Alternatively add at least contextionary-valid text/string property which is not "
    "excluded from indexing")


class ModuleLookup(Protocol):
    """What the use cases need of the module registry."""

    default_vectorizer: str

    def vectorizer(self, name: str) -> Vectorizer | None: ...


@dataclass(frozen=True)
class VectorSource:
    """One vector space of a class that a module fills: the module, its settings (defaults filled) and each
    property's settings for that module."""

    space: str
    module: str
    settings: dict[str, Any]
    properties: dict[str, dict[str, Any]]     # property name -> {skip, vectorizePropertyName}
    data_types: dict[str, str]                # property name -> its first dataType


def vector_sources(doc: JsonObject) -> Iterator[VectorSource]:
    """The module-filled vector spaces of a stored class document (named vectors, or the legacy vector)."""
    props = doc.get("properties") or []
    types = {p["name"]: (p.get("dataType") or [""])[0] for p in props}

    def per_property(module: str) -> dict[str, dict[str, Any]]:
        return {p["name"]: ((p.get("moduleConfig") or {}).get(module) or {}) for p in props}

    if doc.get("vectorConfig"):
        for space, cfg in doc["vectorConfig"].items():
            module, settings = next(iter((cfg.get("vectorizer") or {NONE: {}}).items()))
            if module != NONE:
                yield VectorSource(space, module, settings or {}, per_property(module), types)
    elif doc.get("vectorizer", NONE) != NONE:
        module = doc["vectorizer"]
        yield VectorSource(LEGACY_SPACE, module, (doc.get("moduleConfig") or {}).get(module) or {},
                           per_property(module), types)


class ModuleConfig:
    def __init__(self, modules: ModuleLookup) -> None:
        self.modules = modules

    def prepare_class(self, body: JsonObject) -> JsonObject:
        """The create body with its module configuration checked and defaults written (a copy)."""
        if not isinstance(body, dict):
            return body                       # the engine's own validation answers
        body = copy.deepcopy(body)
        given = body.get("properties")
        props: list[JsonObject] = [p for p in given if isinstance(p, dict)] if isinstance(given, list) else []
        modules: list[tuple[str, Vectorizer, dict[str, Any]]] = []     # (module, vectorizer, its settings)
        named = body.get("vectorConfig")
        if isinstance(named, dict) and named:
            modules = [m for space, cfg in named.items() if (m := self._named_vector(space, cfg)) is not None]
        else:
            name = body.get("vectorizer") or self.modules.default_vectorizer
            if isinstance(name, str) and name != NONE:
                module = self._module(name, "")
                body["vectorizer"] = name
                config = body["moduleConfig"] = dict(body.get("moduleConfig") or {})
                config[name] = {**module.class_defaults(), **(config.get(name) or {})}
                modules.append((name, module, config[name]))
        _client_property_keys(props, [name for name, _, _ in modules])
        for name, module, settings in modules:
            self._property_defaults(props, name, module)
            try:
                module.validate(settings)
            except InvalidInput as exc:
                raise InvalidInput(f"module '{name}': {exc.message}") from None
            _check_vectorizable(name, settings, props)
        return body

    def prepare_update(self, doc: JsonObject, body: JsonObject) -> JsonObject:
        """PUT /v1/schema/{C} (config.add_vector): a named vector new to the class is checked and defaulted as on
        create; the existing ones are the engine's to compare (their vectorizer is immutable)."""
        named = body.get("vectorConfig") if isinstance(body, dict) else None
        if not isinstance(named, dict):
            return body
        body = copy.deepcopy(body)
        existing = doc.get("vectorConfig") or {}
        for space, cfg in body["vectorConfig"].items():
            if space not in existing and (added := self._named_vector(space, cfg)) is not None:
                name, module, settings = added
                try:
                    module.validate(settings)
                except InvalidInput as exc:
                    raise InvalidInput(f"module '{name}': {exc.message}") from None
        return body

    def _named_vector(self, space: str, cfg: Any) -> tuple[str, Vectorizer, dict[str, Any]] | None:
        """A named vector's module with its class defaults written into `cfg` (None: self-provided, or a
        malformed vectorizer the engine refuses with its own text)."""
        vectorizer = cfg.get("vectorizer") if isinstance(cfg, dict) else None
        if not isinstance(vectorizer, dict) or len(vectorizer) != 1:
            return None
        name, settings = next(iter(vectorizer.items()))
        if name == NONE:
            return None
        module = self._module(name, f'target vector "{space}": ')
        vectorizer[name] = {**module.class_defaults(), **(settings or {})}
        return name, module, vectorizer[name]

    def prepare_property(self, doc: JsonObject, prop: JsonObject) -> JsonObject:
        """A property added to an existing class gets each of the class's vectorizers' property defaults."""
        prop = copy.deepcopy(prop)
        sources = list(vector_sources(doc))
        _client_property_keys([prop], [s.module for s in sources])
        for source in sources:
            module = self.modules.vectorizer(source.module)
            if module is not None:
                self._property_defaults([prop], source.module, module)
        return prop

    def _module(self, name: str, where: str) -> Vectorizer:
        module = self.modules.vectorizer(name)
        if module is None:
            raise InvalidInput(f'{where}vectorizer: no module with name "{name}" present')
        return module

    @staticmethod
    def _property_defaults(props: list[JsonObject], name: str, module: Vectorizer) -> None:
        defaults = module.property_defaults()
        if not defaults:
            return
        for prop in props:
            config = prop["moduleConfig"] = dict(prop.get("moduleConfig") or {})
            config[name] = {**defaults, **(config.get(name) or {})}


def _client_property_keys(props: list[JsonObject], modules: list[str]) -> None:
    """The client's named-vector API sends `skip_vectorization` / `vectorize_property_name` as raw property keys
    (Weaviate ignores them). loomdb honours skip_vectorization, which is what the user asked for, and drops
    vectorize_property_name: the client sends True by default, and honouring it would change every embedded
    text compared with Weaviate's."""
    for prop in props:
        skip = prop.pop("skip_vectorization", None)
        prop.pop("vectorize_property_name", None)
        if skip:
            config = prop["moduleConfig"] = dict(prop.get("moduleConfig") or {})
            for name in modules:
                config[name] = {"skip": True, **(config.get(name) or {})}


def _check_vectorizable(module: str, settings: dict[str, Any], props: list[JsonObject]) -> None:
    """ValidateIndexState: the class name, or at least one text property that is not skipped, is embedded."""
    if settings.get("vectorizeClassName", True):
        return
    chosen = settings.get("properties")
    for prop in props:
        if (prop.get("dataType") or [""])[0] not in _TEXT_TYPES:
            continue
        if (prop.get("name") in chosen) if chosen else \
                not ((prop.get("moduleConfig") or {}).get(module) or {}).get("skip"):
            return
    raise InvalidInput(f"module '{module}': {NOT_VECTORIZABLE}")
