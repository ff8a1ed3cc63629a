"""Late interaction (ColBERT's MaxSim) over token matrices stored back to back, as Weaviate scores multi-vectors:
for each query token the best dot product over a document's tokens, summed; the distance is that sum negated
(hnsw/late_interaction.go: the multi-vector distancer is always a dot product, so smaller is closer and distances
are usually negative). Cosine spaces store and query normalised tokens."""
from __future__ import annotations

import numpy as np

_CHUNK_TOKENS = 1 << 16     # token rows scored at once: bounds the (rows x query tokens) temporary


def maxsim_distances(tokens: np.ndarray, starts: np.ndarray, counts: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Distance of each document (its rows tokens[starts[i]:starts[i]+counts[i]], counts >= 1) to `query`
    (query tokens x dim): -sum over query tokens of the max dot product over the document's tokens."""
    out = np.empty(len(starts), np.float32)
    ends = np.cumsum(counts)
    first = 0
    while first < len(starts):
        # documents first..last-1 make one chunk of at most _CHUNK_TOKENS rows (always at least one document)
        base = ends[first - 1] if first else 0
        last = max(int(np.searchsorted(ends, base + _CHUNK_TOKENS, side="right")), first + 1)
        chunk_starts, chunk_counts = starts[first:last], counts[first:last]
        offsets = np.concatenate(([0], np.cumsum(chunk_counts)[:-1]))
        size = int(offsets[-1] + chunk_counts[-1])
        if chunk_starts[-1] - chunk_starts[0] == offsets[-1] and np.array_equal(chunk_starts - chunk_starts[0],
                                                                                  offsets):
            block = tokens[chunk_starts[0]: chunk_starts[0] + size]      # adjacent documents: a view, no gather
        else:
            block = tokens[np.repeat(chunk_starts - offsets, chunk_counts) + np.arange(size)]
        sims = block @ query.T
        out[first:last] = -np.maximum.reduceat(sims, offsets, axis=0).sum(axis=1)
        first = last
    return out
