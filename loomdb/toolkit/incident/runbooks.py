"""Runbooks are Markdown files the commands read and update. The package ships defaults (runbooks/*.md); a user
directory (default ~/.loomdb/runbooks) overrides a default by file name and may add its own. Each file starts
with a small front matter naming the symptom tags it handles:

    ---
    title: gRPC port unreachable
    symptoms: grpc-unreachable
    ---

Closing an incident appends it under "## Seen before" in the user's copy (copied from the default on first
write), so the defaults in the package are never modified and a team's history travels with its runbook dir."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .store import Incident
from .symptoms import PRIORITY

RUNBOOKS_ENV = "LOOMDB_RUNBOOKS"
SEEN_BEFORE = "## Seen before"


def default_user_dir() -> Path:
    """$LOOMDB_RUNBOOKS, else ~/.loomdb/runbooks."""
    return Path(os.environ.get(RUNBOOKS_ENV) or Path.home() / ".loomdb" / "runbooks")


@dataclass(frozen=True)
class Runbook:
    name: str                  # the file name without .md: what a user file overrides
    title: str
    symptoms: tuple[str, ...]
    text: str
    origin: str                # "package" or the user file's path

    @property
    def is_user(self) -> bool:
        return self.origin != "package"


def load(user_dir: Path | None = None) -> dict[str, Runbook]:
    """Every runbook by name: the package's, then the user directory's over them."""
    found = {}
    shipped = resources.files(__package__).joinpath("runbooks")
    for entry in shipped.iterdir():
        if entry.name.endswith(".md"):
            found[entry.name[:-3]] = parse(entry.name[:-3], entry.read_text(encoding="utf-8"), "package")
    directory = user_dir if user_dir is not None else default_user_dir()
    if directory.is_dir():
        for path in sorted(directory.glob("*.md")):
            found[path.stem] = parse(path.stem, path.read_text(encoding="utf-8"), str(path))
    return found


def parse(name: str, text: str, origin: str) -> Runbook:
    """The front matter's title and symptoms (comma-separated); a file without one handles no symptom."""
    meta: dict[str, str] = {}
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":
        for line in lines[1:]:
            if line.strip() == "---":
                break
            key, _, value = line.partition(":")
            meta[key.strip().lower()] = value.strip()
    symptoms = tuple(s.strip() for s in meta.get("symptoms", "").split(",") if s.strip())
    return Runbook(name, meta.get("title", name), symptoms, text, origin)


def matching(tags: list[str], runbooks: dict[str, Runbook]) -> list[Runbook]:
    """The runbooks for a symptom set, the one for the highest-priority symptom first."""
    def rank(book: Runbook) -> int:
        return min((PRIORITY.get(t, len(PRIORITY)) for t in book.symptoms if t in tags), default=len(PRIORITY))
    return sorted((b for b in runbooks.values() if set(b.symptoms) & set(tags)), key=lambda b: (rank(b), b.name))


def record_resolution(incident: Incident, runbook: Runbook, user_dir: Path | None = None) -> Path:
    """Append the incident's cause and resolution under "Seen before" in the user's copy of `runbook`."""
    directory = user_dir if user_dir is not None else default_user_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{runbook.name}.md"
    text = path.read_text(encoding="utf-8") if path.exists() else runbook.text
    if SEEN_BEFORE not in text:
        text = text.rstrip("\n") + f"\n\n{SEEN_BEFORE}\n"
    day = time.strftime("%Y-%m-%d", time.gmtime(incident.recorded_at))
    entry = (f"- {day} incident #{incident.id} on {incident.target} ({', '.join(incident.tags) or 'no symptom'}): "
             f"**cause:** {_one_line(incident.cause)}; **resolution:** {_one_line(incident.resolution)}\n")
    path.write_text(_insert_entry(text, entry), encoding="utf-8")
    return path


def _insert_entry(text: str, entry: str) -> str:
    """The entry at the end of the "Seen before" section (before the next heading of the same level)."""
    head, _, tail = text.partition(SEEN_BEFORE)
    body, sep, rest = tail.partition("\n## ")
    return f"{head}{SEEN_BEFORE}{body.rstrip()}\n{entry}" + (f"\n{sep.lstrip()}{rest}" if sep else "")


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "(not given)"
