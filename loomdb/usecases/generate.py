"""The generative step of a search (Weaviate's generative.go and generate_result.go): a single prompt per result
with `{property}` placeholders filled from that result, and/or one grouped task over all results. With group_by
the groups are the results (each represented by its first object)."""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

from ..entities.errors import InvalidInput, LoomError
from ..entities.search import Generation, GenerativeSearch, GroupedTask, ProviderChoice, SinglePrompt
from ..modules.capabilities import Generative, ModuleRequest
from .query_modules import QueryModules, class_module

GENERATIVE_PREFIX = "generative-"
MAX_CONCURRENT_SINGLE = 10      # Weaviate's maximumNumberOfGoroutines for single prompts
NO_GENERATIVE_MODULE = ("no results for generative search despite a search request. "
                        "Is a generative module enabled?")
_PLACEHOLDER = re.compile(r"{([\w\s]*?)}", re.ASCII)     # Go's RE2 \w and \s are ASCII
# what goes into prompts: every stored value but blobs (images) and references
_PROMPT_TYPES = {"text", "text[]", "int", "int[]", "number", "number[]", "boolean", "boolean[]", "date",
                    "date[]", "uuid", "uuid[]", "geoCoordinates", "phoneNumber", "object", "object[]"}


def generate(search: GenerativeSearch, properties: Sequence[Mapping[str, Any]], class_doc: Mapping[str, Any],
             modules: QueryModules, request: ModuleRequest) -> tuple[list[Generation] | None, Generation | None]:
    """(one generation per result for a single prompt, else None; the grouped task's generation, else None).
    `properties` = each result's stored properties, in result order."""
    types = {p["name"]: p["dataType"][0] for p in class_doc.get("properties") or []}
    keep = search.errors_in_results
    singles = None
    if search.single is not None and properties:
        singles = _singles(search.single, [_texts(p, types, None) for p in properties],
                           [_images(search.single.provider, [p]) for p in properties], class_doc, modules,
                           request, keep)
    grouped = None
    if search.grouped is not None and properties:
        listed = _grouped_properties(search.grouped)
        grouped = _grouped(search.grouped, [_texts(p, types, listed) for p in properties],
                           _images(search.grouped.provider, properties), class_doc, modules, request, keep)
    return singles, grouped


def _singles(single: SinglePrompt, texts: list[dict[str, str]], images: list[list[str]],
             class_doc: Mapping[str, Any], modules: QueryModules, request: ModuleRequest, keep_errors: bool
             ) -> list[Generation]:
    module, settings = _generative(single.provider, class_doc, modules)

    def one(position: int) -> Generation:
        return _run(module, lambda: single_prompt(single.prompt, texts[position]), images[position], settings,
                    single.provider, single.debug, request, keep_errors)
    if len(texts) == 1:
        return [one(0)]
    with ThreadPoolExecutor(max_workers=min(MAX_CONCURRENT_SINGLE, len(texts))) as pool:
        return list(pool.map(one, range(len(texts))))


def _grouped(grouped: GroupedTask, texts: list[dict[str, str]], images: list[str], class_doc: Mapping[str, Any],
             modules: QueryModules, request: ModuleRequest, keep_errors: bool) -> Generation:
    module, settings = _generative(grouped.provider, class_doc, modules)
    return _run(module, lambda: task_prompt(grouped.task, texts), images, settings, grouped.provider,
                grouped.debug, request, keep_errors)


def _grouped_properties(grouped: GroupedTask) -> tuple[str, ...]:
    """The properties a grouped task lists: Weaviate adds the provider's image properties to the task's own, so
    a task that names only image properties lists no text (blobs never go into prompts)."""
    image_properties = grouped.provider.image_properties if grouped.provider is not None else ()
    return image_properties + grouped.properties


def _images(provider: ProviderChoice | None, properties: Sequence[Mapping[str, Any]]) -> list[str]:
    """What goes with a prompt as images: the stored base64 value of each image property of each object the
    prompt is about (in that order), then the images given with the request."""
    if provider is None:
        return []
    stored = [p[name] for p in properties for name in provider.image_properties if isinstance(p.get(name), str)]
    return stored + list(provider.images)


def _run(module: Generative, prompt_of: Callable[[], str], images: Sequence[str], settings: Mapping[str, Any],
         provider: ProviderChoice | None, debug: bool, request: ModuleRequest, keep_errors: bool) -> Generation:
    """One generation; its prompt built here, so a prompt that cannot be filled fails this generation alone
    (Weaviate fills it inside the provider call) when errors are kept in the results."""
    try:
        prompt = prompt_of()
        generated = module.generate(prompt, settings, provider.options if provider is not None else {}, request,
                                    images)
    except LoomError as exc:
        if not keep_errors:
            raise
        return Generation("", module.name, error=exc.message)
    metadata = generated.metadata if provider is not None and provider.return_metadata else None
    return Generation(generated.text, module.name, metadata, prompt if debug else None)


def _generative(provider: ProviderChoice | None, class_doc: Mapping[str, Any], modules: QueryModules
                ) -> tuple[Generative, Mapping[str, Any]]:
    """The provider named in the request, else the collection's generative module, else the only enabled one;
    with the collection's settings for that module (empty when the collection configures another)."""
    own, settings = class_module(class_doc, GENERATIVE_PREFIX)
    if provider is not None:
        name = provider.module
    elif own is not None:
        name = own
    else:
        enabled = modules.enabled_of_kind(GENERATIVE_PREFIX)
        if not enabled:
            raise InvalidInput(NO_GENERATIVE_MODULE)
        if len(enabled) > 1:
            raise InvalidInput("client not found, empty provider")
        name = enabled[0]
    module = modules.lookup(name)
    if module is None:
        raise InvalidInput(f"client not found for provider: {name}")
    return cast(Generative, module), settings if name == own else {}


def single_prompt(prompt: str, texts: Mapping[str, str]) -> str:
    """Every `{property}` replaced by the result's value; a missing or empty one is Weaviate's error."""
    for match in _PLACEHOLDER.finditer(prompt):
        name = match.group(1).strip()
        value = texts.get(name, "")
        if value == "":
            raise InvalidInput(f"Following property has empty value: '{name}'. Make sure you spell the property "
                               "name correctly, verify that the property exists and has a value")
        prompt = prompt.replace(match.group(0), value)
    return prompt


def task_prompt(task: str, texts: Sequence[Mapping[str, str]]) -> str:
    """The task with placeholders filled from the first result that has the property (else the bare name),
    then ": " and the results' properties as a JSON array (results without any left out)."""
    def fill(match: re.Match[str]) -> str:
        name = match.group(0).strip("{}")
        return next((t[name] for t in texts if name in t), name)
    listed = [dict(sorted(t.items())) for t in texts if t]
    return f"{_PLACEHOLDER.sub(fill, task)}: {_go_json(listed)}"


def _texts(properties: Mapping[str, Any], types: Mapping[str, str], only: Sequence[str] | None) -> dict[str, str]:
    """A result's properties as prompt text (blobs and references left out, nil values dropped)."""
    return {name: _text(value) for name, value in properties.items()
            if value is not None and types.get(name) in _PROMPT_TYPES
            and (not only or name in only)}


def _text(value: Any) -> str:
    """Go's %v for primitives, JSON for arrays, objects, geo coordinates and phone numbers."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    if isinstance(value, (list, dict)):
        return _go_json(value)
    return str(value)


def _go_json(value: Any) -> str:
    """Go's json.Marshal: compact, map keys sorted, <, > and & escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
