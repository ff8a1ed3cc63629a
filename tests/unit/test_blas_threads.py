"""`loomdb serve` caps BLAS threads (LOOMDB_BLAS_THREADS, default 1): checked in a fresh interpreter, since the
limit is process-wide and the test process must keep its own."""
from __future__ import annotations

import subprocess
import sys

from loomdb.config import Settings

PROBE = """
import numpy  # loads the BLAS library
from threadpoolctl import threadpool_info
from loomdb.engine.heap import limit_blas_threads
limit_blas_threads({threads})
print(sorted({{i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}}))
"""


def test_limit_applies_to_every_blas_library():
    out = subprocess.run([sys.executable, "-c", PROBE.format(threads=1)], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[1]"


def test_setting_defaults_to_one_and_reads_the_environment():
    assert Settings.from_env({}).blas_threads == 1
    assert Settings.from_env({"LOOMDB_BLAS_THREADS": "2"}).blas_threads == 2
