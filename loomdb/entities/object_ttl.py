"""A collection's object time-to-live as every layer reads it (the class document's `objectTtlConfig`, validated
by engine/schema/object_ttl.py): when an object expires, for the background deletion and for the queries that
hide expired objects until then (`filterExpiredObjects`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import InvalidInput
from .filters import CREATION_TIME_PROPERTY, UPDATE_TIME_PROPERTY
from .values import parse_datetime

TIMESTAMP_FIELDS = (CREATION_TIME_PROPERTY, UPDATE_TIME_PROPERTY)


@dataclass(frozen=True)
class ExpiryRule:
    """Objects expire `ttl_seconds` after `delete_on`: their creation or last-update time, or the value of a date
    property (objects without one never expire). The TTL may be negative for a date property."""

    delete_on: str
    ttl_seconds: int
    filter_expired: bool

    def expires_at_ms(self, created_ms: int, updated_ms: int, properties: dict[str, Any]) -> int | None:
        """When one object expires (epoch milliseconds), None if never."""
        if self.delete_on == CREATION_TIME_PROPERTY:
            start = created_ms
        elif self.delete_on == UPDATE_TIME_PROPERTY:
            start = updated_ms
        else:
            value = properties.get(self.delete_on)
            if not isinstance(value, str):
                return None
            try:
                start = int(parse_datetime(value).timestamp() * 1000)
            except InvalidInput:
                return None
        return start + self.ttl_seconds * 1000


def expiry_rule(doc: dict[str, Any]) -> ExpiryRule | None:
    """The rule of a class document, None when object TTL is off."""
    cfg = doc.get("objectTtlConfig")
    if not isinstance(cfg, dict) or not cfg.get("enabled"):
        return None
    return ExpiryRule(str(cfg.get("deleteOn") or ""), int(cfg.get("defaultTtl") or 0),
                      bool(cfg.get("filterExpiredObjects")))
