"""Building a replacement graph in the background while the current index keeps serving.

Writes that arrive meanwhile are logged; the owner swaps the new graph in under the shard's write lock (at the next
write, or right away through `on_done`, which asks the shard to run its maintenance) after replaying the log onto
it, so nothing written during the build is lost."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("loomdb.vector")


class BackgroundBuild:
    def __init__(self, build: Callable[[], object], name: str, on_done: Callable[[], None] | None = None) -> None:
        """`on_done` runs in the build thread once the result (or the error) is there: it must not assume any
        lock is held, and nothing joins this thread while holding the shard's locks (see `finish`)."""
        self._result: object | None = None
        self.error: Exception | None = None     # why the build failed; the owner keeps its current index
        self.log: list[tuple] = []

        def run() -> None:
            try:
                self._result = build()
            except Exception as exc:     # e.g. the shard closed under it: reported, never raised in a thread
                self.error = exc
            if on_done is not None:
                try:
                    on_done()
                except Exception:        # a closed shard, ...: the next write swaps instead
                    log.exception("after a background index build")

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
        """The built index with every logged write replayed onto it (call only when `ready`). No join: the thread
        may still be in `on_done`, waiting for the lock the caller holds."""
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
