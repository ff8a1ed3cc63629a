"""The one write the toolkit makes, only when asked (audit's ef sweep, `--fix`): a mutable index setting changed
through the public schema API."""
from __future__ import annotations

from typing import Any


def set_ef(http: Any, name: str, vector_name: str | None, ef: Any) -> None:
    """ef through the schema API (PUT of the class with only ef changed), for a legacy or a named vector."""
    config = http.get(f"/v1/schema/{name}").json()
    holder = config["vectorConfig"][vector_name] if config.get("vectorConfig") and vector_name else config
    index_config = holder["vectorIndexConfig"]
    (index_config["hnsw"] if holder.get("vectorIndexType") == "dynamic" else index_config)["ef"] = ef
    http.put(f"/v1/schema/{name}", json=config).raise_for_status()
