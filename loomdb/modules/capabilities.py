"""What a Weaviate module does for loomdb, as small protocols (DESIGN.md: modules are called through capability
interfaces). The use cases own Weaviate's rules (which text is embedded, prompts, when to rerank); a module only
talks to its model or provider. Modules depend on `entities` only, never on the engine, server or use cases."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

Settings = Mapping[str, Any]     # a module's block of the class config (defaults filled), or per-request options


@dataclass(frozen=True)
class ModuleRequest:
    """What one request hands a module: its headers (names lower-cased: REST headers and gRPC metadata alike,
    e.g. "x-openai-api-key"), the server's environment (API-key fallbacks such as OPENAI_APIKEY), and whether the
    server is stopping (a long model call checks it between runs and gives up with ShuttingDown)."""
    headers: Mapping[str, str] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)
    stopping: Callable[[], bool] = field(default=lambda: False)

    @classmethod
    def of(cls, headers: Mapping[str, str], env: Mapping[str, str],
           stopping: Callable[[], bool] | None = None) -> ModuleRequest:
        """A request's headers as given (REST or gRPC, any case), the server's environment and its stop flag."""
        return cls({name.lower(): value for name, value in headers.items()}, env,
                   stopping if stopping is not None else (lambda: False))

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class Module(Protocol):
    name: str                   # Weaviate's module name, e.g. "text2vec-openai"

    def meta(self) -> dict[str, Any]:
        """This module's entry under /v1/meta "modules"."""
        ...


class Vectorizer(Module, Protocol):
    def class_defaults(self) -> dict[str, Any]:
        """Settings Weaviate writes into the class config on create (ClassConfigDefaults)."""
        ...

    def property_defaults(self) -> dict[str, Any]:
        """Settings Weaviate writes into every property's moduleConfig on create (PropertyConfigDefaults)."""
        ...

    def validate(self, settings: Settings) -> None:
        """Refuse settings this module cannot use (InvalidInput with Weaviate's text)."""
        ...

    def vectorize(self, texts: Sequence[str], settings: Settings, request: ModuleRequest, *, query: bool
                  ) -> np.ndarray:
        """One float32 row per text, in one model/provider call where the provider allows (batched).
        `query` selects the query-side model or input type (Cohere search_query, transformers task_type).
        Raises UpstreamFailure with the provider's text when the provider refuses or fails."""
        ...


class Reranker(Module, Protocol):
    def rerank(self, query: str, documents: Sequence[str], settings: Settings, request: ModuleRequest
               ) -> list[float]:
        """One relevance score per document, in the documents' order."""
        ...


@dataclass(frozen=True)
class Generated:
    """One generation: the text, and the provider's metadata (usage tokens, ...) when asked for."""
    text: str
    metadata: dict[str, Any] | None = None
    debug_prompt: str | None = None


class Generative(Module, Protocol):
    def generate(self, prompt: str, settings: Settings, options: Settings, request: ModuleRequest,
                 images: Sequence[str] = ()) -> Generated:
        """Generate for a prompt already filled by the use case. `settings` = the class's moduleConfig block,
        `options` = the request's per-call provider options (they win over settings)."""
        ...


class NotConfigured(Exception):
    """A module's required setting is missing (e.g. BACKUP_FILESYSTEM_PATH): refused at start when ENABLE_MODULES
    names the module (Weaviate's module init fails the same way), left out of loomdb's default set otherwise."""


class BackupBackend(Module, Protocol):
    """Where backups live (backup-filesystem, backup-s3). Keys are '/'-separated paths under one backup id; the use
    case owns the layout, checksums and Weaviate's rules, a backend only stores and fetches bytes."""

    def home(self, backup_id: str) -> str:
        """The backup's location as Weaviate reports it in "path" (a directory, or s3://bucket/root/id)."""
        ...

    def put_file(self, backup_id: str, key: str, source: Path, chunk_size: int) -> None:
        """Store the local file `source` (the backend may move it away) durably under `key`."""
        ...

    def put_bytes(self, backup_id: str, key: str, data: bytes) -> None: ...

    def get_bytes(self, backup_id: str, key: str) -> bytes | None:
        """The object's bytes, or None when there is no such object."""
        ...

    def get_file(self, backup_id: str, key: str, dest: Path, chunk_size: int) -> None:
        """Write the object to the local file `dest`; FileNotFoundError when it is missing."""
        ...

    def backup_ids(self) -> list[str]:
        """Every backup id with anything stored under it."""
        ...

    def delete(self, backup_id: str) -> None:
        """Remove everything stored under `backup_id` (a cancelled backup's partial files)."""
        ...
