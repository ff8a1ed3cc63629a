import numpy as np

from loomdb.engine.inverted.setops import sorted_distinct


def test_sorted_distinct_is_np_unique():
    rng = np.random.default_rng(1)
    for size in (0, 1, 2, 7, 1000):
        values = rng.integers(-5, 50, size)
        assert sorted_distinct(values).tolist() == np.unique(values).tolist()
