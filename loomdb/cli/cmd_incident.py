"""`loomdb incident record|list|show|close|annotate|patterns|runbook`: parse the options, call the incident
toolkit, print (one JSON Report with --json, rich tables and panels on a terminal, plain lines otherwise). `record`
exits with the code of its symptoms like `doctor` (0 none, 1 below HIGH, 2 HIGH, 3 CRITICAL/unreachable); the
other subcommands exit 0, and 4 on a usage error (unknown id, unreadable database)."""
from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table

from ..toolkit import Finding, Report, Severity
from ..toolkit.incident import (
    BY_TAG,
    CaptureOptions,
    Incident,
    IncidentStore,
    StoreError,
    UnknownIncident,
    close,
    load,
    matching,
    patterns,
    record,
)
from ..toolkit.incident.capture import DEFAULT_LOG_LINES, DEFAULT_WINDOW_S
from .render import print_report, progress
from .toolkit_options import ToolkitCommand, ToolkitUsageError, build_target, endpoint_options


class _ToolkitGroup(ToolkitCommand, click.Group):
    """A group whose usage errors (unknown subcommand, missing argument) exit with 4 like its commands'."""


@click.group(cls=_ToolkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
def incident() -> None:
    """Record incidents (doctor + audit + a metrics window + errors + notes) in a local SQLite file, list and show
    them, record their cause, find recurring patterns, and read the runbooks that match."""


def _db_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
                        envvar="LOOMDB_INCIDENT_DB", help="Incident database [default: ~/.loomdb/incidents.sqlite; "
                        "env LOOMDB_INCIDENT_DB].")(command)


def _runbooks_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--runbooks", "runbook_dir", type=click.Path(file_okay=False, path_type=Path),
                        envvar="LOOMDB_RUNBOOKS", help="Your runbook directory: its files override and extend the "
                        "shipped ones [default: ~/.loomdb/runbooks; env LOOMDB_RUNBOOKS].")(command)


def _json_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON document (schema: "
                        "loomdb.toolkit.schema.REPORT_SCHEMA).")(command)


# --- record -----------------------------------------------------------------------------------------------------

@incident.command("record", cls=ToolkitCommand)
@endpoint_options
@click.option("--title", required=True, help="One line: what is wrong, as users see it.")
@click.option("--note", "notes", multiple=True, help="The operator's notes (repeatable).")
@click.option("--note-file", type=click.File("r"), help="Notes from a file ('-' reads stdin, no editor).")
@click.option("--window", "window_s", type=click.FloatRange(0.0, 3600.0), default=DEFAULT_WINDOW_S,
              show_default=True, help="Seconds between the first and the last metrics snapshot.")
@click.option("--snapshots", type=click.IntRange(2, 100), default=2, show_default=True,
              help="Metrics snapshots over the window.")
@click.option("--recording", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Use a `loomdb monitor --record` file as the metrics window instead of live snapshots.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Attach the tail of this server log file.")
@click.option("--log-lines", type=click.IntRange(1, 100_000), default=DEFAULT_LOG_LINES, show_default=True,
              help="Lines of --log to keep.")
@click.option("--no-audit", is_flag=True, help="Skip the audit (recall and profile queries add load).")
@_db_option
def record_command(url, grpc_port, api_key, headers, metrics_port, timeout, as_json, title, notes, note_file,
                   window_s, snapshots, recording, log_path, log_lines, no_audit, db_path) -> None:
    """Capture the target's state now (works when it is down: that is recorded too) with your notes, derive its
    symptoms and store it. URL defaults to http://localhost:8080 (env LOOMDB_URL)."""
    target = build_target(url, grpc_port, api_key, headers, metrics_port, timeout)
    text = "\n".join([*notes, note_file.read().strip() if note_file else ""]).strip()
    options = CaptureOptions(window_s=window_s, snapshots=snapshots, recording=recording, log=log_path,
                             log_lines=log_lines, run_audit=not no_audit)
    store = IncidentStore(db_path)
    with progress("loomdb incident record") as status:
        def step(description: str) -> None:
            if status is not None:
                status.update(f"loomdb incident record: {description}")
        try:
            recorded = record(target, title, text, options, store, step)
        except StoreError as exc:
            raise ToolkitUsageError(str(exc)) from None
    report = _record_report(recorded, store, load(None))
    if not as_json:
        click.echo(f"recorded incident #{recorded.id} in {store.path}")
    print_report(report, as_json)
    sys.exit(report.exit_code)


def _record_report(recorded: Incident, store: IncidentStore, books: dict[str, Any]) -> Report:
    report = Report("incident", recorded.target, duration_s=time.time() - recorded.recorded_at,
                    unreachable=bool((recorded.doctor or {}).get("unreachable")))
    for symptom in recorded.symptoms:
        found = matching([symptom["tag"]], books)
        report.add(Finding(
            f"symptom.{symptom['tag']}", Severity[symptom["severity"]], BY_TAG[symptom["tag"]].title,
            "; ".join(symptom["evidence"]), action=f"loomdb incident runbook {symptom['tag']}"
            + (f" ({found[0].title})" if found else ""), data={"tag": symptom["tag"]}))
    report.measurements = {"incident_id": recorded.id, "db": str(store.path), "title": recorded.title,
                           "symptoms": recorded.tags, "capture_errors": recorded.capture_errors,
                           "window": recorded.window}
    return report


# --- list / show ------------------------------------------------------------------------------------------------

@incident.command("list", cls=ToolkitCommand)
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="Newest first, at most this many.")
@_db_option
@_json_option
def list_command(limit, db_path, as_json) -> None:
    """The recorded incidents, newest first: id, time, target, title, symptoms, cause."""
    store = IncidentStore(db_path)
    rows = [_row(i) for i in _read(lambda: store.all(limit))]
    report = Report("incident", str(store.path), measurements={"incidents": rows})
    if as_json:
        print_report(report, True)
        return
    _table(f"incidents in {store.path}", ("id", "time (UTC)", "target", "title", "symptoms", "cause"),
           [[str(r["id"]), r["time"], r["target"], r["title"], ", ".join(r["symptoms"]), r["cause"] or
             ("(open)" if r["open"] else "")] for r in rows])


