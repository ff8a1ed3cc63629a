"""Generation -> weaviate.v1.GenerativeReply: the text, the filled prompt when debug was asked for, and the
provider's metadata (usage tokens, ...) under that provider's GenerativeMetadata field."""
from __future__ import annotations

from google.protobuf import json_format
from weaviate.proto.v1 import generative_pb2

from ...entities.search import Generation


def fill_generative_reply(out: generative_pb2.GenerativeReply, generation: Generation) -> None:
    out.result = generation.text
    if generation.debug_prompt is not None:
        out.debug.full_prompt = generation.debug_prompt
    if generation.metadata is not None:
        provider = generation.module.removeprefix("generative-")
        if provider in generative_pb2.GenerativeMetadata.DESCRIPTOR.fields_by_name:
            json_format.ParseDict(dict(generation.metadata), getattr(out.metadata, provider),
                                  ignore_unknown_fields=True)
            if not out.metadata.HasField(provider):     # a provider with nothing to report still says which it is
                getattr(out.metadata, provider).SetInParent()
