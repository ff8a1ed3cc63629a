"""`loomdb lint [URL | schema.json]`: parse the options, load the schema and the config, run the rules, print in
the chosen format, exit with the report's code (0 clean, 1 below HIGH, 2 HIGH, 3 CRITICAL/unreachable, 4 usage)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .render import print_report
from .toolkit_options import ToolkitCommand, build_target, endpoint_options

FORMATS = ("text", "json", "github", "gitlab")


def _is_url(source: str | None) -> bool:
    return source is None or source.startswith(("http://", "https://"))


def _explain(key: str) -> None:
    from ..toolkit import lint as tk_lint

    rule = tk_lint.BY_KEY.get(key) or tk_lint.BY_KEY.get(key.upper())
    if rule is None:
        raise click.UsageError(f"unknown rule {key!r} (see `loomdb lint --list-rules`)")
    click.echo(rule.page())


def _list_rules() -> None:
    from ..toolkit import lint as tk_lint

    for rule in tk_lint.RULES:
        live = "  (live endpoint only)" if rule.live_only else ""
        click.echo(f"{rule.id}  {rule.severity.name:<8} {rule.name:<30} {rule.title}{live}")


@click.command(cls=ToolkitCommand)
@endpoint_options
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Lint config (YAML) [default: ./.loomdb-lint.yaml when present].")
@click.option("--format", "output", type=click.Choice(FORMATS), default=None,
              help="text (table on a terminal), json (= --json), github (workflow annotations), gitlab (Code "
              "Quality JSON) [default: text].")
@click.option("--explain", metavar="RULE", help="Print the page of one rule (id or name) and exit.")
@click.option("--list-rules", is_flag=True, help="List every rule and exit.")
def lint(url, grpc_port, api_key, headers, metrics_port, timeout, as_json, config_path, output, explain,
         list_rules) -> None:
    """Check a schema against governance rules: a schema export file (GET /v1/schema's JSON, one class or a list;
    `-` reads stdin) or a live endpoint URL (adds the rules that need object counts).

    URL defaults to http://localhost:8080 (env LOOMDB_URL)."""
    from ..toolkit import lint as tk_lint  # loaded when lint runs, not by every `loomdb` start

    if explain:
        _explain(explain)
        return
    if list_rules:
        _list_rules()
        return
    if as_json and output not in (None, "json"):
        raise click.UsageError("--json and --format are exclusive")
    try:
        config = tk_lint.LintConfig.load(config_path)
        if _is_url(url):
            loaded = tk_lint.from_endpoint(build_target(url, grpc_port, api_key, headers, metrics_port, timeout))
        else:
            loaded = tk_lint.from_file(url)
    except (tk_lint.LintConfigError, tk_lint.SchemaSourceError) as exc:
        raise click.UsageError(str(exc)) from None
    report = tk_lint.run(loaded, config)
    file_path = None if _is_url(url) or url == "-" else url
    if output == "github":
        click.echo(tk_lint.github(report, file_path))
    elif output == "gitlab":
        click.echo(tk_lint.gitlab(report, file_path))
    else:
        print_report(report, as_json or output == "json")
    sys.exit(report.exit_code)
