"""Tenant storage: the persisted registry and folder names (states and the name rule: entities/tenants.py).

The registry is `tenants.sqlite` in the collection folder: one row per tenant, every change one transaction with
`synchronous=FULL`, so a crash leaves the old or the new set of tenants, never half of one. Creating a tenant is
one row; its shard folder appears on first use, so ten thousand tenants cost ten thousand rows and no files.
"""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


def folder_name(tenant: str) -> str:
    """A folder name unique even on case-insensitive file systems: the lower-cased name, '@', and a hex bit mask of
    the upper-case positions ("Alice" -> "alice@1", "alice" -> "alice@0"). '@' never occurs in a tenant name, so
    names map one-to-one; the suffix also keeps Windows device names (CON, NUL, COM1, ...) from being a folder's
    whole name, and no '~' means no clash with 8.3 short names."""
    mask = sum(1 << i for i, ch in enumerate(tenant) if ch.isupper())
    return f"{tenant.lower()}@{mask:x}"


class TenantRegistry:
    """tenants.sqlite: (name, status, objects) per tenant; `objects` is the count when the shard last closed (what
    /v1/nodes reports for a tenant whose shard is not open)."""

    def __init__(self, path: Path) -> None:
        self._con = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._con.execute("PRAGMA journal_mode=WAL")
        self._con.execute("PRAGMA synchronous=FULL")
        self._con.execute("CREATE TABLE IF NOT EXISTS tenants (name TEXT PRIMARY KEY, status TEXT NOT NULL, "
                          "objects INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID")
        self._lock = threading.Lock()

    def load(self) -> list[tuple[str, str, int]]:
        with self._lock:
            return self._con.execute("SELECT name, status, objects FROM tenants").fetchall()

    def upsert(self, rows: list[tuple[str, str, int]]) -> None:
        """Insert or replace (name, status, objects) rows in one transaction."""
        if not rows:
            return
        with self._lock:
            self._con.execute("BEGIN IMMEDIATE")
            try:
                self._con.executemany("INSERT OR REPLACE INTO tenants (name, status, objects) VALUES (?, ?, ?)",
                                      rows)
                self._con.execute("COMMIT")
            except BaseException:
                self._con.execute("ROLLBACK")
                raise

    def delete(self, names: list[str]) -> None:
        if not names:
            return
        with self._lock:
            self._con.execute("BEGIN IMMEDIATE")
            try:
                self._con.executemany("DELETE FROM tenants WHERE name = ?", [(n,) for n in names])
                self._con.execute("COMMIT")
            except BaseException:
                self._con.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self._lock:
            self._con.close()
