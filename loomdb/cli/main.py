"""`loomdb` command line. Each command parses flags and calls one function; decisions live elsewhere."""
from __future__ import annotations

import logging
import signal
import sys
import threading
from pathlib import Path

import click

from .. import WEAVIATE_VERSION, __version__
from ..config import Settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="loomdb")
def cli() -> None:
    """loomdb: a Weaviate-compatible vector database (REST + gRPC) in pure Python."""


@cli.command()
@click.option("--host", default=None,
              help="Address REST and gRPC listen on [default: 127.0.0.1; env LOOMDB_HOST; 0.0.0.0 in the image].")
@click.option("--port", type=int, default=None, help="REST port [default: 8080; env LOOMDB_PORT].")
@click.option("--grpc-port", type=int, default=None, help="gRPC port [default: 50051; env GRPC_PORT].")
@click.option("--data", "data_path", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Data directory [default: ./loomdb-data; env PERSISTENCE_DATA_PATH].")
@click.option("--config-file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Weaviate's YAML config file; environment variables win over its keys.")
def serve(host: str | None, port: int | None, grpc_port: int | None, data_path: Path | None,
          config_file: Path | None) -> None:
    """Run the server until SIGINT/SIGTERM, then finish in-flight writes, flush and exit 0.

    Weaviate's environment variables work unchanged: PERSISTENCE_DATA_PATH, QUERY_DEFAULTS_LIMIT,
    QUERY_MAXIMUM_RESULTS, GRPC_MAX_MESSAGE_SIZE, AUTOSCHEMA_ENABLED, DISABLE_TELEMETRY, ... (the README lists
    every Weaviate variable and what loomdb does with it)."""
    from ..server.app import StartupError, start_server_process

    try:
        settings = Settings.load(config_file).with_overrides(host=host, port=port, grpc_port=grpc_port,
                                                             data_path=data_path)
    except ValueError as exc:       # the config file's ConfigFileError
        raise click.ClickException(str(exc)) from None
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        server = start_server_process(settings)
    except StartupError as exc:
        raise click.ClickException(str(exc)) from None
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"loomdb {__version__} (Weaviate API {WEAVIATE_VERSION}) data: {settings.data_path.resolve()}")
    click.echo(f"  REST  http://{settings.host}:{server.rest_port}")
    click.echo(f"  gRPC  {settings.host}:{server.grpc_port}")
    click.echo("  Ctrl-C to stop")
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    click.echo("loomdb: stopping (finishing in-flight requests)")
    server.stop()
    click.echo("loomdb: stopped cleanly")


def _add_toolkit_commands() -> None:
    from .cmd_advise import advise
    from .cmd_bench import bench
    from .cmd_change import change
    from .cmd_incident import incident
    from .cmd_lint import lint
    from .cmd_migrate import migrate
    from .cmd_monitor import monitor
    from .toolkit_commands import audit, doctor

    for command in (doctor, audit, bench, advise, migrate, lint, monitor, incident, change):
        cli.add_command(command)


_add_toolkit_commands()

if __name__ == "__main__":
    cli()
