"""The text forms of Weaviate values that both coercion (engine/schema/datatypes.py) and auto-schema type
inference (usecases/autoschema.py) recognise, kept in one place so a value inferred as a date or a uuid is always
one the coercion then accepts."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from .errors import InvalidInput

# Go's uuid.Parse accepts: canonical 36, 32 hex digits, {braced} and urn:uuid: forms.
UUID_FORMS = re.compile(r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                        r"|[0-9a-fA-F]{32}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                        r"[0-9a-fA-F]{12}\}|urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                        r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")
# Go's time.RFC3339 layout: upper-case T, Z or ±hh:mm, optional fraction.
STRICT_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")
_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:?\d{2})$")


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
        tzinfo = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micros, tzinfo)
    except ValueError:
        raise InvalidInput(
            f"requires a string with a RFC3339 formatted date, but the given value is '{text}'") from None


def json_kind(value: object) -> str:
    """The JSON kind of a decoded value as Go's encoding/json names it in errors (ints and floats: "number")."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    kinds: dict[type, str] = {str: "string", list: "array", dict: "object"}
    return kinds.get(type(value), "null")
