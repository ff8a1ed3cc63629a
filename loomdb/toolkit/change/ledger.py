"""The ledger: one JSON Lines file of what `change apply` and `change rollback` ran, appended and fsynced record
by record so a crash leaves every finished step on disk. Records:

    {"run": "20261203T201500Z-1a2b", "event": "begin", "command": "apply", "file": ..., "target": ..., "at": ...}
    {"run": ..., "event": "step", "action": "update_collection", "collection": ..., "before": ..., "after": ...,
     "status": "ok" | "failed", "detail": ..., "at": ...}
    {"run": ..., "event": "end", "status": "ok" | "failed", "at": ...}

A rollback's begin record names the run it undoes ("undoes"). Default place: `.loomdb/change-ledger.jsonl` next to
the desired-state file."""
from __future__ import annotations

import json
import os
import secrets
import time
from pathlib import Path
from typing import Any

DEFAULT_NAME = Path(".loomdb") / "change-ledger.jsonl"


def default_path(desired_file: str | None) -> Path:
    base = Path(desired_file).resolve().parent if desired_file and desired_file != "-" else Path.cwd()
    return base / DEFAULT_NAME


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class Ledger:
    def __init__(self, path: Path, command: str, **begin: Any) -> None:
        self.path = path
        self.run = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(2)
        self.failed = False
        path.parent.mkdir(parents=True, exist_ok=True)
        self._write({"event": "begin", "command": command, **begin})

    def step(self, action: str, status: str = "ok", **fields: Any) -> dict[str, Any]:
        self.failed |= status != "ok"
        return self._write({"event": "step", "action": action, "status": status, **fields})

    def end(self) -> None:
        self._write({"event": "end", "status": "failed" if self.failed else "ok"})

    def _write(self, record: dict[str, Any]) -> dict[str, Any]:
        record = {"run": self.run, "at": _now(), **record}
        with self.path.open("a") as out:
            out.write(json.dumps(record, default=str) + "\n")
            out.flush()
            os.fsync(out.fileno())
        return record


def records(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def last_apply(path: Path) -> tuple[str, list[dict[str, Any]]] | None:
    """(run id, its successful steps in order) of the newest apply not rolled back yet; None when there is none."""
    entries = records(path)
    undone = {r.get("undoes") for r in entries if r.get("event") == "begin" and r.get("command") == "rollback"}
    applies = [r["run"] for r in entries if r.get("event") == "begin" and r.get("command") == "apply"
               and r["run"] not in undone]
    if not applies:
        return None
    run = applies[-1]
    return run, [r for r in entries if r["run"] == run and r.get("event") == "step" and r.get("status") == "ok"]
