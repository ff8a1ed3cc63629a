"""MUVERA fixed dimensional encodings (Dhulipala et al. 2024, as Weaviate's multivector/muvera.go applies it): one
vector per token matrix whose inner products approximate MaxSim, so a normal single-vector graph can propose the
candidates that exact MaxSim then ranks.

Per repetition: `ksim` Gaussian hyperplanes put each token in one of 2^ksim SimHash buckets; a document averages its
tokens per bucket (an empty bucket takes the token whose bucket id is nearest in Hamming distance), a query sums
them; each bucket's vector is projected to `dprojections` dimensions by a random +-1 matrix scaled by
1/sqrt(dprojections). Repetitions are concatenated: width = repetitions * 2^ksim * dprojections. The random
matrices come from a fixed seed, so encodings are the same after a restart (they are rebuilt from the store, never
persisted); they are not Weaviate's bit for bit (other generator), which only changes which candidates are proposed.
"""
from __future__ import annotations

import numpy as np

from .maxsim import document_runs

_SEED = 0x532CA5105169B1DF
_CHUNK_TOKENS = 1 << 15


class MuveraEncoder:
    def __init__(self, dim: int, ksim: int, dprojections: int, repetitions: int) -> None:
        rng = np.random.default_rng(_SEED)
        self.dim = dim
        self.clusters = 1 << ksim
        self.width = repetitions * self.clusters * dprojections
        self._hyperplanes = rng.standard_normal((repetitions, ksim, dim)).astype(np.float32)
        signs = rng.integers(0, 2, size=(repetitions, dprojections, dim)) * 2 - 1
        self._projections = (signs / np.sqrt(dprojections)).astype(np.float32)     # scale folded in
        self._bit_values = (1 << np.arange(ksim)).astype(np.int64)
        self._popcount = np.array([bin(i).count("1") for i in range(self.clusters)], np.int64)

    def _buckets(self, tokens: np.ndarray, rep: int) -> np.ndarray:
        """SimHash bucket of every token: bit i set when the token is on the negative side of hyperplane i."""
        return ((tokens @ self._hyperplanes[rep].T) < 0).astype(np.int64) @ self._bit_values

    def encode_documents(self, tokens: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """(documents x width) encodings of consecutive token matrices: `tokens` holds each document's rows in
        turn, `counts[i]` (>= 1) rows for document i. Encoded in runs of documents of about _CHUNK_TOKENS rows,
        which bounds the (rows x buckets) temporaries of a bulk load."""
        out = np.empty((len(counts), self.width), np.float32)
        starts = np.concatenate(([0], np.cumsum(counts)))
        for first, last in document_runs(counts, _CHUNK_TOKENS):
            out[first:last] = self._encode_run(tokens[starts[first]:starts[last]], counts[first:last])
        return out

    def _encode_run(self, tokens: np.ndarray, counts: np.ndarray) -> np.ndarray:
        n, c = len(counts), self.clusters
        owner = np.repeat(np.arange(n), counts)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
        relative = np.arange(len(tokens)) - starts[owner]
        span = int(counts.max()) if n else 1
        out = np.empty((n, len(self._projections), c, self._projections.shape[1]), np.float32)
        for rep in range(len(self._projections)):
            buckets = self._buckets(tokens, rep)
            centers = _bucket_sums(tokens, owner * c + buckets, n * c).reshape(n, c, self.dim)
            sizes = np.bincount(owner * c + buckets, minlength=n * c).reshape(n, c)
            centers /= np.maximum(sizes, 1)[:, :, None]
            # an empty bucket takes the first token with the nearest bucket id (Hamming): one key per (token,
            # bucket) = distance * span + position in its document, minimised per document
            keys = self._popcount[buckets[:, None] ^ np.arange(c)[None, :]] * span + relative[:, None]
            nearest = starts[:, None] + np.minimum.reduceat(keys, starts, axis=0) % span
            empty = sizes == 0
            centers[empty] = tokens[nearest[empty]]
            out[:, rep] = centers @ self._projections[rep].T
        return out.reshape(n, -1)

    def encode_query(self, tokens: np.ndarray) -> np.ndarray:
        """The encoding of one query matrix: bucket sums (no averaging, no filling), projected."""
        c = self.clusters
        parts = []
        for rep in range(len(self._projections)):
            sums = _bucket_sums(tokens, self._buckets(tokens, rep), c)
            parts.append(sums @ self._projections[rep].T)
        return np.concatenate(parts, axis=None).astype(np.float32)


def _bucket_sums(tokens: np.ndarray, keys: np.ndarray, size: int) -> np.ndarray:
    """(size x dim) sums of the token rows per key (sorted once, summed per run)."""
    sums = np.zeros((size, tokens.shape[1]), np.float32)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    runs = np.flatnonzero(np.diff(sorted_keys, prepend=-1))
    sums[sorted_keys[runs]] = np.add.reduceat(tokens[order], runs, axis=0)
    return sums
