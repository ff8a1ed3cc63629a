"""One timestamped look at a target through its public endpoints (`/metrics` and `/v1/nodes`), and the recording
format that keeps a series of them: JSON Lines, one `Snapshot.to_dict()` per line, appended as they are taken.
`loomdb monitor --record FILE` writes it; `loomdb incident` and `loomdb bench` history read it back. A snapshot
keeps the raw samples (not derived rates) so every reader derives what it needs from two of them."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .inventory import get
from .metrics import Metrics, Sample, scrape
from .target import Target

RECORDING_VERSION = 1


@dataclass(frozen=True)
class Snapshot:
    """What a target showed at `taken_at` (Unix seconds). `metrics` is None when `/metrics` did not answer
    (`metrics_error` says why: a server without PROMETHEUS_MONITORING_ENABLED is normal, the reader degrades);
    `nodes` is the `/v1/nodes?output=verbose` body, None when REST did not answer (`nodes_error`)."""

    taken_at: float
    target: str
    metrics: Metrics | None
    nodes: dict[str, Any] | None
    metrics_error: str = ""
    nodes_error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)    # what a writer adds (e.g. monitor's alert states)

    def to_dict(self) -> dict[str, Any]:
        samples = None if self.metrics is None else [[s.name, s.labels, s.value] for s in self.metrics.samples]
        return {"version": RECORDING_VERSION, "taken_at": self.taken_at, "target": self.target,
                "samples": samples, "metrics_error": self.metrics_error, "nodes": self.nodes,
                "nodes_error": self.nodes_error, "extra": self.extra}

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Snapshot:
        raw = doc.get("samples")
        metrics = None if raw is None else Metrics(Sample(str(n), dict(lb), float(v)) for n, lb, v in raw)
        return cls(float(doc["taken_at"]), str(doc.get("target", "")), metrics, doc.get("nodes"),
                   str(doc.get("metrics_error", "")), str(doc.get("nodes_error", "")), dict(doc.get("extra") or {}))


def take_snapshot(target: Target) -> Snapshot:
    """Scrape `/metrics` and read `/v1/nodes` once; neither failing raises (the snapshot says what failed)."""
    taken_at = time.time()
    metrics, metrics_error = scrape(target.metrics_url, timeout_s=target.timeout_s)
    with target.http() as http:
        reply = get(http, "/v1/nodes", output="verbose")
    nodes = reply.body if reply.status == 200 and isinstance(reply.body, dict) else None
    nodes_error = "" if nodes is not None else (reply.error or f"HTTP {reply.status}")
    return Snapshot(taken_at, target.describe(), metrics, nodes, metrics_error, nodes_error)


def append_snapshot(path: Path, snapshot: Snapshot) -> None:
    """One line per snapshot, flushed at once, so a recording cut off by Ctrl-C or kill keeps every whole line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(snapshot.to_dict(), separators=(",", ":")) + "\n")
        out.flush()


def read_recording(path: Path) -> Iterator[Snapshot]:
    """The snapshots of a recording in file order; a torn last line (a writer killed mid-write) is skipped."""
    with path.open(encoding="utf-8") as source:
        for line in source:
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except ValueError:
                continue
            yield Snapshot.from_dict(doc)
