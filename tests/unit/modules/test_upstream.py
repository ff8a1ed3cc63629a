"""MODULES_CLIENT_TIMEOUT read as Go's time.ParseDuration reads it, with Weaviate's default."""
from __future__ import annotations

import pytest

from loomdb.entities.errors import UpstreamFailure
from loomdb.modules.upstream import DEFAULT_TIMEOUT_SECONDS, client_timeout, go_duration_seconds


@pytest.mark.parametrize(("text", "seconds"), [
    ("50s", 50.0), ("2m", 120.0), ("1m30s", 90.0), ("500ms", 0.5), ("1.5h", 5400.0), ("0", 0.0), ("-2s", -2.0),
    ("250us", 0.00025), ("10µs", 0.00001), ("+3s", 3.0)])
def test_go_durations(text, seconds):
    assert go_duration_seconds(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["50", "s", "1x", "1 s", "1s2", "", "--1s", "1.2.3s"])
def test_what_go_refuses(text):
    assert go_duration_seconds(text) is None


def test_client_timeout_default_zero_and_refusal():
    assert client_timeout({}) == DEFAULT_TIMEOUT_SECONDS == 50.0
    assert client_timeout({"MODULES_CLIENT_TIMEOUT": "2m"}) == 120.0
    assert client_timeout({"MODULES_CLIENT_TIMEOUT": "0s"}) is None       # Go's http.Client: no limit
    with pytest.raises(UpstreamFailure) as err:
        client_timeout({"MODULES_CLIENT_TIMEOUT": "soon"})
    assert err.value.message == 'parse MODULES_CLIENT_TIMEOUT as time.Duration: time: invalid duration "soon"'
