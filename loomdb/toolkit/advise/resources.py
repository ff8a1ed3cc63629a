"""`advise resources`: memory and disk for N objects, uncompressed and with each compression. Memory is Weaviate's
formula from `toolkit.sizing` (vectors + graph, and the 2x rule of thumb), with the compressed bytes per vector
in place of dims x 4 when compressed (the full vectors then live on disk only)."""
from __future__ import annotations

from typing import Any

from ..report import Finding, Report, Severity
from ..sizing import memory_estimate
from . import quantizers
from .plan import Plan

LIMIT_RESOURCES_SHARE = 0.8   # LIMIT_RESOURCES / GOMEMLIMIT guidance: 80-90 % of the machine's memory
NO_PLANNING_BELOW = 1_000_000  # docs: "under 1M objects no resource planning needed"


def compressed_memory(plan: Plan, kind: str) -> dict[str, Any]:
    """Memory and disk of `plan` with compression `kind` ("none" = float32 vectors in memory)."""
    base = memory_estimate(plan.objects, plan.dims, plan.max_connections, "hnsw")
    vectors = plan.objects * quantizers.bytes_per_vector(kind, plan.dims) + quantizers.fixed_bytes(kind, plan.dims)
    memory = vectors + base["graph_bytes"]
    full = base["vectors_bytes"]
    return {"vectors_bytes": vectors, "graph_bytes": base["graph_bytes"], "memory_bytes": memory,
            "rule_of_thumb_bytes": 2 * vectors,
            "disk_vectors_bytes": full + (vectors if kind != "none" else 0) + base["graph_bytes"]}


def advise_resources(plan: Plan, report: Report, object_bytes: int | None = None,
                     memory_gib: float | None = None) -> None:
    estimate = memory_estimate(plan.objects, plan.dims, plan.max_connections, "hnsw")
    table = {kind: compressed_memory(plan, kind) for kind in ("none", *quantizers.KINDS)}
    payload = plan.objects * object_bytes if object_bytes else None
    report.measurements["resources"] = {"formula": estimate, "by_compression": table,
                                        "objects_payload_bytes": payload}
    gib = 2**30
    report.add(Finding(
        "resources.memory", Severity.INFO,
        f"{estimate['formula_bytes'] / gib:.2f} GiB memory for {plan.objects} x {plan.dims}-d (uncompressed)",
        f"objects x (dims x 4 + maxConnections x 10) = {plan.objects} x ({plan.dims} x 4 + "
        f"{plan.max_connections} x 10) = {estimate['formula_bytes']} B; rule of thumb 2 x vectors = "
        f"{estimate['rule_of_thumb_bytes']} B", "The vectors and the graph must stay in memory for fast search; "
        "the 2x rule also covers garbage-collection headroom during imports.",
        "Set GOMEMLIMIT (or LIMIT_RESOURCES=true) to 80-90 % of the machine's memory."
        + (" Under 1M objects Weaviate says no resource planning is needed." if plan.objects < NO_PLANNING_BELOW
           else ""), data=estimate))
    rq8 = table["rq8"]
    report.add(Finding(
        "resources.compressed", Severity.INFO,
        f"{rq8['memory_bytes'] / gib:.2f} GiB with RQ 8-bit, {table['bq']['memory_bytes'] / gib:.2f} GiB with BQ",
        "; ".join(f"{quantizers.LABELS[k]}: {v['memory_bytes'] / gib:.2f} GiB memory, "
                  f"{v['disk_vectors_bytes'] / gib:.2f} GiB disk" for k, v in table.items()),
        "Compressed indexes keep only the codes in memory; full vectors stay on disk for rescoring.",
        "`loomdb advise compression --vectors sample.npy` measures the recall each keeps on your data.",
        data={"by_compression": table}))
    disk = table["none"]["disk_vectors_bytes"] + (payload or 0)
    report.add(Finding(
        "resources.disk", Severity.INFO, f"{disk / gib:.2f} GiB disk (vectors + graph"
        + (" + objects)" if payload else "; objects not counted: pass --object-bytes)"),
        f"vectors {table['none']['vectors_bytes']} B + graph {estimate['graph_bytes']} B"
        + (f" + objects {plan.objects} x {object_bytes} B" if payload else ""),
        "Writes stop (shards READONLY) at DISK_USE_READONLY_PERCENTAGE, 90 % by default.",
        "Provision at least 1/0.8 of this (DISK_USE_WARNING_PERCENTAGE 80) plus room for compaction.",
        data={"disk_bytes": disk}))
    if memory_gib is not None:
        budget = memory_gib * gib * LIMIT_RESOURCES_SHARE
        fits = [k for k, v in table.items() if v["memory_bytes"] <= budget]
        severity = Severity.INFO if "none" in fits else Severity.MEDIUM if fits else Severity.HIGH
        report.add(Finding(
            "resources.fit", severity, f"{memory_gib:g} GiB machine: " + (
                "fits uncompressed" if "none" in fits else f"fits only with {', '.join(fits)}" if fits
                else "does not fit even with the smallest compression"),
            f"80 % of {memory_gib:g} GiB = {budget / gib:.2f} GiB against "
            + ", ".join(f"{k} {v['memory_bytes'] / gib:.2f} GiB" for k, v in table.items()),
            "Beyond the memory limit the process is OOM-killed during imports.",
            "Enable the smallest compression that fits, or add memory / nodes.", data={"fits": fits}))
