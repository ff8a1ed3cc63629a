"""`advise hnsw`: ef / efConstruction / maxConnections for a recall target, and latency estimates for the plan
(unfiltered, filtered, the cores a QPS needs) from a search-cost model fed with constants measured on this
machine (`calibration`). The model counts distance evaluations: an HNSW search expands about ef candidates on
layer 0, each checking up to 2 x maxConnections neighbours (docs: "layer 0 has 2 x maxConnections"); a flat search
reads every vector; a filter matching fewer than flatSearchCutoff objects is searched flat over the allow-list.
It is an estimate of the vector work only (no network, no object fetch): check it with `loomdb bench`."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from ..report import Finding, Report, Severity
from . import calibration
from .plan import DEFAULT_EF, FLAT_SEARCH_CUTOFF, Plan
from .snippet import snippets
from .tiers import first_meeting, measure_tiers

DYNAMIC_EF_MIN, DYNAMIC_EF_MAX, DYNAMIC_EF_FACTOR = 100, 500, 8   # ef = -1: limit x factor within [min, max]
FLAT_RANGE = 10_000          # the dynamic index switches flat -> hnsw here; flat is meant for up to this size
EF_DIMINISHING = 512         # docs: beyond ef 512 returns diminish
# Starting points per recall target. 0.95: the docs' tip (ef 64 / efC 128 / M 32). Higher targets: this tool's
# heuristic (denser graph and wider search, each step doubling ef up to the docs' point of diminishing returns);
# With a sample of the user's vectors (`advise hnsw --vectors` / URL --collection) each tier's recall is measured
# (tiers.py) and the advice is the cheapest tier that reaches the target; `loomdb audit --ef-sweep` measures the
# live index once data is loaded.
TIERS = ((0.95, DEFAULT_EF, 128, 32), (0.98, 128, 128, 32), (0.99, 256, 256, 48), (1.0, EF_DIMINISHING, 512, 64))


def parameters_for(recall_target: float) -> tuple[int, int, int]:
    """(ef, efConstruction, maxConnections) of the first tier whose recall reaches the target."""
    for recall, ef, ef_construction, max_connections in TIERS:
        if recall_target <= recall:
            return ef, ef_construction, max_connections
    return TIERS[-1][1:]


def effective_ef(ef: int, k: int) -> int:
    if ef == -1:
        return min(DYNAMIC_EF_MAX, max(DYNAMIC_EF_MIN, k * DYNAMIC_EF_FACTOR))
    return max(ef, k)


def latency_model(plan: Plan, ef: int, constants: dict[str, Any]) -> dict[str, Any]:
    """Milliseconds of vector work per query: hnsw, flat, and filtered (when a filter share is planned)."""
    gather, scan = constants["gather_components_per_s"], constants["scan_components_per_s"]
    evaluations = effective_ef(ef, plan.k) * 2 * plan.max_connections
    out: dict[str, Any] = {
        "distance_evaluations": evaluations,
        "hnsw_ms": 1000 * evaluations * plan.dims / gather,
        "flat_ms": 1000 * plan.objects * plan.dims / scan,
    }
    if plan.filter_share is not None:
        matches = int(plan.objects * plan.filter_share)
        if matches < FLAT_SEARCH_CUTOFF:
            out.update(filtered_path="flat over the allow-list", filtered_evaluations=matches)
        else:
            out.update(filtered_path="hnsw restricted to the allow-list",
                       filtered_evaluations=min(plan.objects, int(evaluations / plan.filter_share)))
        out["filtered_matches"] = matches
        out["filtered_ms"] = 1000 * out["filtered_evaluations"] * plan.dims / gather
    return {key: round(value, 4) if isinstance(value, float) else value for key, value in out.items()}


def advise_hnsw(plan: Plan, report: Report, recalibrate: bool = False, sample: np.ndarray | None = None,
                queries: int = 50, progress: Callable[[str], None] | None = None) -> None:
    constants = calibration.load(recalibrate)
    ef, ef_construction, max_connections = parameters_for(plan.recall_target)
    if sample is not None:
        ef, ef_construction, max_connections = _measured_choice(plan, report, sample, queries, progress) or (
            ef, ef_construction, max_connections)
    if plan.ef is not None:
        ef = plan.ef
    tuned = replace(plan, ef_construction=ef_construction, max_connections=max_connections)
    latency = latency_model(tuned, ef, constants)
    report.measurements.update(calibration={k: v for k, v in constants.items() if k != "identity"},
                               machine=constants["identity"], latency=latency,
                               parameters={"ef": ef, "efConstruction": ef_construction,
                                           "maxConnections": max_connections},
                               snippet=snippets(tuned, ef=ef))
    report.add(Finding(
        "hnsw.parameters", Severity.INFO,
        f"ef {ef}, efConstruction {ef_construction}, maxConnections {max_connections} for recall {plan.recall_target}",
        "the cheapest tier whose recall, measured on your sample, reaches the target" if "tiers" in
        report.measurements else "starting point for this recall target: the docs' tip (ef 64 / efConstruction "
        "128 / maxConnections 32) up to 0.95, denser graphs above it (heuristic tiers; give --vectors or URL "
        "--collection to measure them on your data)", "efConstruction and maxConnections cannot change after "
        "creation; ef can (and ef -1 means limit x 8 within [100, 500]).",
        "Create with the snippet, load the data, then `loomdb audit COLLECTION --ef-sweep 64,128,256` to measure "
        "the recall each ef buys.", data={"ef": ef, "efConstruction": ef_construction,
                                          "maxConnections": max_connections}))
    source = "cached" if constants["cached"] else "measured now"
    report.add(Finding(
        "hnsw.latency", Severity.INFO,
        f"~{latency['hnsw_ms']:.3f} ms of vector work per hnsw query, {latency['flat_ms']:.2f} ms flat",
        f"{latency['distance_evaluations']} distance evaluations (ef {effective_ef(ef, plan.k)} x 2 x "
        f"{max_connections}) x {plan.dims} dims at {constants['gather_components_per_s']:.3g} components/s "
        f"gathered; flat: {plan.objects} x {plan.dims} at {constants['scan_components_per_s']:.3g}/s scanned "
        f"({source} on this machine, {constants['cache']})",
        "The estimate covers the vector search only; object fetch, network and the client add to it.",
        "`loomdb bench` measures the real figure.", data=latency))
    if plan.objects <= FLAT_RANGE:
        report.add(Finding(
            "hnsw.index_type", Severity.LOW, f"{plan.objects} objects: a flat index is enough",
            f"{plan.objects} <= {FLAT_RANGE} (where Weaviate's dynamic index switches flat -> hnsw); flat search "
            f"~{latency['flat_ms']:.2f} ms", "A flat index needs no graph memory and gives exact results.",
            "Use Configure.VectorIndex.flat() or dynamic() if the collection will grow.", data=latency))
    if "filtered_ms" in latency:
        report.add(Finding(
            "hnsw.filtered", Severity.INFO,
            f"filter matching {plan.filter_share:g} of the objects: ~{latency['filtered_ms']:.3f} ms",
            f"{latency['filtered_matches']} matches vs flatSearchCutoff {FLAT_SEARCH_CUTOFF}: "
            f"{latency['filtered_path']}, {latency['filtered_evaluations']} distance evaluations",
            "Restrictive filters make HNSW explore more of the graph; small allow-lists are searched flat.",
            "Index the filtered properties (indexFilterable / indexRangeFilters); tune flatSearchCutoff if the "
            "filtered estimate exceeds the unfiltered one by far.", data=latency))
    if plan.qps is not None:
        per_query_s = latency.get("filtered_ms", latency["hnsw_ms"]) / 1000
        cores = plan.qps * per_query_s
        report.measurements["qps"] = {"target": plan.qps, "cores_for_vector_work": round(cores, 4)}
        report.add(Finding(
            "hnsw.qps", Severity.INFO, f"{plan.qps:g} QPS needs ~{cores:.2f} cores of vector work",
            f"{plan.qps:g} x {per_query_s * 1000:.3f} ms (one search runs on one thread, docs: concepts/resources)",
            "CPU drives query throughput; memory bounds the data set size.",
            "Provision the cores with headroom, or lower ef / use compression to cut the per-query work.",
            data={"cores": cores}))


def _measured_choice(plan: Plan, report: Report, sample: np.ndarray, queries: int,
                     progress: Callable[[str], None] | None) -> tuple[int, int, int] | None:
    """Measure every tier on the sample; the cheapest reaching the target is the advice (None: none did)."""
    measured = measure_tiers(sample, TIERS, plan.distance, plan.k, queries, progress)
    report.measurements["tiers"] = {"sample": int(len(sample)), "queries": queries, "k": plan.k,
                                    "distance": plan.distance, "measured": measured}
    table = "; ".join(f"M {t['maxConnections']} efC {t['efConstruction']} ef {t['ef']}: recall "
                      f"{t['recall']['mean']:.3f} [{t['recall']['ci95_low']:.3f}, {t['recall']['ci95_high']:.3f}]"
                      f" {t['search_us']:.0f} us" for t in measured)
    chosen = first_meeting(measured, plan.recall_target)
    caveat = (f"Measured on {len(sample) - queries} of the planned {plan.objects} vectors: a larger graph is harder "
              "to search, so expect a little less at full size; confirm with `loomdb audit --ef-sweep`.")
    if chosen is None:
        report.add(Finding("hnsw.recall_unmet", Severity.MEDIUM,
                           f"no tier reaches recall {plan.recall_target} on your sample", table, caveat,
                           "Raise ef beyond 512 (diminishing returns), use a flat index, or accept the best tier.",
                           data={"tiers": measured}))
        return None
    report.add(Finding("hnsw.measured_recall", Severity.INFO,
                       f"recall {chosen['recall']['mean']:.3f} measured on your sample with M "
                       f"{chosen['maxConnections']}, efConstruction {chosen['efConstruction']}, ef {chosen['ef']}",
                       table, caveat, "Create the collection with the snippet below.", data={"tiers": measured}))
    return chosen["ef"], chosen["efConstruction"], chosen["maxConnections"]
