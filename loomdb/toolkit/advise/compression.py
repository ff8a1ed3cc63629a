"""`advise compression`: PQ / SQ / BQ / RQ side by side for the planned size: memory each needs (the formula of
`toolkit.sizing` with the compressed bytes per vector) and, when a sample of the user's vectors is given, the
recall@k each allows, measured against an exact numpy brute force over the same sample (with and without rescoring
from the full vectors, as Weaviate does)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..recall import Estimate, distances, recall_at_k
from ..report import Finding, Report, Severity
from . import quantizers
from .plan import Plan
from .resources import compressed_memory
from .snippet import snippets

RECALL_RQ8_DOC = "98-99 %"       # docs: RQ 8-bit recall, the published figure used when no sample is given


def measure_recall(sample: np.ndarray, plan: Plan, queries: int, rescore: int, seed: int) -> dict[str, Any]:
    """Recall@k of each compression on `sample`: its last `queries` rows query the rows before them. Rescored:
    the best `rescoreLimit` candidates re-ranked exactly (SQ/RQ: Weaviate's documented defaults; PQ/BQ: `rescore`)."""
    if len(sample) <= queries + plan.k:
        raise ValueError(f"the sample has {len(sample)} vectors: need more than --queries + k "
                         f"({queries + plan.k})")
    data = quantizers.prepare(sample, plan.distance)
    base, probes = data[:-queries], data[-queries:]
    exact_metric = "dot" if plan.distance == "cosine" else plan.distance
    exact = [distances(base, q, exact_metric) for q in probes]
    out: dict[str, Any] = {"base": int(len(base)), "queries": int(queries), "k": plan.k}
    for kind in quantizers.KINDS:
        score = quantizers.build(kind, base, plan.distance, seed)
        limit = max(plan.k, quantizers.RESCORE_LIMITS.get(kind, rescore))
        raw, rescored = [], []
        for q, truth in zip(probes, exact, strict=True):
            order = np.argsort(score(q), kind="stable")
            raw.append(recall_at_k(order[:plan.k].tolist(), truth, plan.k))
            candidates = order[:limit]
            best = candidates[np.argsort(truth[candidates], kind="stable")[:plan.k]]
            rescored.append(recall_at_k(best.tolist(), truth, plan.k))
        out[kind] = {"recall": Estimate.of(raw).to_dict(), "recall_rescored": Estimate.of(rescored).to_dict(),
                     "rescore_candidates": limit}
    return out


def advise_compression(plan: Plan, report: Report, sample: np.ndarray | None = None, queries: int = 50,
                       rescore: int = 100, seed: int = 0) -> None:
    """Add one finding per compression (memory, and recall when a sample is given) and the recommended snippet."""
    memory = {kind: compressed_memory(plan, kind) for kind in ("none", *quantizers.KINDS)}
    recall = measure_recall(sample, plan, queries, rescore, seed) if sample is not None else None
    report.measurements["compression"] = {"memory": memory, **({"recall": recall} if recall else {})}
    plain = memory["none"]["memory_bytes"]
    for kind in quantizers.KINDS:
        mem = memory[kind]
        evidence = (f"{quantizers.bytes_per_vector(kind, plan.dims)} B/vector in memory (float32: {4 * plan.dims} B); "
                    f"{plan.objects} objects: {mem['memory_bytes'] / 2**30:.2f} GiB with the graph "
                    f"(uncompressed {plain / 2**30:.2f} GiB)")
        data: dict[str, Any] = {"kind": kind, **mem}
        if recall:
            r = recall[kind]
            evidence += (f"; measured recall@{plan.k} {r['recall']['mean']:.3f} without rescoring, "
                         f"{r['recall_rescored']['mean']:.3f} rescoring {r['rescore_candidates']} candidates "
                         f"({recall['queries']} queries over {recall['base']} of your vectors)")
            data.update(recall=r["recall"]["mean"], recall_rescored=r["recall_rescored"]["mean"])
        report.add(Finding(f"compression.{kind}", Severity.INFO, quantizers.LABELS[kind], evidence,
                           _why(kind, plan.dims), _action(kind), data=data))
    choice = _choose(recall, plan)
    report.measurements["recommended"] = choice
    report.measurements["snippet"] = snippets(plan, compression=choice)
    basis = (f"highest memory saving whose rescored recall@{plan.k} on your sample reaches {plan.recall_target}"
             if recall else f"no sample given: Weaviate's recommended default (RQ 8-bit, documented recall "
                            f"{RECALL_RQ8_DOC}); pass --vectors file.npy to measure")
    report.add(Finding("compression.recommended", Severity.INFO, f"use {quantizers.LABELS[choice]}", basis,
                       "Compressed vectors are what must stay in memory; full vectors stay on disk for rescoring.",
                       "Paste the snippet (measurements.snippet); quantization cannot be turned off once enabled.",
                       data={"compression": choice}))


def _choose(recall: dict[str, Any] | None, plan: Plan) -> str:
    if not recall:
        return "rq8"
    good = [k for k in quantizers.KINDS if recall[k]["recall_rescored"]["mean"] >= plan.recall_target]
    if not good:
        return "none"
    return min(good, key=lambda k: quantizers.bytes_per_vector(k, plan.dims))


def _why(kind: str, dims: int) -> str:
    return {
        "pq": f"{quantizers.pq_segments(dims)} segments x 256 centroids; needs a training set "
              "(trainingLimit, 10k-100k objects per shard) and the index is read-only while converting.",
        "sq": "4x smaller, 256 buckets over the trained range; trainingLimit 100,000; rescoreLimit 20.",
        "bq": "32x smaller; works best on embeddings made for it (Cohere v3, OpenAI ada-002).",
        "rq8": "4x smaller with no training step; documented recall 98-99 %; rescoreLimit 20 (often 0).",
        "rq1": "~32x smaller as dims grow; rescoreLimit 512; ~10 % less throughput than BQ.",
    }[kind]


def _action(kind: str) -> str:
    argument = {"rq8": "bits=8", "rq1": "bits=1"}.get(kind, "")
    return f"quantizer=Configure.VectorIndex.Quantizer.{kind[:2]}({argument}) in the index configuration."
