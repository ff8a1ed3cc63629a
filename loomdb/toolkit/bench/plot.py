"""The recall-QPS plot of an ef sweep (ann-benchmarks' chart: recall on x, QPS on a log y axis, the Pareto
frontier drawn as a line). matplotlib is the optional extra `loomdb[plot]`."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

INSTALL_HINT = "the recall-QPS plot needs matplotlib: pip install 'loomdb[plot]'"


def plotting_available() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


def plot_recall_qps(points: list[dict[str, Any]], path: Path, title: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")             # files only; never a window
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5))
    axes.scatter([p["recall"] for p in points], [p["qps"] for p in points], color="tab:gray", label="ef points")
    frontier = sorted((p for p in points if p["pareto"]), key=lambda p: p["recall"])
    axes.plot([p["recall"] for p in frontier], [p["qps"] for p in frontier], "o-", color="tab:blue",
              label="Pareto frontier")
    for point in points:
        axes.annotate(f"ef={point['ef']}", (point["recall"], point["qps"]), textcoords="offset points",
                      xytext=(4, 4), fontsize=8)
    axes.set_yscale("log")
    axes.set_xlabel("recall@k")
    axes.set_ylabel("queries per second (log)")
    axes.set_title(title)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
