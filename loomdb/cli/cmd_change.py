"""`loomdb change plan|apply|rollback [URL] FILE`: parse the options, call the toolkit, show the plan (a table of
changes on a terminal), print the report, exit with its code."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..toolkit.report import Report
from .render import print_report, progress
from .toolkit_options import ToolkitCommand, ToolkitUsageError, build_target, endpoint_options

if TYPE_CHECKING:
    from ..toolkit.change import ChangeOptions

_EXIT_CODES = """\b
Exit codes (like terraform plan -detailed-exitcode):
  0  nothing to change (apply: applied and validated)
  1  changes pending (apply: not confirmed)
  2  blocked: destructive changes without --allow-destructive, a rebuild of a collection not behind an alias
     without --adopt-alias, a config the endpoint refuses (apply: a step failed)
  3  endpoint unreachable
  4  usage error, unreadable or invalid FILE"""


class _ToolkitGroup(ToolkitCommand, click.Group):
    """A group whose usage errors (unknown subcommand, missing argument) exit with 4 like its commands'."""


@click.group(cls=_ToolkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
def change() -> None:
    """Schema as code: diff a desired-state file against an endpoint, apply it with zero-downtime alias swaps for
    what Weaviate cannot change in place, roll back from the ledger."""


def _plan_options(command: Any) -> Any:
    for decorate in reversed([
        click.argument("file", required=False),
        click.option("--prune", is_flag=True, help="Also drop collections and aliases the file does not name."),
        click.option("--allow-destructive", is_flag=True,
                     help="Allow changes that lose data (removed properties/vectors, deleted tenants, drops)."),
        click.option("--adopt-alias", is_flag=True, help="Rebuild a collection that is not behind an alias: copy it "
                     "to <Name>_v1, drop it, re-create <Name> as an alias of <Name>_v1 (the name does not resolve "
                     "for the moment between), then swap as usual."),
        click.option("--copy-rate", type=click.FloatRange(1, min_open=False), metavar="OBJECTS/S",
                     help="Copy speed for the estimate; without it a 200-object probe is copied into a scratch "
                     "collection with the new config (and dropped), which also checks the endpoint accepts it."),
    ]):
        command = decorate(command)
    return command


def _paths(url: str | None, file: str | None) -> tuple[str | None, str]:
    """`[URL] FILE`: with one positional, it is the FILE and the URL comes from LOOMDB_URL or the default."""
    if file is None:
        if url is None:
            raise ToolkitUsageError("missing FILE (the desired state, JSON or YAML)")
        return os.environ.get("LOOMDB_URL"), url
    return url, file


def _load(file: str) -> Any:
    from ..toolkit.change import DesiredStateError, load

    try:
        return load(file)
    except DesiredStateError as exc:
        raise ToolkitUsageError(f"invalid desired state: {exc}") from None


def _options(prune: bool, allow_destructive: bool, adopt_alias: bool, copy_rate: float | None,
             **more: Any) -> ChangeOptions:
    from ..toolkit.change import ChangeOptions

    return ChangeOptions(prune=prune, allow_destructive=allow_destructive, adopt_alias=adopt_alias,
                         copy_rate=copy_rate, **more)


@change.command("plan", cls=ToolkitCommand, epilog=_EXIT_CODES)
@endpoint_options
@_plan_options
def plan(url, grpc_port, api_key, headers, metrics_port, timeout, as_json, file, prune, allow_destructive,
         adopt_alias, copy_rate) -> None:
    """Diff FILE against the endpoint (URL, default http://localhost:8080 or env LOOMDB_URL) and classify each
    change: in place, new collection + copy + alias swap, or destructive; estimate the copies. `loomdb change
    format` describes FILE."""
    url, file = _paths(url, file)
    from ..toolkit.change.planning import make

    desired = _load(file)
    target = build_target(url, grpc_port, api_key, headers, metrics_port, timeout)
    with progress("loomdb change plan"):
        report = make(target, desired, _options(prune, allow_destructive, adopt_alias, copy_rate)).report
    _show(report, as_json)
    sys.exit(report.exit_code)


@change.command("apply", cls=ToolkitCommand, epilog=_EXIT_CODES)
@endpoint_options
@_plan_options
@click.option("--yes", is_flag=True, help="Apply without asking.")
@click.option("--ledger", type=click.Path(dir_okay=False, path_type=Path),
              help="Ledger file (JSON Lines) [default: .loomdb/change-ledger.jsonl next to FILE].")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=500, show_default=True,
              help="Objects per read page and write batch when copying.")
