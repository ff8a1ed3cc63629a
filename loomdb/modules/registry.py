"""Modules by Weaviate module name: which exist in this loomdb (`FACTORIES`), which are enabled (ENABLE_MODULES,
or loomdb's default set), and what /v1/meta lists for them.

Weaviate enables nothing unless ENABLE_MODULES names it; loomdb wants near_text to work out of the box, so with
ENABLE_MODULES unset every bundled module whose dependencies are installed is enabled (an optional extra that is
missing makes its factory raise ImportError: that module is then simply absent), except Weaviate's test modules
(`*-dummy`). With ENABLE_MODULES set, exactly the named modules are enabled, as in Weaviate; a name loomdb cannot
serve is refused at start with the reason (a setting we do not honour is never ignored)."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

from .backup_filesystem import FilesystemBackend
from .backup_s3 import S3Backend
from .capabilities import BackupBackend, Module, NotConfigured, Vectorizer
from .generative import GENERATIVES
from .rerankers import RERANKERS
from .text2vec_api import VECTORIZERS
from .text2vec_openai import OpenAIVectorizer
from .text2vec_transformers import MODULE_NAMES as LOCAL_MODEL_NAMES
from .text2vec_transformers import make_vectorizer as make_local_vectorizer

log = logging.getLogger("loomdb.modules")

# Weaviate module name -> factory. One line per module; a factory may raise ImportError when its extra is missing.
FACTORIES: dict[str, Callable[[], Module]] = {
    "text2vec-openai": OpenAIVectorizer,
    **{name: partial(make_local_vectorizer, name) for name in LOCAL_MODEL_NAMES},
    **VECTORIZERS,
    **RERANKERS,
    **GENERATIVES,
}

# Backup backends are configured by the environment (BACKUP_*, AWS_*): name -> factory(environment). A backend whose
# required variable is unset is NotConfigured: absent from the default set, refused when ENABLE_MODULES names it.
BACKUP_FACTORIES: dict[str, Callable[[Mapping[str, str]], Module]] = {
    "backup-filesystem": FilesystemBackend.from_env,
    "backup-s3": S3Backend.from_env,
}


# Weaviate modules loomdb knows of but cannot run: ENABLE_MODULES naming one is refused with the reason.
NOT_AVAILABLE = {
    "reranker-transformers": "no packaged cross-encoder model exists to run offline; use reranker-cohere, "
                             "reranker-voyageai or reranker-jinaai",
    "text2vec-aws": "AWS SigV4 request signing is not built yet",
    "backup-gcs": "Google Cloud Storage backups are not built; use backup-s3 (GCS serves the S3 API through its "
                  "interoperability endpoint) or backup-filesystem",
    "backup-azure": "Azure Blob Storage backups are not built; use backup-s3 or backup-filesystem",
}


def _default_set(factories: dict[str, Callable[[], Module]]) -> list[str]:
    """Every bundled module but Weaviate's test modules (generative-dummy, reranker-dummy)."""
    return [name for name in factories if not name.endswith("-dummy")]


class ModuleRegistry:
    """The enabled modules of one server, built once at start-up."""

    def __init__(self, enabled: Iterable[str] | None = None, default_vectorizer: str = "none",
                 factories: dict[str, Callable[[], Module]] | None = None,
                 env: Mapping[str, str] | None = None) -> None:
        if factories is None:
            factories = {**FACTORIES, **{name: partial(make, env or {}) for name, make in BACKUP_FACTORIES.items()}}
        self._modules: dict[str, Module] = {}
        for name in (_default_set(factories) if enabled is None else enabled):
            factory = factories.get(name)
            if factory is None:
                reason = NOT_AVAILABLE.get(name, "loomdb has no such module")
                raise ValueError(f"ENABLE_MODULES names {name}, which is not available in loomdb: {reason} "
                                 f"(available: {', '.join(sorted(factories))})")
            try:
                self._modules[name] = factory()
            except (ImportError, NotConfigured) as exc:
                if enabled is not None:
                    raise ValueError(f"module {name} is enabled but cannot load: {exc}") from None
                log.info("module %s not enabled: %s", name, exc)
        self.default_vectorizer = default_vectorizer or "none"

    def get(self, name: str) -> Module | None:
        return self._modules.get(name)

    def vectorizer(self, name: str) -> Vectorizer | None:
        """The enabled module `name` if it vectorises text (has `vectorize`), else None."""
        module = self._modules.get(name)
        return module if module is not None and hasattr(module, "vectorize") else None  # type: ignore[return-value]

    def backup_backend(self, name: str) -> BackupBackend | None:
        """The enabled module `name` if it stores backups, else None."""
        module = self._modules.get(name)
        return module if module is not None and hasattr(module, "put_file") else None  # type: ignore[return-value]

    def names(self) -> list[str]:
        return sorted(self._modules)

    def meta(self) -> dict[str, Any]:
        """/v1/meta "modules": each enabled module's meta by name."""
        return {name: self._modules[name].meta() for name in self.names()}
