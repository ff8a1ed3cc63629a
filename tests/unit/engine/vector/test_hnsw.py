"""HnswIndex and DynamicIndex against exact search: recall on clustered data, allow-lists at several
selectivities, tombstones, compaction remaps, Weaviate's dynamic-ef rule, and the dynamic flat -> HNSW switch."""
from __future__ import annotations

import numpy as np
import pytest

from loomdb.engine.vector.dynamic import DynamicIndex
from loomdb.engine.vector.flat import FlatIndex
from loomdb.engine.vector.hnsw import HnswIndex


def clustered(rng, n, dim, centres=50):
    c = rng.standard_normal((centres, dim)).astype(np.float32) * 3
    return (c[rng.integers(0, centres, n)] + rng.standard_normal((n, dim)).astype(np.float32)).astype(np.float32)


def recall(index, exact, queries, k, allow=None):
    hits = 0
    for q in queries:
        got, _ = index.search(q, k, allow)
        want, _ = exact.search(q, k, allow)
        hits += len(set(got.tolist()) & set(want.tolist()))
    return hits / (k * len(queries))


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(1)
    x = clustered(rng, 6000, 32)
    q = clustered(rng, 40, 32)
    hnsw = HnswIndex("l2-squared", {"flatSearchCutoff": 100, "efConstruction": 64, "maxConnections": 16})
    hnsw.add(0, list(x))
    flat = FlatIndex("l2-squared")
    flat.add(0, list(x))
    return x, q, hnsw, flat


def test_dynamic_ef_rule():
    idx = HnswIndex("cosine", {})
    assert idx.ef_for(10) == 100 and idx.ef_for(20) == 160 and idx.ef_for(100) == 500
    idx.configure({"ef": 5})
    assert idx.ef_for(10) == 10                         # a fixed ef below k is raised to k
    idx.configure({"ef": -1, "dynamicEfMin": 10, "dynamicEfMax": 50, "dynamicEfFactor": 2})
    assert idx.ef_for(10) == 20 and idx.ef_for(40) == 50


def test_graph_recall_unfiltered_and_filtered(data):
    x, q, hnsw, flat = data
    assert recall(hnsw, flat, q, 10) >= 0.95
    rng = np.random.default_rng(2)
    for share in (0.5, 0.1, 0.01):
        allow = rng.random(len(x)) < share
        r = recall(hnsw, flat, q, 10, allow)
        assert r >= 0.95, (share, r)
        got, _ = hnsw.search(q[0], 10, allow)
        assert allow[got].all()


def test_distances_match_exact_and_tombstones_are_never_returned(data):
    x, q, hnsw, flat = data
    slots, dists = hnsw.search(q[0], 5, None)
    np.testing.assert_allclose(dists, ((x[slots] - q[0]) ** 2).sum(axis=1), rtol=1e-4)
    idx = HnswIndex("cosine", {"flatSearchCutoff": 10})
    idx.add(0, list(x[:500]))
    victims = idx.search(x[7], 20, None)[0][:10]
    for s in victims.tolist():
        idx.remove(s)
    for qq in (x[7], x[8], q[1]):
        got, _ = idx.search(qq, 50, None)
        assert not set(got.tolist()) & set(victims.tolist())
    assert idx.tombstones == 10


def test_compaction_remaps_slots():
    rng = np.random.default_rng(3)
    x = clustered(rng, 300, 8)
    idx = HnswIndex("dot", {"flatSearchCutoff": 0})
    idx.add(0, list(x))
    dead = np.zeros(300, bool)
    dead[::3] = True
    for s in np.flatnonzero(dead).tolist():
        idx.remove(s)
    keep = ~dead
    remap = np.full(300, -1)
    remap[keep] = np.arange(keep.sum())
    idx.compact(keep, remap)
    live = x[keep]
    for qq in live[:5]:
        got, dist = idx.search(qq, 1, None)
        assert got[0] == int(np.argmax(live @ qq))
        assert dist[0] == pytest.approx(-float(live[got[0]] @ qq), rel=1e-5)


def test_dynamic_index_switches_to_hnsw_without_losing_writes():
    rng = np.random.default_rng(4)
    x = clustered(rng, 3000, 16)
    idx = DynamicIndex("cosine", {"threshold": 1000, "hnsw": {"flatSearchCutoff": 0}})
    idx.add(0, list(x[:1200]))
    assert idx.kind == "flat"
    idx.add(1200, list(x[1200:1500]))          # logged while the graph builds (or applied after)
    idx.remove(3)
    idx.wait_until_built(60)
    idx.add(1500, list(x[1500:]))              # the swap happens inside this write
    assert idx.kind == "hnsw"
    exact = FlatIndex("cosine")
    exact.add(0, list(x))
    exact.remove(3)
    assert recall(idx, exact, x[rng.integers(0, 3000, 30)], 10) >= 0.95
    assert 3 not in idx.search(x[3], 10, None)[0].tolist()


