"""`loomdb doctor` and `loomdb audit`: parse the shared options, call one toolkit function, print, exit with the
report's code (0 good, 1 below HIGH, 2 HIGH, 3 CRITICAL/unreachable; 4 usage, from ToolkitCommand)."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from .render import print_report, progress
from .toolkit_options import LazyChoice, ToolkitCommand, build_target, endpoint_options

if TYPE_CHECKING:
    from ..toolkit.fix import Change


def _confirm(changes: list[Change], yes: bool) -> bool:
    """Show the plan on stderr; apply on --yes, else only when a person at a terminal says so."""
    click.echo("Planned changes:", err=True)
    for change in changes:
        click.echo(f"  {change.collection}: {change.parameter} {change.before} -> {change.after}  ({change.reason})",
                   err=True)
    if yes:
        return True
    if not sys.stdin.isatty():
        click.echo("Not applied: no terminal to confirm on (use --yes).", err=True)
        return False
    return click.confirm("Apply these changes?", default=False, err=True)


def _int_list(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, ...]:
    try:
        return tuple(int(v) for v in value.split(",")) if value else ()
    except ValueError:
        raise click.BadParameter(f"expected comma-separated integers, got {value!r}", ctx=ctx, param=param) from None


@click.command(cls=ToolkitCommand)
@endpoint_options
@click.option("--symptom", "symptoms", multiple=True, type=LazyChoice("loomdb.toolkit.doctor_checks", "SYMPTOMS"),
              help="Add the targeted checks for a symptom (repeatable).")
def doctor(url, grpc_port, api_key, headers, metrics_port, timeout, as_json, symptoms) -> None:
    """Triage a Weaviate-compatible endpoint in seconds: REST, gRPC, versions, auth, nodes, shards, smoke queries.

    URL defaults to http://localhost:8080 (env LOOMDB_URL); ?grpc_port=N sets the gRPC port."""
    from ..toolkit.doctor_checks import doctor as run_doctor  # the official client: paid by doctor only

    target = build_target(url, grpc_port, api_key, headers, metrics_port, timeout)
    with progress(f"loomdb doctor {target.describe()}"):
        report = run_doctor(target, symptoms=tuple(symptoms))
    print_report(report, as_json)
    sys.exit(report.exit_code)


@click.command(cls=ToolkitCommand)
@endpoint_options
@click.argument("collections", nargs=-1)
@click.option("-k", "k", type=click.IntRange(1, 1000), default=10, show_default=True, help="Recall@k.")
@click.option("--queries", type=click.IntRange(1, 100_000), default=100, show_default=True,
              help="Stored vectors sampled as queries for recall.")
@click.option("--max-vectors", type=click.IntRange(1), default=20_000, show_default=True,
              help="Fetch at most this many vectors for the exact reference (larger collections skip recall).")
@click.option("--selectivity", "selectivities", type=click.FloatRange(0.0, 1.0, min_open=True), multiple=True,
              default=(0.1,), show_default=True, help="Filtered recall at this share of the objects (repeatable).")
@click.option("--ef-sweep", callback=_int_list, help="Comma-separated ef values to measure recall/latency at "
              "(sets ef temporarily through the schema API and restores it).")
@click.option("--profile-rounds", type=click.IntRange(1, 10_000), default=20, show_default=True,
              help="Queries per shape in the latency profile.")
@click.option("--seed", type=int, default=0, show_default=True, help="Sampling seed (reproducible runs).")
@click.option("--fix", "preset", type=LazyChoice("loomdb.toolkit.fix", "PRESETS"),
              help="Plan changes of mutable settings from the measurements, apply them after confirmation, and "
              "audit again (recall: raise ef to the smallest swept value reaching --target-recall).")
@click.option("--target-recall", type=click.FloatRange(0.0, 1.0), default=0.95, show_default=True,
              help="Recall@k the recall preset aims for.")
@click.option("--yes", is_flag=True, help="Apply the --fix plan without asking.")
def audit(url, grpc_port, api_key, headers, metrics_port, timeout, as_json, collections, k, queries, max_vectors,
          selectivities, ef_sweep, profile_rounds, seed, preset, target_recall, yes) -> None:
    """Review collections' configuration against their real size, measure the live index's recall and the query
    latency profile. COLLECTION... defaults to all collections."""
    from ..toolkit.audit_checks import AuditOptions
    from ..toolkit.audit_checks import audit as run_audit
    from ..toolkit.fix import audit_and_fix

    target = build_target(url, grpc_port, api_key, headers, metrics_port, timeout)
    options = AuditOptions(k=k, queries=queries, max_vectors=max_vectors, selectivities=tuple(selectivities),
                           ef_sweep=ef_sweep, profile_rounds=profile_rounds, seed=seed)
    with progress("loomdb audit") as status:
        step = (lambda text: status.update(text)) if status is not None else None
        if preset:
            report = audit_and_fix(target, collections, options, preset, target_recall,
                                   lambda changes: _confirm(changes, yes), step)
        else:
            report = run_audit(target, collections, options, progress=step)
    print_report(report, as_json)
    sys.exit(report.exit_code)
