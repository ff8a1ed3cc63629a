"""RFC 3339 dates -> integer microseconds, the sortable form dates take in filter columns."""
from __future__ import annotations

from datetime import datetime, timezone

from ...entities.values import parse_datetime

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def to_micros(text: str) -> int:
    """Microseconds since the epoch (UTC) of an RFC 3339 string."""
    delta = parse_datetime(text) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
