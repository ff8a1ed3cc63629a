"""After a copy: the same number of objects per class/tenant on both sides (aggregate through the official client),
and a sample of objects read back from both through REST, compared property by property and vector by vector."""
from __future__ import annotations

from typing import Any

import httpx
import numpy as np

VECTOR_RTOL = 1e-6


def count(client: Any, name: str, tenant: str | None) -> int:
    collection = client.collections.use(name)
    if tenant:
        collection = collection.with_tenant(tenant)
    return int(collection.aggregate.over_all(total_count=True).total_count or 0)


def fetch(http: httpx.Client, name: str, uuid: str, tenant: str | None) -> dict[str, Any] | None:
    params = {"include": "vector", **({"tenant": tenant} if tenant else {})}
    reply = http.get(f"/v1/objects/{name}/{uuid}", params=params)
    return reply.json() if reply.status_code == 200 else None


def first_ids(http: httpx.Client, name: str, tenant: str | None, n: int) -> list[str]:
    """Ids to compare when this run copied nothing of a stream (a resumed copy found it done)."""
    params: dict[str, Any] = {"class": name, "limit": n, **({"tenant": tenant} if tenant else {})}
    reply = http.get("/v1/objects", params=params)
    return [o["id"] for o in reply.json().get("objects") or []] if reply.status_code == 200 else []


def differences(source: dict[str, Any], copied: dict[str, Any] | None) -> list[str]:
    """The fields and vectors in which the copy differs from the source (empty when equal)."""
    if copied is None:
        return ["missing on the destination"]
    out = []
    theirs = copied.get("properties") or {}
    for key, value in (source.get("properties") or {}).items():
        if _normalise(value) != _normalise(theirs.get(key)):
            out.append(f"property {key}")
    out.extend(f"property {key} (extra)" for key in set(theirs) - set(source.get("properties") or {})
               if theirs[key] not in (None, []))
    mine_vectors = _vectors(source)
    their_vectors = _vectors(copied)
    for vector_name, vector in mine_vectors.items():
        other = their_vectors.get(vector_name)
        if other is None or np.shape(other) != np.shape(vector) or not np.allclose(
                np.asarray(other, dtype=np.float64), np.asarray(vector, dtype=np.float64), rtol=VECTOR_RTOL,
                atol=1e-7):
            out.append(f"vector {vector_name or 'default'}")
    return out


def _vectors(obj: dict[str, Any]) -> dict[str, Any]:
    named = dict(obj.get("vectors") or {})
    if obj.get("vector") and not named:
        named[""] = obj["vector"]
    return named


def _normalise(value: Any) -> Any:
    """References compare by beacon (the href differs by host); everything else as JSON."""
    if isinstance(value, list) and value and all(isinstance(v, dict) and "beacon" in v for v in value):
        return sorted(v["beacon"].split("/", 3)[-1] for v in value)
    return value