def _row(item: Incident) -> dict[str, Any]:
    return {"id": item.id, "time": _when(item.recorded_at), "recorded_at": item.recorded_at, "target": item.target,
            "title": item.title, "symptoms": item.tags, "cause": item.cause, "open": item.closed_at is None}


@incident.command("show", cls=ToolkitCommand)
@click.argument("incident_id", type=int)
@_db_option
@_runbooks_option
@_json_option
def show_command(incident_id, db_path, runbook_dir, as_json) -> None:
    """Everything recorded for one incident: symptoms with evidence, notes, metrics window, doctor and audit
    findings, log tail, cause and resolution, and the runbooks that match."""
    store = IncidentStore(db_path)
    item = _read(lambda: store.get(incident_id))
    if item is None:
        raise ToolkitUsageError(f"no incident #{incident_id} in {store.path}")
    books = [b.name for b in matching(item.tags, load(runbook_dir))]
    report = Report("incident", item.target, measurements={"incident": item.to_dict(), "runbooks": books})
    if as_json:
        print_report(report, True)
        return
    _print_incident(item, books)


def _print_incident(item: Incident, books: list[str]) -> None:
    status = f"closed {_when(item.closed_at)}" if item.closed_at else "open"
    _panel(f"incident #{item.id}: {item.title}",
           f"recorded {_when(item.recorded_at)} UTC on {item.target}\nstatus: {status}\n"
           f"cause: {item.cause or '-'}\nresolution: {item.resolution or '-'}")
    _table("symptoms", ("symptom", "severity", "evidence"),
           [[s["tag"], s["severity"], "\n".join(s["evidence"])] for s in item.symptoms])
    if books:
        _panel("runbooks", "\n".join(f"loomdb incident runbook {name}" for name in books))
    if item.notes:
        _panel("notes", item.notes)
    _table("metrics window", ("figure", "value"), [[k, _figure(k, v)] for k, v in item.window.items()],
           lines=False)
    for name, doc in (("doctor", item.doctor), ("audit", item.audit)):
        if doc:
            _table(f"{name} findings (exit {doc.get('exit_code')})", ("severity", "check", "finding"),
                   [[f["severity"], f["check"], f["title"]] for f in doc.get("findings", [])])
    if item.capture_errors:
        _panel("not captured", "\n".join(item.capture_errors))
    if item.log_tail:
        _panel("log tail", item.log_tail)


# --- close / annotate -------------------------------------------------------------------------------------------

@incident.command("close", cls=ToolkitCommand)
@click.argument("incident_id", type=int)
@click.option("--cause", required=True, help="What the cause turned out to be.")
@click.option("--resolution", required=True, help="What fixed it.")
@_db_option
@_runbooks_option
@_json_option
def close_command(incident_id, cause, resolution, db_path, runbook_dir, as_json) -> None:
    """Record the cause and resolution, close the incident, and append both under "Seen before" in your copy of
    the matching runbook (copied from the shipped one on first write)."""
    store = IncidentStore(db_path)
    try:
        closed, updated = _read(lambda: close(store, incident_id, cause, resolution, runbook_dir))
    except UnknownIncident:
        raise ToolkitUsageError(f"no incident #{incident_id} in {store.path}") from None
    report = Report("incident", closed.target, measurements={
        "incident_id": closed.id, "cause": cause, "resolution": resolution, "closed_at": closed.closed_at,
        "runbook_updated": str(updated) if updated else None})
    if as_json:
        print_report(report, True)
        return
    click.echo(f"closed incident #{closed.id}" + (f"; added to {updated}" if updated else
                                                   "; no runbook matches its symptoms"))


