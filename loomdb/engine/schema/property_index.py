"""One index of one property turned off in the class document: what DELETE
/v1/schema/{C}/properties/{p}/index/{filterable|searchable|rangeFilters} persists. The shards then drop the
structures only that index needed (Shard.update_schema). Pure function, no I/O."""
from __future__ import annotations

from ...entities.errors import NotFound


def without_index(doc: dict, prop_name: str, flag: str) -> dict:
    """A copy of `doc` with `flag` (indexFilterable, indexSearchable or indexRangeFilters) false on the top-level
    property `prop_name`."""
    props = list(doc.get("properties") or [])
    for i, prop in enumerate(props):
        if prop["name"] == prop_name:
            props[i] = {**prop, flag: False}
            return {**doc, "properties": props}
    raise NotFound(f"property {prop_name!r} not found in class {doc['class']!r}")
