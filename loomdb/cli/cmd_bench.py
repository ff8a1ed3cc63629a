"""`loomdb bench`: parse the shared options, a preset's and the workload's, run it (in worker processes when
asked), compare with / save a baseline, record it in the run history, print, write the plot/HTML, exit with the
report's code (2 when a metric regressed against --compare; 4 for usage errors). `--history` shows the recorded
runs' trend instead of running."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .render import progress
from .toolkit_commands import _int_list
from .toolkit_options import LazyChoice, ToolkitCommand, build_target, endpoint_options

if TYPE_CHECKING:
    from ..toolkit.bench import Thresholds

# CLI parameter -> BenchOptions field, for the options a preset may set (an explicit option wins over it)
_OPTION_FIELDS = {"workloads": "workloads", "duration": "duration_s", "warmup": "warmup_s",
                  "concurrency": "concurrency", "processes": "processes", "rate": "rate", "objects": "objects",
                  "dims": "dims", "k": "k", "selectivity": "selectivity", "batch_size": "batch_size",
                  "write_ratio": "write_ratio", "ef": "ef", "queries": "queries", "seed": "seed",
                  "ef_sweep": "ef_sweep", "tenants": "tenants", "collection": "collection", "keep": "keep"}


@click.command(cls=ToolkitCommand)
@endpoint_options
@click.option("--preset", type=LazyChoice("loomdb.toolkit.bench.presets", "PRESETS"),
              help="Named settings of a repository benchmark (explicit options win; README: what each runs).")
@click.option("--workload", "workloads", multiple=True, type=LazyChoice("loomdb.toolkit.bench", "WORKLOADS"),
              default=("near_vector",),
              show_default=True, help="Workload (repeatable; reads run before writes). tenants: near_vector over "
              "--tenants tenants, with activation costs; load: issue 17's mix of reads and writes.")
@click.option("--collection", help="Run read-only workloads (near_vector, bm25, hybrid) on this existing "
              "collection instead of a generated data set.")
@click.option("--duration", type=click.FloatRange(0.1, 86_400), default=10.0, show_default=True,
              help="Seconds per workload.")
@click.option("--warmup", type=click.FloatRange(0, 3600), default=0.0, show_default=True,
              help="Seconds each workload runs before its measured run (not counted).")
@click.option("--concurrency", "--threads", "concurrency", type=click.IntRange(1, 1024), default=1,
              show_default=True, help="Client threads (per process).")
@click.option("--processes", type=click.IntRange(1, 256), default=1, show_default=True, help="Client processes, "
              "each with its own official client and --threads threads (beyond one Python client's GIL); latency "
              "samples of all are merged exactly.")
@click.option("--rate", type=click.FloatRange(0.1, min_open=False), help="Fixed arrival rate in ops/s (open loop; "
              "latency counted from each op's intended send time). Default: max throughput (closed loop).")
@click.option("--objects", type=click.IntRange(10, 10_000_000), default=10_000, show_default=True,
              help="Size of the generated data set.")
@click.option("--dims", type=click.IntRange(1, 65_536), default=128, show_default=True,
              help="Dimensions of the generated vectors.")
@click.option("-k", "k", type=click.IntRange(1, 1000), default=10, show_default=True, help="Top-k and recall@k.")
@click.option("--selectivity", type=click.FloatRange(0.01, 1.0), default=0.1, show_default=True,
              help="Share of the objects the filtered workload's filter matches.")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=100, show_default=True,
              help="Objects per batch (loading and the import workload).")
@click.option("--write-ratio", type=click.FloatRange(0.0, 1.0), default=0.1, show_default=True,
              help="Share of writes in the mixed workload.")
@click.option("--ef", type=click.IntRange(1, 100_000), help="HNSW ef of the generated collection [default: the "
              "server's].")
@click.option("--queries", type=click.IntRange(1, 100_000), default=100, show_default=True,
              help="Distinct query vectors (recall is averaged over them).")
@click.option("--seed", type=int, default=0, show_default=True, help="Data and query seed (reproducible runs).")
@click.option("--ef-sweep", callback=_int_list, help="Comma-separated ef values: near_vector's recall and QPS at "
              "each (generated set; ef restored after).")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), help="Write a PNG chart here: the ef "
              "sweep's recall-QPS plot, else latency per workload; with --history the trend. Needs loomdb[plot].")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="Write a "
              "self-contained HTML report (tables and charts) here; needs loomdb[plot].")
@click.option("--tenants", type=click.IntRange(1, 100_000), default=20, show_default=True,
              help="Tenants of the tenants workload (the generated objects are spread over them).")
@click.option("--keep", is_flag=True, help="Keep the generated collection (its name is in the output).")
@click.option("--baseline", "baseline_name", metavar="NAME", help="Save this run as baseline NAME.")
@click.option("--compare", "compare_name", metavar="NAME", help="Compare with baseline NAME; a regression exits 2.")
@click.option("--threshold", type=float, default=10.0, show_default=True,
              help="Percent p50/p95/p99 may rise and QPS may fall before --compare flags a regression.")
@click.option("--recall-threshold", type=click.FloatRange(-1.0, 1.0), default=0.01, show_default=True,
              help="Absolute recall drop --compare tolerates.")
@click.option("--history-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where baselines and the run history live [default: ~/.loomdb/bench; env "
              "LOOMDB_BENCH_HISTORY].")
@click.option("--no-record", is_flag=True, help="Do not append this run to the history (runs.jsonl).")
@click.option("--history", "show_history", is_flag=True, help="Show the trend of the recorded runs (filtered by "
              "--workload/--preset when given) instead of running; a latest run worse than the median of the "
              "earlier ones by more than the thresholds is a MEDIUM finding (exit 1).")
@click.option("--last", type=click.IntRange(1), default=20, show_default=True, help="Runs the history view shows.")
def bench(url, grpc_port, api_key, headers, metrics_port, timeout, as_json, preset, plot, html_path,
          baseline_name, compare_name, threshold, recall_threshold, history_dir, no_record, show_history, last,
          **chosen: Any) -> None:
    """Measure throughput, latency percentiles and recall of workloads (or a --preset), from threads and
    processes; save baselines, flag regressions for CI, keep a history of runs and show its trend. URL defaults
    to http://localhost:8080 (env LOOMDB_URL)."""
    # the workloads import numpy and the official client: paid when bench runs, not by every `loomdb` start
    from ..toolkit.bench import (
        BenchOptions,
        Thresholds,
        compare,
        default_history_dir,
        load_baseline,
        save_baseline,
    )
    from ..toolkit.bench import bench as run_bench
    from ..toolkit.bench.history import baseline_path, record_run
    from ..toolkit.bench.html import write_run_html
    from ..toolkit.bench.plot import (
        INSTALL_HINT,
        latency_figure,
        plotting_available,
        recall_qps_figure,
        save,
    )
    from ..toolkit.bench.presets import PRESETS
    from .bench_table import print_bench

    if (plot or html_path) and not plotting_available():
        raise click.UsageError(INSTALL_HINT)
    history = history_dir or default_history_dir()
    thresholds = Thresholds(threshold, threshold, recall_threshold)
    context = click.get_current_context()
    explicit = {k for k in chosen if context.get_parameter_source(k) != click.core.ParameterSource.DEFAULT}
    if show_history:
        _history(history, preset, tuple(chosen["workloads"]) if "workloads" in explicit else (), last, thresholds,
                 plot, html_path, as_json)
        return
    target = build_target(url, grpc_port, api_key, headers, metrics_port, timeout)
    settings = dict(PRESETS[preset].settings) if preset else {}
    settings.update({_OPTION_FIELDS[k]: v for k, v in chosen.items() if k in explicit or
                     _OPTION_FIELDS[k] not in settings})
    settings["workloads"] = tuple(settings["workloads"])
    options = BenchOptions(**settings, preset=preset)
    if options.problems():
        raise click.UsageError("; ".join(options.problems()))
    try:
        baseline = load_baseline(history, compare_name) if compare_name else None
        if baseline_name:
            baseline_path(history, baseline_name)            # a bad name is refused before the run, not after
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    with progress("loomdb bench") as status:
        report = run_bench(target, options, (lambda text: status.update(text)) if status is not None else None)
    if baseline is not None and not report.unreachable:
        compare(report, baseline, compare_name, thresholds)
    if baseline_name and not report.unreachable:
        path = save_baseline(report.to_dict(), history, baseline_name)
        click.echo(f"saved baseline {baseline_name!r} to {path}", err=True)
    if not no_record and not report.unreachable:
        record_run(report.to_dict(), history)
    if plot and report.measurements.get("workloads"):
        sweep = report.measurements.get("ef_sweep")
        save(recall_qps_figure(sweep, f"near_vector recall vs QPS ({target.describe()})") if sweep else
             latency_figure(report.measurements["workloads"], f"latency per workload ({target.describe()})"), plot)
        click.echo(f"wrote {plot}", err=True)
    if html_path and not report.unreachable:
        click.echo(f"wrote {write_run_html(report, html_path)}", err=True)
    print_bench(report, as_json)
    sys.exit(report.exit_code)


def _history(history: Path, preset: str | None, workloads: tuple[str, ...], last: int, thresholds: Thresholds,
             plot: Path | None, html_path: Path | None, as_json: bool) -> None:
    from ..toolkit import Report
    from ..toolkit.bench.history import read_runs, trend_findings, trend_rows
    from ..toolkit.bench.html import write_history_html
    from ..toolkit.bench.plot import (
        save,
        trend_figure,
    )
    from .bench_table import print_history

    report = Report("bench", f"history {history}")
    runs = read_runs(history)
    rows = trend_rows(runs, workloads, preset, last)
    report.measurements["history"] = {"dir": str(history), "recorded_runs": len(runs), "rows": rows,
                                      "trend": trend_findings(rows, report, thresholds)}
    if plot and rows:
        save(trend_figure(rows, f"loomdb bench trend ({history})"), plot)
        click.echo(f"wrote {plot}", err=True)
    if html_path:
        click.echo(f"wrote {write_history_html(report, rows, html_path)}", err=True)
    print_history(report, as_json)
    sys.exit(report.exit_code)
