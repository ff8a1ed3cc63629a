"""The module steps that run on a search's results, in Weaviate's order: rerank (re-sorts), then generative
(single prompts per result, the grouped task over all). With group_by the groups are the results."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..entities.search import SearchRequest, SearchResult
from .generate import generate
from .query_modules import QueryModules
from .rerank import rerank_groups, rerank_objects


def run_module_steps(result: SearchResult, request: SearchRequest, class_doc: Mapping[str, Any],
                     modules: QueryModules, headers: Mapping[str, str]) -> SearchResult:
    if request.rerank is None and request.generative is None:
        return result
    module_request = modules.request(headers)
    if request.rerank is not None:
        if result.groups is None:
            result.objects = rerank_objects(result.objects, request.rerank, class_doc, modules, module_request)
        else:
            result.groups = rerank_groups(result.groups, request.rerank, class_doc, modules, module_request)
    if request.generative is not None:
        if result.groups is None:
            singles, result.grouped_generation = generate(
                request.generative, [o.obj.properties for o in result.objects], class_doc, modules, module_request)
            for obj, generation in zip(result.objects, singles or ()):
                obj.generation = generation
        else:
            heads = [g for g in result.groups if g.objects]
            singles, result.grouped_generation = generate(
                request.generative, [g.objects[0].obj.properties for g in heads], class_doc, modules,
                module_request)
            for group, generation in zip(heads, singles or ()):
                group.generation = generation
    return result
