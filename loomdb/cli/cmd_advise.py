"""`loomdb advise hnsw|compression|embedding|resources`: planning advice for a collection before it exists.
Each subcommand builds a `Plan` from the flags, calls one toolkit function, prints the report (or one JSON
document with --json) and exits with its code (4 on usage errors, like every toolkit command)."""
from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..toolkit import Report
from ..toolkit.sizing import DEFAULT_MAX_CONNECTIONS
from .render import print_report, progress
from .toolkit_options import ToolkitCommand, build_target

if TYPE_CHECKING:
    from ..toolkit.advise import Plan

_DISTANCES = ("cosine", "dot", "l2-squared", "manhattan", "hamming")


class _AdviseGroup(ToolkitCommand, click.Group):
    """A group whose own usage errors (unknown subcommand) also exit with 4."""


def _plan_options(objects_required: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        options = [
            click.option("--objects", type=click.IntRange(1), help="Objects planned for the collection.",
                         **({"required": True} if objects_required else {"default": 1_000_000,
                                                                          "show_default": True})),
            click.option("--dims", type=click.IntRange(1, 65_536), help="Vector dimensions."),
            click.option("--distance", type=click.Choice(_DISTANCES), default="cosine", show_default=True),
            click.option("--max-connections", type=click.IntRange(4, 2048), default=DEFAULT_MAX_CONNECTIONS,
                         show_default=True, help="HNSW maxConnections the memory formula uses."),
            click.option("--recall-target", type=click.FloatRange(0.0, 1.0, min_open=True), default=0.95,
                         show_default=True, help="Recall@k the advice aims for."),
            click.option("-k", "k", type=click.IntRange(1, 1000), default=10, show_default=True, help="Results per "
                         "query (recall@k, dynamic ef)."),
            click.option("--name", default="MyCollection", show_default=True, help="Collection name in the "
                         "snippets."),
            click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON document (schema: "
                         "loomdb.toolkit.schema.REPORT_SCHEMA)."),
        ]
        for option in reversed(options):
            command = option(command)
        return command
    return decorate


def _plan(objects: int, dims: int | None, distance: str, max_connections: int, recall_target: float, k: int,
          name: str, **extra: Any) -> Plan:
    from ..toolkit.advise import Plan

    if dims is None:
        raise click.UsageError("--dims is required (or give --vectors / URL --collection to read it from)")
    return Plan(objects=objects, dims=dims, distance=distance, max_connections=max_connections,
                recall_target=recall_target, k=k, collection=name, **extra)


def _sample_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Where a sample of the user's vectors comes from: a .npy file, or a live collection through its URL."""
    for option in reversed([
        click.argument("url", required=False),
        click.option("--collection", help="With URL: sample this collection's stored vectors through the public "
                     "API."),
        click.option("--vectors", "vectors_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                     help="A .npy file of your vectors (rows x dims) to measure recall on."),
        click.option("--sample", type=click.IntRange(2), default=2000, show_default=True,
                     help="Vectors used at most."),
        click.option("--queries", type=click.IntRange(1), default=50, show_default=True,
                     help="Sample rows held out as queries (the last ones)."),
        click.option("--timeout", type=click.FloatRange(0.1, 300), default=5.0, show_default=True),
    ]):
        command = option(command)
    return command


def _read_sample(url: str | None, collection: str | None, vectors_path: Path | None, sample: int, timeout: float,
                 dims: int | None, distance: str) -> tuple[Any, str, int | None, str]:
    """(vectors or None, where they came from, dims, distance): a live collection brings its own metric."""
    from ..toolkit.advise.sample import SampleError, from_endpoint, from_file

    if vectors_path and url:
        raise click.UsageError("give either --vectors or URL --collection, not both")
    if url and not collection:
        raise click.UsageError("URL needs --collection")
    matrix, source = None, "plan"
    try:
        if vectors_path:
            matrix, source = from_file(vectors_path, sample), str(vectors_path)
        elif url and collection:
            target = build_target(url, None, None, {}, None, timeout)
            matrix, distance = from_endpoint(target, collection, sample)
            source = f"{target.describe()} {collection}"
    except SampleError as exc:
        raise click.UsageError(str(exc)) from None
    if matrix is not None:
        if dims is not None and dims != matrix.shape[1]:
            raise click.UsageError(f"--dims {dims} but the vectors have {matrix.shape[1]} dimensions")
        dims = int(matrix.shape[1])
    return matrix, source, dims, distance


def _finish(report: Report, started: float, as_json: bool) -> None:
    report.duration_s = time.perf_counter() - started
    print_report(report, as_json)
    sys.exit(report.exit_code)


@click.group(cls=_AdviseGroup, no_args_is_help=False)
def advise() -> None:
    """Plan a collection: HNSW parameters and latency, compression trade-offs, embedding models, resources."""


@advise.command(cls=ToolkitCommand)
@_plan_options(objects_required=True)
@click.option("--ef", type=click.IntRange(-1), help="Use this ef instead of the advised one (-1: dynamic).")
@click.option("--filters", "filter_share", type=click.FloatRange(0.0, 1.0, min_open=True),
              help="Share of the objects a typical filter matches (e.g. 0.01).")
@click.option("--qps", type=click.FloatRange(0.0, min_open=True), help="Target queries per second.")
@click.option("--recalibrate", is_flag=True, help="Measure this machine's constants again (cached otherwise).")
@_sample_options
def hnsw(objects, dims, distance, max_connections, recall_target, k, name, as_json, ef, filter_share, qps,
         recalibrate, url, collection, vectors_path, sample, queries, timeout) -> None:
    """ef / efConstruction / maxConnections for --recall-target, and latency estimates from constants measured
    on this machine. With a sample of your vectors (--vectors FILE.npy, or URL --collection), the recall of each
    parameter tier is measured on it and the cheapest tier reaching the target is advised."""
    from ..toolkit.advise import advise_hnsw

    started = time.perf_counter()
    matrix, source, dims, distance = _read_sample(url, collection, vectors_path, sample, timeout, dims, distance)
    plan = _plan(objects, dims, distance, max_connections, recall_target, k, name, ef=ef,
                 filter_share=filter_share, qps=qps)
    report = Report("advise", f"plan: {objects} x {plan.dims}-d hnsw" + (f"; sample: {source}"
                                                                          if matrix is not None else ""))
    with progress("calibrating" if recalibrate else "estimating") as status:
        try:
            advise_hnsw(plan, report, recalibrate, matrix, queries,
                        (lambda text: status.update(text)) if status is not None else None)
        except ValueError as exc:          # a sample too small, or a metric the tiers cannot measure
            raise click.UsageError(str(exc)) from None
    _finish(report, started, as_json)


@advise.command(cls=ToolkitCommand)
@_plan_options(objects_required=True)
@_sample_options
@click.option("--rescore", type=click.IntRange(1), default=100, show_default=True,
              help="Candidates re-ranked with the full vectors for PQ and BQ's rescored recall (SQ and RQ use "
              "Weaviate's documented rescoreLimit defaults: 20, 20, 512 for 1-bit).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of PQ/RQ training (reproducible).")
def compression(objects, dims, distance, max_connections, recall_target, k, name, as_json, url, collection,
                vectors_path, sample, queries, rescore, seed, timeout) -> None:
    """PQ / SQ / BQ / RQ side by side: memory at --objects and, with a sample of your vectors, the recall each
    keeps (exact numpy brute force as the reference)."""
    from ..toolkit.advise import advise_compression

    started = time.perf_counter()
    matrix, source, dims, distance = _read_sample(url, collection, vectors_path, sample, timeout, dims, distance)
    plan = _plan(objects, dims, distance, max_connections, recall_target, k, name)
    report = Report("advise", f"compression for {objects} x {plan.dims}-d; sample: {source}")
    with progress("measuring compression recall"):
        try:
            advise_compression(plan, report, matrix, queries, rescore, seed)
        except ValueError as exc:          # a sample too small for --queries + k
            raise click.UsageError(str(exc)) from None
    _finish(report, started, as_json)


@advise.command(cls=ToolkitCommand)
@_plan_options(objects_required=False)
def embedding(objects, dims, distance, max_connections, recall_target, k, name, as_json) -> None:
    """Embedding models measured for this project: dimensions, quality, speed, cost, offline availability, and
    the memory each needs at --objects."""
    from ..toolkit.advise import advise_embedding

    started = time.perf_counter()
    report = Report("advise", f"embedding models for {objects} objects")
    advise_embedding(objects, max_connections, report)
    _finish(report, started, as_json)


@advise.command(cls=ToolkitCommand)
@_plan_options(objects_required=True)
@click.option("--object-bytes", type=click.IntRange(1), help="Average stored object size (properties), for disk.")
@click.option("--memory-gib", type=click.FloatRange(0.0, min_open=True), help="The machine's memory: say "
              "which compressions fit in 80 % of it.")
def resources(objects, dims, distance, max_connections, recall_target, k, name, as_json, object_bytes,
              memory_gib) -> None:
    """Memory and disk for --objects x --dims, uncompressed and with each compression."""
    from ..toolkit.advise import advise_resources

    started = time.perf_counter()
    plan = _plan(objects, dims, distance, max_connections, recall_target, k, name)
    report = Report("advise", f"resources for {objects} x {plan.dims}-d")
    advise_resources(plan, report, object_bytes, memory_gib)
    _finish(report, started, as_json)
