"""Objects as the engine stores and returns them: wire-agnostic, snake_case."""
from __future__ import annotations

import uuid as uuid_mod
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import InvalidInput


@dataclass
class ObjectWrite:
    """One object ready for the shard: properties coerced to the schema, vectors resolved to space names."""

    uuid: str                          # canonical (parse_uuid): the shard reads its bytes without parsing
    properties: dict[str, Any]
    vectors: dict[str, np.ndarray] = field(default_factory=dict)   # vector space name -> float32 1-D


@dataclass
class IncomingObject:
    """An object as a client sent it: raw property values, vectors by name and/or one unnamed vector."""

    uuid: str
    properties: dict[str, Any]
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    unnamed_vector: np.ndarray | None = None
    tenant: str = ""     # the tenant's shard it goes to ("" = the collection is not multi-tenant)


@dataclass
class StoredObject:
    """One object read back from a shard."""

    uuid: str
    properties: dict[str, Any]
    created_ms: int
    updated_ms: int
    vectors: dict[str, np.ndarray] = field(default_factory=dict)


def uuid_from_bytes(key: bytes) -> str:
    """Canonical UUID string of 16 stored bytes (what uuid.UUID(bytes=...) gives, ~6x cheaper per hit)."""
    h = key.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def uuid_to_bytes(canonical: str) -> bytes:
    """16 bytes of a canonical UUID string (one produced by this package, never raw user input)."""
    return bytes.fromhex(canonical.replace("-", ""))


def parse_uuid(value: Any) -> str:
    """Canonical lower-case UUID string, or InvalidInput in Weaviate's words."""
    if isinstance(value, uuid_mod.UUID):
        return str(value)
    if isinstance(value, str):
        try:
            return str(uuid_mod.UUID(value))
        except ValueError:
            pass
    raise InvalidInput(f"id in body must be of type uuid: \"{value}\"")