@incident.command("annotate", cls=ToolkitCommand)
@click.argument("incident_id", type=int)
@click.option("--cause", help="What the cause turned out to be.")
@click.option("--resolution", help="What fixed it.")
@click.option("--note", help="A note appended to the incident's notes.")
@_db_option
@_json_option
def annotate_command(incident_id, cause, resolution, note, db_path, as_json) -> None:
    """Add what you learnt to an incident without closing it (no runbook is changed)."""
    store = IncidentStore(db_path)
    item = _read(lambda: store.annotate(incident_id, cause=cause, resolution=resolution, note=note))
    if item is None:
        raise ToolkitUsageError(f"no incident #{incident_id} in {store.path}")
    report = Report("incident", item.target, measurements={"incident": _row(item)})
    if as_json:
        print_report(report, True)
        return
    click.echo(f"annotated incident #{item.id}")


# --- patterns / runbook -----------------------------------------------------------------------------------------

@incident.command("patterns", cls=ToolkitCommand)
@_db_option
@_runbooks_option
@_json_option
def patterns_command(db_path, runbook_dir, as_json) -> None:
    """Recorded incidents grouped by symptom set and by recorded cause: counts, recency, the runbook to open."""
    store = IncidentStore(db_path)
    found = patterns(_read(store.all), load(runbook_dir))
    report = Report("incident", str(store.path), measurements=found)
    if as_json:
        print_report(report, True)
        return
    for title, key, other in (("by symptoms", "symptoms", "causes"), ("by cause", "cause", "symptoms")):
        _table(f"incident patterns {title}", (key, "count", "open", "last (UTC)", "ids", other, "runbook"),
               [[r["key"], str(r["count"]), str(r["open"]), _when(r["last_at"]), ", ".join(map(str, r["ids"])),
                 "; ".join(r[other]) or "-", f"loomdb incident runbook {r['runbook']}" if r["runbook"] else "-"]
                for r in found[f"by_{key}"]])


@incident.command("runbook", cls=ToolkitCommand)
@click.argument("symptom", required=False)
@click.option("--list", "list_all", is_flag=True, help="List every runbook, the symptoms it handles and its origin.")
@_runbooks_option
@_json_option
def runbook_command(symptom, list_all, runbook_dir, as_json) -> None:
    """Print the runbook for SYMPTOM (a symptom tag such as grpc-unreachable, or a runbook name)."""
    books = load(runbook_dir)
    if list_all or not symptom:
        rows: list[dict[str, Any]] = [{"name": b.name, "title": b.title, "symptoms": list(b.symptoms),
                                       "origin": b.origin} for b in sorted(books.values(), key=lambda b: b.name)]
        if as_json:
            print_report(Report("incident", "runbooks", measurements={"runbooks": rows}), True)
            return
        _table("runbooks", ("name", "symptoms", "title", "origin"),
               [[r["name"], ", ".join(r["symptoms"]), r["title"], r["origin"]] for r in rows])
        return
    found = [books[symptom]] if symptom in books else matching([symptom], books)
    if not found:
        raise ToolkitUsageError(f"no runbook for {symptom!r} (see `loomdb incident runbook --list`)")
    book = found[0]
    if as_json:
        print_report(Report("incident", "runbooks", measurements={"runbook": {
            "name": book.name, "title": book.title, "symptoms": list(book.symptoms), "origin": book.origin,
            "text": book.text}}), True)
    elif sys.stdout.isatty():
        Console().print(Markdown(book.text.split("---", 2)[-1] if book.text.startswith("---") else book.text))
        Console().print(f"[dim]{book.origin}[/]")
    else:
        sys.stdout.write(book.text)


# --- helpers ----------------------------------------------------------------------------------------------------

def _read(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except StoreError as exc:
        raise ToolkitUsageError(str(exc)) from None


def _when(seconds: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds)) if seconds else "-"


def _figure(key: str, value: Any) -> str:
    if key.endswith("_at") and isinstance(value, (int, float)):
        return f"{_when(value)} UTC"
    return json.dumps(value, default=str) if isinstance(value, (dict, list)) else str(value)


def _table(title: str, columns: tuple[str, ...], rows: list[list[str]], lines: bool = True) -> None:
    """A rich table on a terminal; " | "-separated plain lines otherwise (pipes, files, CI logs)."""
    if not sys.stdout.isatty():
        out = [f"{title}:", *("  " + " | ".join(cell.replace("\n", "; ") for cell in row) for row in rows)]
        sys.stdout.write("\n".join(out if rows else [*out, "  (none)"]) + "\n")
    elif not rows:
        Console().print(f"{title}: [dim](none)[/]")
    else:
        table = Table(title=title, show_lines=lines)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*row)
        Console().print(table)


def _panel(title: str, body: str) -> None:
    if sys.stdout.isatty():
        Console().print(Panel(body, title=title, title_align="left"))
    else:
        sys.stdout.write(f"{title}:\n" + "\n".join(f"  {line}" for line in body.splitlines()) + "\n")
