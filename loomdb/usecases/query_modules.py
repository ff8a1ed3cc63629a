"""What the rerank and generative steps of a search need of the modules: a module by Weaviate name, the names
of the enabled ones, and the server environment (API-key fallbacks). The composition root binds these to the
module registry; the use cases never import a module implementation."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..modules.capabilities import Module, ModuleRequest


@dataclass(frozen=True)
class QueryModules:
    lookup: Callable[[str], Module | None]          # None = unknown or not enabled
    enabled: Callable[[], Sequence[str]]
    env: Mapping[str, str] = field(default_factory=dict)
    stopping: Callable[[], bool] | None = None      # the server's stop flag, handed to every module call

    def request(self, headers: Mapping[str, str]) -> ModuleRequest:
        return ModuleRequest.of(headers, self.env, self.stopping)

    def enabled_of_kind(self, prefix: str) -> list[str]:
        """The enabled module names of one kind ("generative-", "reranker-")."""
        return [name for name in self.enabled() if name.startswith(prefix)]


def class_module(class_doc: Mapping[str, Any], prefix: str) -> tuple[str | None, Mapping[str, Any]]:
    """The collection's own module of one kind (its moduleConfig key with `prefix`) and that module's settings."""
    for name, settings in (class_doc.get("moduleConfig") or {}).items():
        if name.startswith(prefix):
            return name, settings if isinstance(settings, dict) else {}
    return None, {}


NO_MODULES = QueryModules(lambda name: None, lambda: ())
