"""The resume point of an interrupted copy: per stream ("data:Class/tenant", "refs:Class/tenant") the last uuid
written to the destination, or "done". Written atomically (temp file + rename) after every batch, so a kill at any
moment leaves a file that names only what the destination already holds."""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path

DONE = "done"


class Checkpoint:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._streams: dict[str, str] = {}
        if path is not None and path.exists():
            self._streams = dict(json.loads(path.read_text() or "{}").get("streams", {}))

    @property
    def resumed(self) -> bool:
        return bool(self._streams)

    def get(self, stream: str) -> str | None:
        with self._lock:
            return self._streams.get(stream)

    def set(self, stream: str, position: str) -> None:
        with self._lock:
            self._streams[stream] = position
            if self.path is None:
                return
            scratch = self.path.with_name(self.path.name + ".tmp")
            scratch.write_text(json.dumps({"streams": self._streams}, indent=1))
            os.replace(scratch, self.path)


def stream_key(kind: str, collection: str, tenant: str | None) -> str:
    return f"{kind}:{collection}/{tenant or ''}"
