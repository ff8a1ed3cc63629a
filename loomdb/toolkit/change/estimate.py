"""How long a rebuild's copy will take: the objects to copy (live counts) over a copy rate, either given
(`--copy-rate`, a read-only plan) or measured: one page of the real objects (with vectors) read and written into a
scratch collection created with the NEW config, then dropped. The probe doubles as a check that the endpoint accepts
the new config before anything is changed."""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from ..migrate import data, schema_copy
from . import live

PROBE_TENANT = "probe"


@dataclass(frozen=True)
class Probe:
    objects_per_s: float | None
    sampled: int
    refused: str = ""           # the endpoint's answer when it refused the new config


def measure(http: httpx.Client, source: str, new_config: dict[str, Any], not_copied: set[str],
            sample: int) -> Probe:
    """Copy up to `sample` objects of `source` (without the `not_copied` properties) into a scratch collection made
    from `new_config`; the rate."""
    scratch = f"LoomdbChangeProbe{uuid.uuid4().hex[:8]}"
    config = {**schema_copy.without_references(new_config), "class": scratch}
    tenant = None
    if schema_copy.multi_tenant(config):
        tenant = next((t for t, s in schema_copy.tenants(http, source).items() if s in schema_copy.ACTIVE_STATES),
                      None)
    start = time.perf_counter()
    page = next(data.pages(http, source, tenant, None, sample), []) if sample else []
    try:
        live.create_class(http, config)
    except live.LiveError as exc:
        return Probe(None, 0, str(exc))
    try:
        if tenant is not None:
            live.add_tenants(http, scratch, {PROBE_TENANT: "HOT"})
        batch = [{**o, "tenant": PROBE_TENANT} if tenant else o for o in page]
        errors = data.write_objects(http, scratch, PROBE_TENANT if tenant else None, batch, not_copied) \
            if batch else []
        elapsed = time.perf_counter() - start
    except data.CopyError as exc:
        return Probe(None, len(page), f"the new config refuses existing objects: {exc}")
    finally:
        live.drop_class(http, scratch)
    if errors:
        return Probe(None, len(page), f"the new config refuses existing objects: {'; '.join(errors[:3])}")
    return Probe(len(page) / elapsed if page and elapsed > 0 else None, len(page))
