"""The multi-tenant workload: the generated objects spread over `tenants` tenants of one multi-tenant collection
(row n in tenant n mod T), then two measurements. Activation: every tenant is deactivated (COLD), then each is
activated and queried once, timing the activation call and that first query apart from the warm queries, which
is what a tenant coming back after idling costs its user. Queries: near_vector on a tenant drawn per op, all
tenants active, with the usual throughput and percentiles."""
from __future__ import annotations

import time
from typing import Any

import numpy as np
from weaviate.classes.tenants import Tenant

from ..remote.target import Target
from ..report import Finding, Report, Severity
from . import dataset as ds
from .load import latency_summary
from .measure import Progress, run_workload
from .spec import OpSpec
from .workers import Shape
from .workloads import QuerySet


def tenant_names(count: int) -> tuple[str, ...]:
    return tuple(f"tenant{t:05d}" for t in range(count))


def bench_tenants(client: Any, target: Target, data: ds.Dataset, queries: QuerySet, tenants: int, k: int,
                  batch_size: int, duration_s: float, shape: Shape, seed: int, keep: bool, report: Report,
                  say: Progress) -> None:
    name = ds.new_collection_name()
    names = tenant_names(tenants)
    collection = ds.create_collection(client, name, multi_tenant=True)
    try:
        collection.tenants.create([Tenant(name=t) for t in names])
        say(f"tenants: loading {len(data.vectors)} objects into {tenants} tenants of {name}")
        started = time.perf_counter()
        for t, tenant in enumerate(names):
            rows = range(t, len(data.vectors), tenants)
            handle = collection.with_tenant(tenant)
            for start in range(0, len(rows), batch_size):
                result = handle.data.insert_many([data.object(r) for r in rows[start:start + batch_size]])
                if result.has_errors:
                    raise RuntimeError(f"loading tenant {tenant} failed: "
                                       f"{next(iter(result.errors.values())).message}")
        load_s = time.perf_counter() - started
        activation = _activation(collection, names, queries, k, say)
        spec = OpSpec("tenants", name, queries, k, seed=seed, tenants=names)
        if run_workload(spec, target, client, duration_s, shape, report, say) is None:
            return
        figures = report.measurements["workloads"]["tenants"]
        figures.update(tenants=tenants, objects_per_tenant=round(len(data.vectors) / tenants, 1),
                       collection=name, load_s=round(load_s, 3), activation=activation)
        warm = figures.get("p50_ms")
        first = activation["first_query"].get("p50_ms")
        if warm and first and first > 2 * warm:
            report.add(Finding(
                "tenants.cold_start", Severity.INFO, f"a tenant's first query after activation: {first:.1f} ms p50",
                f"activation {activation['activate'].get('p50_ms', 0):.1f} ms p50, then the first query "
                f"{first:.1f} ms p50 against {warm:.1f} ms p50 warm ({tenants} tenants)",
                why="Tenants deactivated to save memory make their next user wait for the load.",
                action="Keep the busy tenants ACTIVE; use auto-activation only for rarely used ones.",
                collection=name, data=activation))
    finally:
        if not keep:
            client.collections.delete(name)


def _activation(collection: Any, names: tuple[str, ...], queries: QuerySet, k: int,
                say: Progress) -> dict[str, Any]:
    """Deactivate all, then per tenant: time the activation call and its first query."""
    say(f"tenants: deactivating and re-activating {len(names)} tenants")
    collection.tenants.deactivate(list(names))
    activate, first = [], []
    for i, tenant in enumerate(names):
        started = time.perf_counter()
        collection.tenants.activate(tenant)
        activated = time.perf_counter()
        collection.with_tenant(tenant).query.near_vector(queries.vector(i)[1], limit=k, return_properties=[])
        done = time.perf_counter()
        activate.append((activated - started) * 1000)
        first.append((done - activated) * 1000)
    return {"tenants": len(names), "activate": latency_summary(np.asarray(activate)),
            "first_query": latency_summary(np.asarray(first))}
