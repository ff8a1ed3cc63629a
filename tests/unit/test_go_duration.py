"""Query profile details print durations as Go's time.Duration.String() does (what Weaviate sends)."""
from __future__ import annotations

from loomdb.server.grpc.profile_reply import go_duration


def test_go_duration_format():
    cases = {0: "0s", 812e-9: "812ns", 15.234e-6: "15.234µs", 14e-6: "14µs", 2.5e-3: "2.5ms",
             0.015234: "15.234ms", 1.5: "1.5s", 62.5: "1m2.5s", 3600: "1h0m0s", 3723.000000001: "1h2m3.000000001s",
             -2.5e-3: "-2.5ms"}
    assert {s: go_duration(s) for s in cases} == cases
