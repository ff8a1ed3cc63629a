"""Prometheus text exposition (`/metrics`), read into samples. Only what the checks need: name, labels, value."""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class Sample:
    name: str
    labels: dict[str, str]
    value: float


class Metrics:
    """The samples of one scrape, with sums by metric name."""

    def __init__(self, samples: Iterable[Sample]) -> None:
        self.samples = list(samples)

    @classmethod
    def parse(cls, text: str) -> Metrics:
        found = []
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            match = _SAMPLE.match(line)
            if not match:
                continue
            try:
                value = float(match.group(3))
            except ValueError:
                continue
            labels = dict(_LABEL.findall(match.group(2) or ""))
            found.append(Sample(match.group(1), labels, value))
        return cls(found)

    def total(self, name: str) -> float | None:
        """Sum of `name` over all its samples (every class and shard); None when the metric is absent."""
        chosen = [s.value for s in self.samples if s.name == name]
        finite = [v for v in chosen if not math.isnan(v)]
        return sum(finite) if chosen else None


def scrape(url: str, timeout_s: float = 2.0) -> tuple[Metrics | None, str]:
    """(metrics, "") or (None, why not): a server without monitoring enabled is normal, not an error."""
    import httpx  # on first use: CLI commands that never scrape do not load it

    try:
        reply = httpx.get(url, timeout=timeout_s)
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"
    if reply.status_code != 200:
        return None, f"HTTP {reply.status_code}"
    return Metrics.parse(reply.text), ""
