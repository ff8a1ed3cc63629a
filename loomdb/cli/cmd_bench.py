"""`loomdb bench`: parse the shared options and the workload's, run it, compare with / save a baseline, print,
exit with the report's code (2 when a metric regressed against --compare; 4 for usage errors)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .render import progress
from .toolkit_commands import _int_list
from .toolkit_options import LazyChoice, ToolkitCommand, build_target, endpoint_options


@click.command(cls=ToolkitCommand)
@endpoint_options
@click.option("--workload", "workloads", multiple=True, type=LazyChoice("loomdb.toolkit.bench", "WORKLOADS"),
              default=("near_vector",), show_default=True,
              help="Workload preset (repeatable; reads run before writes).")
@click.option("--collection", help="Run read-only workloads (near_vector, bm25, hybrid) on this existing "
              "collection instead of a generated data set.")
@click.option("--duration", type=click.FloatRange(0.1, 86_400), default=10.0, show_default=True,
              help="Seconds per workload.")
@click.option("--warmup", type=click.FloatRange(0, 3600), default=0.0, show_default=True,
              help="Seconds each workload runs before its measured run (not counted).")
@click.option("--concurrency", type=click.IntRange(1, 1024), default=1, show_default=True, help="Client threads.")
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
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), help="Write the ef sweep's recall-QPS "
              "plot (PNG) here; needs the extra loomdb[plot].")
@click.option("--keep", is_flag=True, help="Keep the generated collection (its name is in the output).")
@click.option("--baseline", "baseline_name", metavar="NAME", help="Save this run as baseline NAME.")
@click.option("--compare", "compare_name", metavar="NAME", help="Compare with baseline NAME; a regression exits 2.")
@click.option("--threshold", type=float, default=10.0, show_default=True,
              help="Percent p50/p95/p99 may rise and QPS may fall before --compare flags a regression.")
@click.option("--recall-threshold", type=click.FloatRange(-1.0, 1.0), default=0.01, show_default=True,
              help="Absolute recall drop --compare tolerates.")
@click.option("--history-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where baselines live [default: ~/.loomdb/bench; env LOOMDB_BENCH_HISTORY].")
def bench(url, grpc_port, api_key, headers, metrics_port, timeout, as_json, workloads, collection, duration,
          warmup, concurrency, rate, objects, dims, k, selectivity, batch_size, write_ratio, ef, queries, seed,
          ef_sweep, plot, keep, baseline_name, compare_name, threshold, recall_threshold, history_dir) -> None:
    """Measure throughput, latency percentiles and recall of workload presets; save baselines and flag
    regressions for CI. URL defaults to http://localhost:8080 (env LOOMDB_URL)."""
    # the workloads import numpy and the official client: paid when bench runs, not by every `loomdb` start
    from ..toolkit.bench import BenchOptions, Thresholds, compare, default_history_dir, load_baseline, save_baseline
    from ..toolkit.bench import bench as run_bench
    from ..toolkit.bench.history import baseline_path
    from ..toolkit.bench.plot import INSTALL_HINT, plot_recall_qps, plotting_available
    from .bench_table import print_bench

    target = build_target(url, grpc_port, api_key, headers, metrics_port, timeout)
    options = BenchOptions(workloads=tuple(workloads), duration_s=duration, warmup_s=warmup, concurrency=concurrency,
                           rate=rate, collection=collection, objects=objects, dims=dims, k=k, selectivity=selectivity,
                           batch_size=batch_size, write_ratio=write_ratio, ef=ef, queries=queries, seed=seed,
                           keep=keep, ef_sweep=ef_sweep)
    if options.problems():
        raise click.UsageError("; ".join(options.problems()))
    if plot and not ef_sweep:
        raise click.UsageError("--plot draws the --ef-sweep; give both")
    if plot and not plotting_available():
        raise click.UsageError(INSTALL_HINT)
    history = history_dir or default_history_dir()
    try:
        baseline = load_baseline(history, compare_name) if compare_name else None
        if baseline_name:
            baseline_path(history, baseline_name)            # a bad name is refused before the run, not after
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    with progress("loomdb bench") as status:
        report = run_bench(target, options, (lambda text: status.update(text)) if status is not None else None)
    if baseline is not None and not report.unreachable:
        compare(report, baseline, compare_name, Thresholds(threshold, threshold, recall_threshold))
    if baseline_name and not report.unreachable:
        path = save_baseline(report.to_dict(), history, baseline_name)
        click.echo(f"saved baseline {baseline_name!r} to {path}", err=True)
    if plot and report.measurements.get("ef_sweep"):
        plot_recall_qps(report.measurements["ef_sweep"], plot, f"near_vector recall vs QPS ({target.describe()})")
        click.echo(f"wrote {plot}", err=True)
    print_bench(report, as_json)
    sys.exit(report.exit_code)
