"""Beacons: `weaviate://localhost/<Class>/<uuid>` (or the short `weaviate://localhost/<uuid>`), parsed with the
error texts of Weaviate's entities/schema/crossref (Parse, ParseSource) so clients see the same messages.

Stored form is always canonical: `weaviate://localhost/<Class>/<lower-case uuid>`.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from .errors import InvalidInput

_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
_CANONICAL = re.compile(r"^weaviate://localhost/(?:([^/]+)/)?([0-9a-f-]{36})$")
PEER = "localhost"


class Beacon:
    """A parsed target beacon."""

    __slots__ = ("peer", "collection", "uuid")

    def __init__(self, peer: str, collection: str, uuid: str) -> None:
        self.peer = peer
        self.collection = collection      # "" when the beacon has no class segment
        self.uuid = uuid

    @property
    def local(self) -> bool:
        return self.peer == PEER


def _canon_uuid(text: str) -> str:
    digits = text.replace("-", "").lower()
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def parse(text: object) -> Beacon:
    """crossref.Parse: InvalidInput("invalid cref URI: ...") on a malformed beacon."""
    if not isinstance(text, str):
        raise InvalidInput(f"invalid cref URI: beacon must be a string, but got {type(text).__name__}")
    try:
        uri = urlsplit(text)
    except ValueError as exc:
        raise InvalidInput(f"invalid cref URI: {exc}") from None
    if not uri.path:
        raise InvalidInput("invalid cref URI: %!s(<nil>)")      # Go prints the nil error this way
    segments = uri.path.split("/")
    if len(segments) == 3:
        cls, uid, idx = segments[1], segments[2], 2
    elif len(segments) == 2:
        cls, uid, idx = "", segments[1], 1
    else:
        raise InvalidInput(f"invalid cref URI: path must be of format '<class>/<uuid>', but got '{uri.path}'")
    if not _UUID.match(uid):
        raise InvalidInput(f"invalid cref URI: {idx}nd path segment must be uuid, but got '{uid}'")
    return Beacon(uri.netloc, cls, _canon_uuid(uid))


def parse_source(text: object) -> tuple[str, str, str, str]:
    """crossref.ParseSource for `/v1/batch/references` "from": (peer, class, uuid, property)."""
    if not isinstance(text, str):
        raise InvalidInput("invalid cref URI: source must be a string")
    try:
        uri = urlsplit(text)
    except ValueError as exc:
        raise InvalidInput(f"invalid cref URI: {exc}") from None
    segments = uri.path.split("/")
    if len(segments) != 4:
        raise InvalidInput("invalid cref URI: must use long-form: path must be of format "
                           f"'/<className>/<uuid>/<propertyName>', but got '{uri.path}'")
    if not _UUID.match(segments[2]):
        raise InvalidInput(f"invalid cref URI: 2nd path segment must be uuid, but got '{segments[3]}'")
    cls, prop = segments[1], segments[3]
    if not cls:
        raise InvalidInput("className cannot be empty")
    if cls[0].islower():
        raise InvalidInput(f"className must start with an uppercase letter, but got {cls}")
    if not prop:
        raise InvalidInput("property cannot be empty")
    return uri.netloc, cls, _canon_uuid(segments[2]), prop


def canonical(collection: str, uuid: str) -> str:
    return f"weaviate://{PEER}/{collection}/{uuid}"


def split_canonical(text: str) -> tuple[str | None, str | None]:
    """(collection, uuid) of a stored (canonical) beacon; (None, None) when it is not one."""
    m = _CANONICAL.match(text or "")
    if m is None:
        return None, None
    return m.group(1), m.group(2)