def test_unfiltered_search_uses_the_graph_even_below_flat_search_cutoff():
    """flatSearchCutoff only decides how *filtered* searches run (Weaviate); an unfiltered query always
    walks the graph, however small the index."""
    rng = np.random.default_rng(5)
    x = clustered(rng, 500, 8)
    idx = HnswIndex("cosine", {"flatSearchCutoff": 40_000})
    idx.add(0, list(x))
    got, _ = idx.search(x[0], 10, None)
    assert len(got) == 10 and idx.last_path == "graph"
    idx.search(x[0], 10, np.arange(500) < 100)       # a filter below the cutoff: exact
    assert idx.last_path == "exact"
    idx.configure({"flatSearchCutoff": 10})
    idx.search(x[0], 10, np.arange(500) < 100)       # above the cutoff: the graph with a selector
    assert idx.last_path in ("graph", "exact-fallback")


def test_tombstone_cleanup_rebuilds_in_background_and_keeps_later_writes():
    rng = np.random.default_rng(6)
    x = clustered(rng, 4000, 16)
    idx = HnswIndex("l2-squared", {"flatSearchCutoff": 0})
    idx.add(0, list(x[:3000]))
    for s in range(1500):                            # half the graph becomes tombstones -> cleanup starts
        idx.remove(s)
    idx.wait_for_rebuild(120)
    idx.remove(1500)                                 # logged during/after the build, replayed at the swap
    idx.add(3000, list(x[3000:]))                    # this write swaps the clean graph in
    # the rebuild started at the 1000th removal (the threshold), so the 501 removals after that snapshot were
    # replayed onto the new graph as tombstones; the first 1000 are gone for good
    assert idx.tombstones == 501
    exact = FlatIndex("l2-squared")
    exact.add(0, list(x))
    for s in range(1501):
        exact.remove(s)
    assert recall(idx, exact, x[rng.integers(1600, 4000, 30)], 10) >= 0.95
    for s in (0, 700, 1500):
        assert s not in idx.search(x[s], 20, None)[0].tolist()


def test_filtered_beam_starts_at_the_recall_ef_for_the_graph_and_widens_as_the_share_falls():
    idx = HnswIndex("cosine", {"ef": 32, "maxConnections": 16})
    idx.add(0, list(clustered(np.random.default_rng(4), 1000, 8)))
    beams = [idx._filtered_ef(10, allowed) for allowed in (900, 500, 100, 10)]
    assert beams[0] >= 160 and beams == sorted(beams) and beams[-1] <= 4096    # never the bare ef 32
    assert HnswIndex("cosine", {"ef": 32, "maxConnections": 8}).max_connections == 8
    wide = HnswIndex("cosine", {"ef": 32, "maxConnections": 8})
    wide.add(0, list(clustered(np.random.default_rng(4), 1000, 8)))
    assert wide._filtered_ef(10, 500) > idx._filtered_ef(10, 500)              # fewer links, wider beam


@pytest.mark.parametrize("compact", [False, True])
def test_filtered_graph_search_maps_slots_to_labels(compact):
    """Labels follow slots (the allow-list is the bitmap) until a compaction renumbers slots (scatter path); slots
    without vectors sit between them. Either way only allowed slots come back, and the right ones."""
    rng = np.random.default_rng(5)
    x = clustered(rng, 2000, 16)
    idx = HnswIndex("l2-squared", {"flatSearchCutoff": 0, "maxConnections": 16})
    flat = FlatIndex("l2-squared")
    for index in (idx, flat):
        index.add(0, list(x[:1000]))
        index.add(1100, list(x[1000:]))           # slots 1000..1099 without a vector
        for s in range(0, 3100, 7):
            index.remove(s)
    n = 3100
    if compact:
        keep = np.ones(n, bool)
        keep[::7] = False
        remap = np.full(n, -1)
        remap[keep] = np.arange(keep.sum())
        for index in (idx, flat):
            index.compact(keep, remap)
        n = int(keep.sum())
    allow = rng.random(n) < 0.3
    for q in x[:10]:
        got, _ = idx.search(q, 10, allow)
        want, _ = flat.search(q, 10, allow)
        assert allow[got].all() and idx.last_path == "graph"
        assert len(set(got.tolist()) & set(want.tolist())) >= 9
