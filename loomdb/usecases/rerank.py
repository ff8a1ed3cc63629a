"""The rerank step of a search (Weaviate's rank_result.go): each result's string value of one property is scored
against the query by the collection's reranker module, and the results are re-sorted by score, best first. With
group_by the groups are the results (each scored by its first object)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast

from ..entities.errors import InvalidInput
from ..entities.search import Rerank, ResultGroup, ResultObject
from ..modules.capabilities import ModuleRequest, Reranker
from .query_modules import QueryModules, class_module

RERANKER_PREFIX = "reranker-"
T = TypeVar("T")


def rerank_objects(objects: list[ResultObject], rerank: Rerank, class_doc: Mapping[str, Any],
                   modules: QueryModules, request: ModuleRequest) -> list[ResultObject]:
    """The objects re-sorted by their rerank score (set on each)."""
    scores = _scores([o.obj.properties for o in objects], rerank, class_doc, modules, request)
    for obj, score in zip(objects, scores):
        obj.rerank_score = score
    return _sorted(objects, scores)


def rerank_groups(groups: list[ResultGroup], rerank: Rerank, class_doc: Mapping[str, Any],
                  modules: QueryModules, request: ModuleRequest) -> list[ResultGroup]:
    """The groups re-sorted by the score of their first object (set on each group)."""
    scores = _scores([g.objects[0].obj.properties if g.objects else {} for g in groups], rerank, class_doc,
                     modules, request)
    for group, score in zip(groups, scores):
        group.rerank_score = score
    return _sorted(groups, scores)


def _scores(properties: Sequence[Mapping[str, Any]], rerank: Rerank, class_doc: Mapping[str, Any],
            modules: QueryModules, request: ModuleRequest) -> list[float]:
    if not properties:
        return []
    reranker, settings = _reranker(class_doc, modules)
    documents = [value if isinstance(value := props.get(rerank.property), str) else "" for props in properties]
    return reranker.rerank(rerank.query, documents, settings, request)


def _reranker(class_doc: Mapping[str, Any], modules: QueryModules) -> tuple[Reranker, Mapping[str, Any]]:
    """The collection's reranker module, else the only enabled one."""
    name, settings = class_module(class_doc, RERANKER_PREFIX)
    if name is None:
        enabled = modules.enabled_of_kind(RERANKER_PREFIX)
        if len(enabled) != 1:
            raise InvalidInput(f"rerank: no reranker module is configured for collection {class_doc['class']}"
                               if not enabled else
                               f"rerank: collection {class_doc['class']} configures no reranker module and "
                               f"several are enabled ({', '.join(enabled)})")
        name = enabled[0]
    module = modules.lookup(name)
    if module is None:
        raise InvalidInput(f"rerank: reranker module {name} is not enabled")
    return cast(Reranker, module), settings


def _sorted(items: list[T], scores: list[float]) -> list[T]:
    """Best score first; equal scores keep their search order."""
    order = sorted(range(len(items)), key=lambda i: -scores[i])
    return [items[i] for i in order]
