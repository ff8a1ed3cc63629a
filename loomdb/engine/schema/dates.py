"""RFC 3339 dates <-> integer microseconds, the sortable form dates take in filter columns."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from ...entities.errors import InvalidInput

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:?\d{2})$")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_datetime(text: str) -> datetime:
    """Aware datetime from RFC 3339 (Z or offset, any number of fraction digits); InvalidInput otherwise."""
    m = _RFC3339.match(text.strip()) if isinstance(text, str) else None
    if not m:
        raise InvalidInput(f"requires a string with a RFC3339 formatted date, but the given value is '{text}'")
    year, month, day, hour, minute, second, frac, tz = m.groups()
    micros = int((frac or "0")[:6].ljust(6, "0"))
    if tz in ("Z", "z"):
        tzinfo = timezone.utc
    else:
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        from datetime import timedelta
        tzinfo = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micros, tzinfo)
    except ValueError:
        raise InvalidInput(
            f"requires a string with a RFC3339 formatted date, but the given value is '{text}'") from None


def to_micros(text: str) -> int:
    """Microseconds since the epoch (UTC) of an RFC 3339 string."""
    delta = parse_datetime(text) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
