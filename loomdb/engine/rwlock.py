"""A readers-writer lock: many concurrent queries, one writer applying a committed write to memory."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class RWLock:
    """Fair in both directions. Writer preference: once a writer waits, new readers queue behind it, so imports
    are not starved by a stream of queries. Bounded reader batches: when a writer leaves, the readers that were
    already waiting are let in before the next writer (at most that many), so queries are not starved by a
    stream of writes either. Either side waits for at most one turn of the other."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer = False
        self._writers_waiting = 0
        self._readers_waiting = 0
        self._admitted = 0          # readers let in ahead of waiting writers (the batch a leaving writer admits)

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            if self._writer or self._writers_waiting:
                self._readers_waiting += 1
                while self._writer or (self._writers_waiting and not self._admitted):
                    self._cond.wait()
                self._readers_waiting -= 1
            if self._admitted:
                self._admitted -= 1
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if self._readers == 0:
                    self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            while self._writer or self._readers or self._admitted:
                self._cond.wait()
            self._writers_waiting -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._admitted = self._readers_waiting
                self._cond.notify_all()
