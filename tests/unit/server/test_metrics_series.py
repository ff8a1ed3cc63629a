"""server/metrics_series.py: observations from many threads at once, without a lock, are all counted, in the right
buckets (upper bounds inclusive, as Prometheus' `le`), and export as the histogram / gauge text prometheus-client
writes."""
from __future__ import annotations

import threading

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from loomdb.server.metrics_series import Gauges, Histograms, SeriesCollector


def test_concurrent_observations_are_all_counted_in_the_right_buckets():
    histograms = Histograms("took_seconds", "Time taken.", ["method"], (0.1, 1.0))
    requests = Gauges("requests_total", "Requests.", ["method"])
    registry = CollectorRegistry()
    registry.register(SeriesCollector(histograms, requests))
    values = (0.05, 0.1, 0.5, 1.0, 7.0)          # two at or below 0.1, two more at or below 1, one above

    def work() -> None:
        for _ in range(2000):
            for value in values:
                histograms("Search").observe(value)
                requests("Search").inc()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    samples = {(s.name, s.labels.get("le")): s.value for family in text_string_to_metric_families(
        generate_latest(registry).decode()) for s in family.samples}
    n = 8 * 2000
    assert samples[("took_seconds_bucket", "0.1")] == 2 * n
    assert samples[("took_seconds_bucket", "1.0")] == 4 * n
    assert samples[("took_seconds_bucket", "+Inf")] == samples[("took_seconds_count", None)] == 5 * n
    assert abs(samples[("took_seconds_sum", None)] - sum(values) * n) < 1e-6 * n
    assert samples[("requests_total", None)] == 5 * n
