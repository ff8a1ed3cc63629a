"""Destination batches through the official client's gRPC BatchObjects: vectors travel as packed float32 bytes
instead of JSON numbers, which the server then need not parse (into loomdb about twice the REST batch rate, see
benchmarks/bench_migrate.py). Used for collections whose property values the client sends unchanged from the REST
JSON the source gave (text, numbers, booleans, dates and uuids as strings, and their arrays); collections with geo,
phone, blob or object properties keep the REST writer."""
from __future__ import annotations

from typing import Any

from .schema_copy import is_reference

_PLAIN_TYPES = {"text", "int", "number", "boolean", "date", "uuid"}


def usable(config: dict[str, Any]) -> bool:
    """Every non-reference property of the class is of a type the gRPC path carries as the REST JSON has it."""
    return all(is_reference(p) or (p.get("dataType") or ["?"])[0].removesuffix("[]") in _PLAIN_TYPES
               for p in config.get("properties") or [])


class GrpcWriter:
    """`writer(name, tenant, page, skipped)` -> the per-object errors, like data.write_objects, over gRPC."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __call__(self, name: str, tenant: str | None, page: list[dict[str, Any]], skipped: set[str]) -> list[str]:
        from weaviate.classes.data import DataObject

        collection = self._client.collections.use(name)
        if tenant:
            collection = collection.with_tenant(tenant)
        batch = [DataObject(properties={k: v for k, v in (o.get("properties") or {}).items() if k not in skipped},
                            uuid=o["id"], vector=o.get("vectors") or o.get("vector") or None) for o in page]
        result = collection.data.insert_many(batch)
        return [f"{page[index]['id']}: {error.message}" for index, error in result.errors.items()]
