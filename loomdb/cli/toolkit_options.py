"""The interface every toolkit command shares (scripts and CI rely on it): the endpoint options and their
environment variables, and exit code 4 for every usage error (click's own default is 2, which the toolkit uses
for HIGH findings)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from importlib import import_module
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ..toolkit.remote.target import Target

USAGE_EXIT = 4


class LazyChoice(click.Choice):
    """A click.Choice whose values are a constant of the module that implements the command: imported when the
    option is parsed or its help shown, so registering the command (`loomdb --help`) does not import it."""

    def __init__(self, module: str, name: str) -> None:       # noqa: D107 - no super().__init__: choices is lazy
        self._source = (module, name)
        self.case_sensitive = True

    @cached_property
    def choices(self) -> Sequence[str]:  # type: ignore[override]
        module, name = self._source
        return tuple(getattr(import_module(module), name))


class ToolkitUsageError(click.UsageError):
    exit_code = USAGE_EXIT


class ToolkitCommand(click.Command):
    """A click command whose usage errors (bad option, bad value, bad URL) exit with 4."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            if isinstance(exc, ToolkitUsageError):
                raise
            raise ToolkitUsageError(exc.format_message(), exc.ctx) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            if isinstance(exc, ToolkitUsageError):
                raise
            raise ToolkitUsageError(exc.format_message(), exc.ctx) from None


def _header(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    headers = {}
    for value in values:
        name, sep, content = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", ctx=ctx, param=param)
        headers[name.strip()] = content
    return headers


def endpoint_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """URL argument and --grpc-port/--api-key/--header/--metrics-port/--timeout/--json, each with its env var."""
    decorators = [
        click.argument("url", required=False, envvar="LOOMDB_URL"),
        click.option("--grpc-port", type=click.IntRange(1, 65535), envvar="LOOMDB_GRPC_PORT",
                     help="gRPC port [default: 50051, or ?grpc_port=N in the URL; env LOOMDB_GRPC_PORT]."),
        click.option("--api-key", envvar="LOOMDB_API_KEY", help="API key sent as a bearer token [env LOOMDB_API_KEY]."),
        click.option("--header", "headers", multiple=True, callback=_header, envvar="LOOMDB_HEADERS",
                     metavar="NAME=VALUE", help="Extra header, e.g. X-OpenAI-Api-Key=... (repeatable; env "
                     "LOOMDB_HEADERS, space-separated)."),
        click.option("--metrics-port", type=click.IntRange(1, 65535), envvar="LOOMDB_METRICS_PORT",
                     help="Prometheus port on the same host [default: 2112; env LOOMDB_METRICS_PORT]."),
        click.option("--timeout", type=click.FloatRange(0.1, 300), default=5.0, show_default=True,
                     help="Seconds to wait for each REST/gRPC answer."),
        click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON document (schema: "
                     "loomdb.toolkit.schema.REPORT_SCHEMA)."),
    ]
    for decorate in reversed(decorators):
        command = decorate(command)
    return command


def build_target(url: str | None, grpc_port: int | None, api_key: str | None, headers: dict[str, str],
                 metrics_port: int | None, timeout: float) -> Target:
    from ..toolkit.remote.target import Target, TargetError  # httpx: paid by the command that runs

    try:
        target = Target.from_url(url, grpc_port=grpc_port)
    except TargetError as exc:
        raise click.UsageError(str(exc)) from None
    return target.with_options(api_key=api_key or None, headers=headers or None, metrics_port=metrics_port,
                               timeout_s=timeout)