def apply_command(url, grpc_port, api_key, headers, metrics_port, timeout, as_json, file, prune, allow_destructive,
                  adopt_alias, copy_rate, yes, ledger, batch_size) -> None:
    """Plan, confirm, then run each step and check the live state after it; every step goes to the ledger."""
    from ..toolkit.change import apply

    url, file = _paths(url, file)
    desired = _load(file)
    target = build_target(url, grpc_port, api_key, headers, metrics_port, timeout)
    options = _options(prune, allow_destructive, adopt_alias, copy_rate, ledger=ledger, batch_size=batch_size)
    with progress("loomdb change apply") as status:
        step = (lambda text: status.update(f"loomdb change apply: {text}")) if status is not None else None
        report = apply(target, desired, options, lambda plan_report: _confirm(plan_report, yes, status), step)
    _show(report, as_json)
    sys.exit(report.exit_code)


@change.command("rollback", cls=ToolkitCommand, epilog=_EXIT_CODES)
@endpoint_options
@click.option("--ledger", type=click.Path(dir_okay=False, path_type=Path),
              help="The ledger apply wrote [default: .loomdb/change-ledger.jsonl, where apply writes it next to the "
              "desired-state file].")
@click.option("--drop-new", is_flag=True, help="Also drop the collections (and delete the tenants) the apply "
              "created, after confirmation.")
@click.option("--yes", is_flag=True, help="Confirm --drop-new without asking.")
def rollback_command(url, grpc_port, api_key, headers, metrics_port, timeout, as_json, ledger, drop_new,
                     yes) -> None:
    """Undo the newest apply in the ledger: aliases swapped back, in-place settings put back where Weaviate allows;
    the collections it created are kept unless --drop-new."""
    from ..toolkit.change import rollback
    from ..toolkit.change.ledger import DEFAULT_NAME

    ledger = ledger or DEFAULT_NAME
    if not ledger.exists():
        raise ToolkitUsageError(f"no ledger at {ledger} (pass --ledger; apply writes {DEFAULT_NAME} next to FILE)")
    if drop_new and not yes:
        if not sys.stdin.isatty():
            raise ToolkitUsageError("--drop-new deletes data: confirm with --yes when not on a terminal")
        if not click.confirm("Drop the collections and tenants the last apply created?", default=False, err=True):
            drop_new = False
    target = build_target(url, grpc_port, api_key, headers, metrics_port, timeout)
    report = rollback(target, ledger, drop_new)
    print_report(report, as_json)
    sys.exit(report.exit_code)


@change.command("format")
def file_format() -> None:
    """Print the desired-state file format."""
    from ..toolkit.change import desired as desired_file

    click.echo(desired_file.__doc__)


def _confirm(report: Report, yes: bool, status: Any) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        click.echo("Not applied: no terminal to confirm on (use --yes).", err=True)
        return False
    if status is not None:
        status.stop()
    _changes_table(report, err=True)
    answer = click.confirm("Apply these changes?", default=False, err=True)
    if status is not None:
        status.start()
    return answer


def _show(report: Report, as_json: bool) -> None:
    if not as_json and sys.stdout.isatty():
        _changes_table(report)
    print_report(report, as_json)


def _changes_table(report: Report, err: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    from ..toolkit.change.planning import short

    rows = report.measurements.get("changes") or []
    if not rows:
        return
    style = {"in_place": "green", "rebuild": "yellow", "destructive": "bold red"}
    table = Table(title="planned changes")
    for column in ("collection", "change", "before", "after", "kind"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row["collection"], row["change"], short(row["before"]), short(row["after"]),
                      f"[{style[row['kind']]}]{row['kind']}[/]")
    Console(stderr=err).print(table)
