"""Labelled counters and histograms for the request hot path that take no lock per observation.

prometheus-client's own Histogram.observe takes a lock per bucket touched and one for the sum and scans the buckets
in Python (about 10 µs a call here, two or three per request). Here each thread adds to its own row of numbers
(bucket counts, then the sum): only that thread writes the row, so nothing is lost without a lock, and a scrape adds
the rows up (a row copied while its thread writes is at most one observation behind). Exported as ordinary
Prometheus histograms / gauges, without prometheus-client's `_created` series (Weaviate's Go exporter has none)."""
from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.utils import floatToGoString


class _Rows:
    """One row of numbers per thread for one label set; only the owning thread writes its row."""

    def __init__(self, width: int) -> None:
        self._width = width
        self._local = threading.local()
        self._rows: list[list[float]] = []
        self._lock = threading.Lock()           # taken once per thread, when its row is made

    def mine(self) -> list[float]:
        try:
            return self._local.row
        except AttributeError:
            row = self._local.row = [0] * self._width
            with self._lock:
                self._rows.append(row)
            return row

    def totals(self) -> list[float]:
        with self._lock:
            rows = [list(row) for row in self._rows]
        return [sum(column) for column in zip(*rows)] if rows else [0] * self._width


class HistogramSeries:
    """One label set of a histogram: `observe(value)` counts it in the first bucket whose bound is >= value."""
    __slots__ = ("_bounds", "_rows")

    def __init__(self, bounds: tuple[float, ...]) -> None:
        self._bounds = bounds
        self._rows = _Rows(len(bounds) + 2)      # the buckets, +Inf, the sum

    def observe(self, value: float) -> None:
        row = self._rows.mine()
        row[bisect_left(self._bounds, value)] += 1
        row[-1] += value

    def totals(self) -> list[float]:
        return self._rows.totals()


class CounterSeries:
    """One label set of a value that only goes up (`inc`)."""
    __slots__ = ("_rows",)

    def __init__(self) -> None:
        self._rows = _Rows(1)

    def inc(self, amount: float = 1) -> None:
        self._rows.mine()[0] += amount

    def total(self) -> float:
        return self._rows.totals()[0]


S = TypeVar("S", HistogramSeries, CounterSeries)


class _Family(Generic[S]):
    """Series by label values: a dict read on the hot path, a lock only to add a label set."""

    def __init__(self, name: str, documentation: str, labelnames: list[str]) -> None:
        self.name, self.documentation, self.labelnames = name, documentation, labelnames
        self._series: dict[tuple[str, ...], S] = {}
        self._lock = threading.Lock()

    def _get(self, values: tuple[str, ...], make: Callable[[], S]) -> S:
        found = self._series.get(values)
        if found is None:
            with self._lock:
                found = self._series.setdefault(values, make())
        return found

    def _items(self) -> list[tuple[tuple[str, ...], S]]:
        with self._lock:
            return list(self._series.items())


class Histograms(_Family[HistogramSeries]):
    def __init__(self, name: str, documentation: str, labelnames: list[str], buckets: tuple[float, ...]) -> None:
        super().__init__(name, documentation, labelnames)
        self.bounds = tuple(float(b) for b in buckets)

    def __call__(self, *values: str) -> HistogramSeries:
        return self._get(values, lambda: HistogramSeries(self.bounds))

    def collect(self) -> Metric:
        family = HistogramMetricFamily(self.name, self.documentation, labels=self.labelnames)
        for values, series in self._items():
            totals = series.totals()
            cumulative, buckets = 0.0, []
            for bound, count in zip((*map(floatToGoString, self.bounds), "+Inf"), totals[:-1]):
                cumulative += count
                buckets.append((bound, cumulative))
            family.add_metric(list(values), buckets, totals[-1])
        return family


class Gauges(_Family[CounterSeries]):
    """A gauge that is only ever increased (Weaviate's requests_total is a Gauge)."""

    def __call__(self, *values: str) -> CounterSeries:
        return self._get(values, CounterSeries)

    def collect(self) -> Metric:
        family = GaugeMetricFamily(self.name, self.documentation, labels=self.labelnames)
        for values, series in self._items():
            family.add_metric(list(values), series.total())
        return family


class SeriesCollector:
    """The families above as one prometheus-client collector."""

    def __init__(self, *families: Histograms | Gauges) -> None:
        self._families = families

    def collect(self) -> Iterator[Metric]:
        for family in self._families:
            yield family.collect()
