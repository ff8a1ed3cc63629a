"""`loomdb migrate copy SRC DST [COLLECTION...]` (and `migrate schema`): parse the options, call the toolkit, show
progress on stderr, print the report, exit with its code (0 copied and validated, 1 interrupted, 2 errors or
differences, 3 an endpoint unreachable, 4 usage)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .render import print_report
from .toolkit_options import ToolkitCommand, ToolkitUsageError, build_target


class _ToolkitGroup(ToolkitCommand, click.Group):
    """A group whose usage errors (unknown subcommand, missing argument) exit with 4 like its commands'."""


@click.group(cls=_ToolkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
def migrate() -> None:
    """Move collections between Weaviate-compatible endpoints (loomdb or Weaviate) through their public APIs."""


@migrate.command("copy", cls=ToolkitCommand)
@click.argument("src_url")
@click.argument("dst_url")
@click.argument("collections", nargs=-1)
@click.option("--api-key", envvar="LOOMDB_API_KEY", help="API key for both sides [env LOOMDB_API_KEY].")
@click.option("--src-api-key", help="API key for the source (wins over --api-key).")
@click.option("--dst-api-key", help="API key for the destination (wins over --api-key).")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=1000, show_default=True,
              help="Objects per read page and per write batch.")
@click.option("--parallel", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Tenants copied at the same time.")
@click.option("--writers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Write batches in flight per collection/tenant.")
@click.option("--checkpoint", type=click.Path(dir_okay=False, path_type=Path),
              help="Resume file: written after every batch; run the same command again to resume.")
@click.option("--sample", type=click.IntRange(0, 10_000), default=20, show_default=True,
              help="Objects per collection/tenant compared field by field and vector by vector.")
@click.option("--no-validate", is_flag=True, help="Skip the validation (counts and sample).")
@click.option("--stop-after", type=click.IntRange(1), hidden=True,
              help="Stop a collection/tenant after this many objects (simulates an interruption).")
@click.option("--timeout", type=click.FloatRange(0.1, 600), default=60.0, show_default=True,
              help="Seconds to wait for each answer.")
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON document (the toolkit report).")
def copy(src_url, dst_url, collections, api_key, src_api_key, dst_api_key, batch_size, parallel, writers, checkpoint,
         sample, no_validate, stop_after, timeout, as_json) -> None:
    """Copy the schema (named vectors, index, compression, inverted and multi-tenancy config, references,
    aliases), the tenants with their states, and every object with its vectors (never re-vectorised) from
    SRC_URL to DST_URL; references after all objects exist; then validate. COLLECTION... defaults to all.

    URLs as http[s]://host:port?grpc_port=N."""
    from ..toolkit.migrate import CopyOptions  # the official client and httpx: paid when migrate runs
    from ..toolkit.migrate import copy as run_copy

    source = build_target(src_url, None, src_api_key or api_key, {}, None, timeout)
    destination = build_target(dst_url, None, dst_api_key or api_key, {}, None, timeout)
    if source.base_url == destination.base_url:
        raise ToolkitUsageError("source and destination are the same endpoint")
    options = CopyOptions(collections=tuple(collections), batch_size=batch_size, parallel=parallel, writers=writers,
                          checkpoint=checkpoint, sample=sample, stop_after=stop_after, validate=not no_validate)
    with _progress_bar() as advance:
        report = run_copy(source, destination, options, advance)
    print_report(report, as_json)
    sys.exit(report.exit_code)


class _progress_bar:
    """A bar of objects copied on stderr, only when stderr is a terminal."""

    def __enter__(self):
        if not sys.stderr.isatty():
            self._bar = None
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(TextColumn("copying"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                             console=Console(stderr=True))
        self._task = self._bar.add_task("copy", total=None)
        self._bar.start()
        return self._advance

    def _advance(self, done: int, total: int) -> None:
        self._bar.update(self._task, completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()


@migrate.command("schema", cls=ToolkitCommand)
@click.argument("v3_file", type=click.File("r"))
@click.option("--apply", "apply_url", metavar="URL", help="Create the collections on this endpoint "
              "(http[s]://host:port); existing ones are kept.")
@click.option("--api-key", envvar="LOOMDB_API_KEY", help="API key for --apply [env LOOMDB_API_KEY].")
@click.option("--json", "as_json", is_flag=True, help="Print {\"classes\": [v4 class JSON], \"python\": code}.")
def schema(v3_file, apply_url, api_key, as_json) -> None:
    """Convert Weaviate v3 class JSON (V3_FILE, '-' for stdin) to the v4 collection config: printed as Python
    (`client.collections.create(...)`), created on --apply URL. Exit 2 when a construct has no mapping."""
    import httpx

    from ..toolkit.migrate import schema_copy, v3schema

    try:
        classes = v3schema.classes_of(json.load(v3_file))
        converted = [v3schema.to_v4_json(c) for c in classes]
        python = v3schema.to_python(classes)
    except (ValueError, KeyError) as exc:
        click.echo(f"loomdb migrate schema: cannot convert: {exc}", err=True)
        sys.exit(2)
    if apply_url:
        target = build_target(apply_url, None, api_key, {}, None, 30.0)
        try:
            with target.http() as http:
                schema_copy.create_classes(http, converted)
                schema_copy.add_references(http, converted)
        except httpx.HTTPError as exc:
            click.echo(f"loomdb migrate schema: {target.base_url} does not answer: {exc}", err=True)
            sys.exit(3)
        except schema_copy.SchemaCopyError as exc:
            click.echo(f"loomdb migrate schema: {exc}", err=True)
            sys.exit(2)
    sys.stdout.write(json.dumps({"classes": converted, "python": python}) + "\n" if as_json else python)
