"""Where incidents live: one local SQLite file (stdlib sqlite3, no server), the captured reports as JSON columns.
The schema is versioned with `PRAGMA user_version`; a file written by a newer loomdb is refused rather than
misread, and each older version is brought forward by the step in `_MIGRATIONS`."""
from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
DB_ENV = "LOOMDB_INCIDENT_DB"

_CREATE_V1 = """
CREATE TABLE incidents (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    recorded_at   REAL NOT NULL,          -- Unix seconds
    target        TEXT NOT NULL,
    title         TEXT NOT NULL,
    notes         TEXT NOT NULL DEFAULT '',
    symptoms      TEXT NOT NULL,          -- JSON [{"tag", "severity", "evidence"}]
    doctor        TEXT,                   -- JSON Report.to_dict() or NULL when it could not run
    audit         TEXT,                   -- JSON Report.to_dict() or NULL
    window        TEXT NOT NULL,          -- JSON metrics-window summary (window.py)
    log_tail      TEXT NOT NULL DEFAULT '',
    capture_errors TEXT NOT NULL DEFAULT '[]',   -- JSON [str]: what could not be captured and why
    cause         TEXT NOT NULL DEFAULT '',
    resolution    TEXT NOT NULL DEFAULT '',
    closed_at     REAL
);
CREATE INDEX incidents_recorded_at ON incidents (recorded_at);
"""

# version reached -> the SQL that reaches it from the one before (1 is the creation itself)
_MIGRATIONS: dict[int, str] = {1: _CREATE_V1}
_JSON_COLUMNS = ("symptoms", "doctor", "audit", "window", "capture_errors")


class StoreError(RuntimeError):
    """The incident database cannot be used (newer schema, not a database)."""


def default_path() -> Path:
    """$LOOMDB_INCIDENT_DB, else ~/.loomdb/incidents.sqlite."""
    return Path(os.environ.get(DB_ENV) or Path.home() / ".loomdb" / "incidents.sqlite")


@dataclass
class Incident:
    """One recorded incident: what was captured at `recorded_at`, and what the operator learnt later."""

    recorded_at: float
    target: str
    title: str
    notes: str = ""
    symptoms: list[dict[str, Any]] = field(default_factory=list)
    doctor: dict[str, Any] | None = None
    audit: dict[str, Any] | None = None
    window: dict[str, Any] = field(default_factory=dict)
    log_tail: str = ""
    capture_errors: list[str] = field(default_factory=list)
    cause: str = ""
    resolution: str = ""
    closed_at: float | None = None
    id: int | None = None

    @property
    def tags(self) -> list[str]:
        return [s["tag"] for s in self.symptoms]

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _COLUMNS} | {"id": self.id}


_COLUMNS = ("recorded_at", "target", "title", "notes", "symptoms", "doctor", "audit", "window", "log_tail",
            "capture_errors", "cause", "resolution", "closed_at")


class IncidentStore:
    """The incidents of one database file; each call opens, commits and closes (commands are short-lived)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path)
        try:
            self._migrate(conn)
            with conn:
                yield conn
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: {exc}") from None
        finally:
            conn.close()

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} has incident schema {version}; this loomdb reads up to {SCHEMA_VERSION}")
        for step in range(version + 1, SCHEMA_VERSION + 1):
            with conn:
                conn.executescript(_MIGRATIONS[step])
                conn.execute(f"PRAGMA user_version = {step}")

    def add(self, incident: Incident) -> int:
        values = [_encode(name, getattr(incident, name)) for name in _COLUMNS]
        with self._connect() as conn:
            cursor = conn.execute(f"INSERT INTO incidents ({', '.join(_COLUMNS)}) VALUES "
                                  f"({', '.join('?' * len(_COLUMNS))})", values)
        incident.id = int(cursor.lastrowid or 0)
        return incident.id

    def get(self, incident_id: int) -> Incident | None:
        with self._connect() as conn:
            row = conn.execute(f"SELECT id, {', '.join(_COLUMNS)} FROM incidents WHERE id = ?",
                               (incident_id,)).fetchone()
        return _decode(row) if row else None

    def all(self, limit: int | None = None) -> list[Incident]:
        """Newest first."""
        with self._connect() as conn:
            rows = conn.execute(f"SELECT id, {', '.join(_COLUMNS)} FROM incidents ORDER BY recorded_at DESC, id DESC"
                                f" LIMIT ?", (-1 if limit is None else limit,)).fetchall()
        return [_decode(row) for row in rows]

    def annotate(self, incident_id: int, *, cause: str | None = None, resolution: str | None = None,
                 note: str | None = None, closed_at: float | None = None) -> Incident | None:
        """Record what was learnt after the fact; a note is appended to the notes, the rest replaced."""
        current = self.get(incident_id)
        if current is None:
            return None
        if note:
            current.notes = f"{current.notes}\n{note}".strip()
        current.cause = cause if cause is not None else current.cause
        current.resolution = resolution if resolution is not None else current.resolution
        current.closed_at = closed_at if closed_at is not None else current.closed_at
        with self._connect() as conn:
            conn.execute("UPDATE incidents SET notes = ?, cause = ?, resolution = ?, closed_at = ? WHERE id = ?",
                         (current.notes, current.cause, current.resolution, current.closed_at, incident_id))
        return current


def _encode(name: str, value: Any) -> Any:
    return json.dumps(value, default=str) if name in _JSON_COLUMNS and value is not None else value


def _decode(row: tuple[Any, ...]) -> Incident:
    values = dict(zip(_COLUMNS, row[1:]))
    for name in _JSON_COLUMNS:
        if values[name] is not None:
            values[name] = json.loads(values[name])
    return Incident(id=int(row[0]), **values)
