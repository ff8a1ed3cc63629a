"""Building a replacement graph in the background while the current index keeps serving.

Writes that arrive meanwhile are logged; the owner swaps the new graph in during a later write (already under
the shard's write lock) after replaying the log onto it, so nothing written during the build is lost."""
from __future__ import annotations

import threading
from collections.abc import Callable


class BackgroundBuild:
    def __init__(self, build: Callable[[], object], name: str) -> None:
        self._result: object | None = None
        self.error: Exception | None = None     # why the build failed; the owner keeps its current index
        self.log: list[tuple] = []

        def run() -> None:
            try:
                self._result = build()
            except Exception as exc:     # e.g. the shard closed under it: reported, never raised in a thread
                self.error = exc

        self._thread = threading.Thread(target=run, name=name, daemon=True)
        self._thread.start()

    def record(self, *op) -> None:
        """Log a write ("add", first_slot, vectors) | ("remove", slot) | ("compact", keep, remap)."""
        self.log.append(op)

    @property
    def ready(self) -> bool:
        return self._result is not None

    @property
    def failed(self) -> bool:
        return self.error is not None

    def finish(self):
        """The built index with every logged write replayed onto it (call only when `ready`)."""
        self._thread.join()
        index = self._result
        for op in self.log:
            if op[0] == "add":
                index.add(op[1], op[2])
            elif op[0] == "remove":
                index.remove(op[1])
            else:
                index.compact(op[1], op[2])
        return index

    def wait(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)
