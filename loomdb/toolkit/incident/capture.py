"""`incident record`: capture what a target shows right now (doctor, audit, a metrics window, the counted errors,
the tail of a log the operator has) with the operator's notes, classify it, and store it. Nothing here may fail
the recording: a target that is down is an incident too, so every part that cannot be captured says why in
`capture_errors` and the rest is kept."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..remote.snapshot import Snapshot, read_recording, take_snapshot
from ..remote.target import Target
from . import window as metrics_window
from .store import Incident, IncidentStore
from .symptoms import classify

DEFAULT_WINDOW_S = 5.0
DEFAULT_LOG_LINES = 200
LOG_TAIL_BYTES = 256 * 1024       # read at most this much from the end of a log file


@dataclass(frozen=True)
class CaptureOptions:
    window_s: float = DEFAULT_WINDOW_S     # the first and last live snapshots are at least this far apart
    snapshots: int = 2
    recording: Path | None = None          # a monitor recording instead of live snapshots
    log: Path | None = None
    log_lines: int = DEFAULT_LOG_LINES
    run_audit: bool = True


def record(target: Target, title: str, notes: str = "", options: CaptureOptions | None = None,
           store: IncidentStore | None = None, progress: Callable[[str], None] | None = None) -> Incident:
    """Capture, classify and store one incident; returns it with its id."""
    incident = capture(target, title, notes, options, progress)
    (store or IncidentStore()).add(incident)
    return incident


def capture(target: Target, title: str, notes: str = "", options: CaptureOptions | None = None,
            progress: Callable[[str], None] | None = None) -> Incident:
    opts = options or CaptureOptions()
    step = progress or (lambda _: None)
    errors: list[str] = []
    started = time.time()
    snapshots: list[Snapshot] = []
    if opts.recording is None:
        step("first metrics snapshot")
        snapshots.append(take_snapshot(target))
    step("doctor")
    doctor_doc = _run("doctor", lambda: _doctor(target), errors)
    audit_doc = None
    if opts.run_audit and _answers_queries(doctor_doc):
        step("audit")
        audit_doc = _run("audit", lambda: _audit(target), errors)
    elif opts.run_audit:
        errors.append("audit: skipped (doctor did not see both REST and gRPC answer)")
    if opts.recording is None:
        snapshots.extend(_rest_of_window(target, snapshots[0].taken_at, opts, step))
        source = "live"
    else:
        snapshots = _read(opts.recording, errors)
        source = f"recording {opts.recording}"
    window = metrics_window.summarise(snapshots, source)
    log_tail = _log_tail(opts.log, opts.log_lines, errors) if opts.log else ""
    return Incident(started, target.describe(), title, notes, classify([doctor_doc, audit_doc], window),
                    doctor_doc, audit_doc, window, log_tail, errors)


def _doctor(target: Target) -> dict[str, Any]:
    from .. import doctor  # the public name: the module behind it may change

    return doctor(target, symptoms=("memory", "import")).to_dict()


def _audit(target: Target) -> dict[str, Any]:
    from .. import audit

    return audit(target).to_dict()


def _answers_queries(doctor_doc: dict[str, Any] | None) -> bool:
    """Whether an audit can run: its queries need REST and gRPC (a dead port would only add timeouts)."""
    if doctor_doc is None or doctor_doc.get("unreachable"):
        return False
    return not any(f["check"] == "grpc.reachable" for f in doctor_doc.get("findings", []))


def _run(what: str, call: Callable[[], dict[str, Any]], errors: list[str]) -> dict[str, Any] | None:
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - whatever broke, the incident is still recorded
        errors.append(f"{what}: {type(exc).__name__}: {exc}")
        return None


def _rest_of_window(target: Target, first_at: float, opts: CaptureOptions,
                    step: Callable[[str], None]) -> list[Snapshot]:
    """The remaining snapshots, spread so the last is `window_s` after the first (doctor and audit's own time
    counts towards the window: no waiting when they took longer)."""
    out = []
    remaining = max(opts.snapshots - 1, 1)
    for index in range(1, remaining + 1):
        due = first_at + opts.window_s * index / remaining
        pause = due - time.time()
        if pause > 0:
            step(f"metrics snapshot {index + 1} in {pause:.1f} s")
            time.sleep(pause)
        out.append(take_snapshot(target))
    return out


def _read(path: Path, errors: list[str]) -> list[Snapshot]:
    try:
        return list(read_recording(path))
    except (OSError, KeyError, TypeError, ValueError) as exc:
        errors.append(f"recording {path}: {type(exc).__name__}: {exc}")
        return []


def _log_tail(path: Path, lines: int, errors: list[str]) -> str:
    try:
        with path.open("rb") as source:
            source.seek(0, 2)
            size = source.tell()
            source.seek(max(0, size - LOG_TAIL_BYTES))
            data = source.read()
    except OSError as exc:
        errors.append(f"log {path}: {exc}")
        return ""
    return "\n".join(data.decode("utf-8", errors="replace").splitlines()[-lines:])
