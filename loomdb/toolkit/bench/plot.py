"""The bench's charts, drawn with matplotlib (the optional extra `loomdb[plot]`): the recall-QPS plot of an ef
sweep (ann-benchmarks' chart: recall on x, QPS on a log y axis, the Pareto frontier drawn as a line), latency
percentiles per workload (and per operation of a mix), and the trend of QPS and p99 across recorded runs. Each
chart is a Figure, written to a file or rendered to PNG bytes for the self-contained HTML report."""
from __future__ import annotations

import importlib.util
import io
from pathlib import Path
from typing import Any

INSTALL_HINT = "the bench's plots need matplotlib: pip install 'loomdb[plot]'"


def plotting_available() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")             # files only; never a window
    import matplotlib.pyplot as plt

    return plt


def png_bytes(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    _pyplot().close(figure)
    return buffer.getvalue()


def save(figure: Any, path: Path) -> Path:
    path.write_bytes(png_bytes(figure))
    return path


def recall_qps_figure(points: list[dict[str, Any]], title: str) -> Any:
    figure, axes = _pyplot().subplots(figsize=(7, 4.5))
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
    return figure


def plot_recall_qps(points: list[dict[str, Any]], path: Path, title: str) -> Path:
    return save(recall_qps_figure(points, title), path)


def latency_figure(rows: dict[str, dict[str, Any]], title: str) -> Any:
    """p50 / p95 / p99 bars per workload or operation kind, on a log axis (they span orders of magnitude)."""
    names = [name for name, figures in rows.items() if "p50_ms" in figures]
    figure, axes = _pyplot().subplots(figsize=(max(6.0, 0.9 * len(names) + 2), 4.2))
    width = 0.27
    for shift, metric in enumerate(("p50_ms", "p95_ms", "p99_ms")):
        axes.bar([i + (shift - 1) * width for i in range(len(names))], [rows[n][metric] for n in names], width,
                 label=metric.removesuffix("_ms"))
    axes.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
    axes.set_yscale("log")
    axes.set_ylabel("latency ms (log)")
    axes.set_title(title)
    axes.grid(True, axis="y", which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    return figure


def trend_figure(rows: list[dict[str, Any]], title: str) -> Any:
    """QPS (top) and p99 (bottom, both log) across the recorded runs (x = run number); one line per workload and
    settings fingerprint, so only comparable runs are joined."""
    from matplotlib.ticker import MaxNLocator

    figure, (top, bottom) = _pyplot().subplots(2, 1, figsize=(8, 6), sharex=True)
    for series_key in dict.fromkeys((row["workload"], row["config"]) for row in rows):
        series = [row for row in rows if (row["workload"], row["config"]) == series_key]
        runs = [row["run"] for row in series]
        label = f"{series_key[0]} ({series_key[1]})"
        top.plot(runs, [row["qps"] for row in series], "o-", label=label)
        bottom.plot(runs, [row["p99_ms"] for row in series], "o-", label=label)
    top.set_ylabel("QPS (log)")
    bottom.set_ylabel("p99 ms (log)")
    bottom.set_xlabel("run")
    bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
    top.set_title(title)
    for axes in (top, bottom):
        axes.set_yscale("log")
        axes.grid(True, which="both", alpha=0.3)
    top.legend(fontsize=8)
    figure.tight_layout()
    return figure
