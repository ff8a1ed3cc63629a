"""Late interaction (ColBERT's MaxSim) over token matrices stored back to back, as Weaviate scores multi-vectors:
for each query token the best dot product over a document's tokens, summed; the distance is that sum negated
(hnsw/late_interaction.go: the multi-vector distancer is always a dot product, so smaller is closer and distances
are usually negative). Cosine spaces store and query normalised tokens."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

_CHUNK_TOKENS = 1 << 16     # token rows scored at once: bounds the (rows x query tokens) temporary


def document_runs(counts: np.ndarray, max_rows: int) -> Iterator[tuple[int, int]]:
    """(first, last) document ranges of consecutive documents with `counts` token rows each, every range at most
    `max_rows` rows (or one document when a single one is larger): bounds per-chunk temporaries."""
    ends = np.cumsum(counts)
    first = 0
    while first < len(counts):
        base = int(ends[first - 1]) if first else 0
        last = max(int(np.searchsorted(ends, base + max_rows, side="right")), first + 1)
        yield first, last
        first = last


def maxsim_distances(tokens: np.ndarray, starts: np.ndarray, counts: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Distance of each document (its rows tokens[starts[i]:starts[i]+counts[i]], counts >= 1) to `query`
    (query tokens x dim): -sum over query tokens of the max dot product over the document's tokens."""
    out = np.empty(len(starts), np.float32)
    for first, last in document_runs(counts, _CHUNK_TOKENS):
        chunk_starts, chunk_counts = starts[first:last], counts[first:last]
        offsets = np.concatenate(([0], np.cumsum(chunk_counts)[:-1]))
        size = int(offsets[-1] + chunk_counts[-1])
        if np.array_equal(chunk_starts - chunk_starts[0], offsets):
            block = tokens[chunk_starts[0]: chunk_starts[0] + size]      # adjacent documents: a view, no gather
        else:
            block = tokens[np.repeat(chunk_starts - offsets, chunk_counts) + np.arange(size)]
        out[first:last] = -np.maximum.reduceat(block @ query.T, offsets, axis=0).sum(axis=1)
    return out
