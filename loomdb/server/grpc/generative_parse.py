"""weaviate.v1 Rerank / GenerativeSearch -> entities: the rerank step, the single prompt and grouped task, and a
request's GenerativeProvider as a module name with its options under the class config's (camelCase) names."""
from __future__ import annotations

from typing import Any

from weaviate.proto.v1 import generative_pb2, search_get_pb2

from ...entities.errors import InvalidInput
from ...entities.search import GenerativeSearch, GroupedTask, ProviderChoice, Rerank, SinglePrompt

_IMAGE_FIELDS = ("images", "image_properties")
_RENAMED = {"base_url": "baseURL"}      # the one option whose config name is not plain camelCase


def parse_rerank(pb: search_get_pb2.Rerank) -> Rerank:
    return Rerank(pb.property, pb.query if pb.HasField("query") else "")


def parse_generative(pb: generative_pb2.GenerativeSearch) -> GenerativeSearch:
    """The current `single` / `grouped` blocks, or the deprecated fields clients send to servers < 1.27.14."""
    single = grouped = None
    if pb.HasField("single"):
        single = SinglePrompt(pb.single.prompt, pb.single.debug, _provider(pb.single.queries))
    elif pb.single_response_prompt:
        single = SinglePrompt(pb.single_response_prompt)
    if pb.HasField("grouped"):
        g = pb.grouped
        grouped = GroupedTask(g.task, tuple(g.properties.values) if g.HasField("properties") else (), g.debug,
                              _provider(g.queries))
    elif pb.grouped_response_task:
        grouped = GroupedTask(pb.grouped_response_task, tuple(pb.grouped_properties))
    return GenerativeSearch(single, grouped)


def _provider(queries) -> ProviderChoice | None:
    if not queries:
        return None
    if len(queries) > 1:
        raise InvalidInput("only one generative provider can be given per generative query")
    query = queries[0]
    kind = query.WhichOneof("kind")
    if kind is None:
        return None
    message = getattr(query, kind)
    return ProviderChoice(f"generative-{kind}", _options(message), query.return_metadata,
                          _text_array(message, "images"), _text_array(message, "image_properties"))


def _text_array(message, name: str) -> tuple[str, ...]:
    """A provider's images / image_properties (providers without images have neither field)."""
    if name not in message.DESCRIPTOR.fields_by_name or not message.HasField(name):
        return ()
    return tuple(getattr(message, name).values)


def _options(message) -> dict[str, Any]:
    """The provider message's set fields, renamed to the class config's keys (max_tokens -> maxTokens)."""
    options: dict[str, Any] = {}
    for field, value in message.ListFields():
        if field.name in _IMAGE_FIELDS:         # ProviderChoice.images / image_properties
            continue
        if field.type == field.TYPE_MESSAGE:        # TextArray
            value = list(value.values)
        elif field.type == field.TYPE_ENUM:         # e.g. REASONING_EFFORT_LOW -> "low"
            value = field.enum_type.values_by_number[value].name.rsplit("_", 1)[-1].lower()
        options[_RENAMED.get(field.name) or _camel(field.name)] = value
    return options


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)
