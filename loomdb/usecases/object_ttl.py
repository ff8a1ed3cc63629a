"""Object TTL at query time: with `filterExpiredObjects`, Weaviate drops expired objects that the background
deletion has not removed yet from search results (usecases/traverser explorer keepObjectsWithTTL), after the
search, so a page can come back shorter than its limit. Aggregations and REST reads by id still see them."""
from __future__ import annotations

import time
from typing import Any

from ..entities.object_ttl import expiry_rule
from ..entities.search import ResultObject


def unexpired(doc: dict[str, Any], objects: list[ResultObject], now_ms: int | None = None) -> list[ResultObject]:
    """`objects` without those expired at `now_ms` (default: now) when the class document asks for it."""
    rule = expiry_rule(doc)
    if rule is None or not rule.filter_expired:
        return objects
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms

    def alive(o: ResultObject) -> bool:
        at = rule.expires_at_ms(o.obj.created_ms, o.obj.updated_ms, o.obj.properties)
        return at is None or at > now_ms
    return [o for o in objects if alive(o)]
