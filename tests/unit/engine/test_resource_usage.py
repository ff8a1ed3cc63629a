"""The usage figures the resource guard compares with DISK_USE_* / MEMORY_* thresholds."""
from __future__ import annotations

import sys

import pytest

from loomdb.engine.resource_usage import ResourceUsage


def test_disk_use_of_the_data_directory(tmp_path):
    percent = ResourceUsage(tmp_path).disk_percent()
    assert percent is not None and 0.0 < percent <= 100.0
    assert ResourceUsage(tmp_path / "missing").disk_percent() is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="resident size is read from /proc (Linux)")
def test_resident_memory_against_the_limit(tmp_path):
    percent = ResourceUsage(tmp_path).memory_percent()
    assert percent is not None and 0.0 < percent < 100.0
