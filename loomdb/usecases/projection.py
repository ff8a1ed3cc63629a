"""`_additional { featureProjection }`: the vectors of a search's returned objects reduced to a few dimensions by
t-SNE, with Weaviate's defaults, checks and error texts (usecases/projector). scikit-learn does the maths; it is
an optional extra (`loomdb[projection]`) imported only when a query asks for a projection."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..entities.errors import InvalidInput, Unsupported
from ..entities.search import FeatureProjection, ResultObject

MISSING_EXTRA = ('_additional { featureProjection } needs scikit-learn: pip install "loomdb[projection]"')
_EXTEND = "explorer: get class: extend: "     # how Weaviate's explorer prefixes an additional property's error
# scikit-learn's t-SNE always runs this many early-exaggeration steps first; `iterations` counts the steps after
_SKLEARN_EXAGGERATION_STEPS = 250
# exact t-SNE is O(n^2) per step but beats Barnes-Hut's tree and threads on small pages (100 x 128-d: 0.35 s vs
# 2.6 s on a busy 2-core machine); Barnes-Hut only embeds in up to 3 dimensions
_EXACT_MAX_ITEMS = 1000
_BARNES_HUT_MAX_DIMENSIONS = 3
_SEED = 0      # Weaviate seeds from the clock; a fixed seed makes the same query answer the same projection


@dataclass(frozen=True)
class _Settings:
    dimensions: int
    perplexity: int
    iterations: int
    learning_rate: int


def project_features(objects: list[ResultObject], request: FeatureProjection) -> None:
    """Set each object's `feature_projection`. The vectors are the objects' first vector space (Weaviate reads
    the legacy vector); a single result has nothing to be near to and sits at the origin."""
    if not objects:
        return
    vectors = [_vector(o) for o in objects]
    dims = len(vectors[0])
    settings = _settings(request, len(objects), dims)
    for vector in vectors:
        if len(vector) != dims:
            raise InvalidInput(f"{_EXTEND}inconsistent vector lengths found: {dims} and {len(vector)}")
    if len(objects) == 1:
        reduced = np.zeros((1, settings.dimensions), np.float32)
    else:
        reduced = _tsne(np.stack(vectors), settings)
    for obj, row in zip(objects, reduced):
        obj.feature_projection = row.astype(np.float32).tolist()


def _vector(obj: ResultObject) -> np.ndarray:
    vector = next(iter(obj.obj.vectors.values()), None)
    return np.empty(0, np.float32) if vector is None else np.asarray(vector, np.float32)


def _settings(request: FeatureProjection, items: int, dims: int) -> _Settings:
    """Weaviate's defaults (perplexity min(items - 1, 5), 2 dimensions, 100 iterations, learning rate 25) and
    every failed check in one message, as its projector compounds them."""
    algorithm = "tsne" if request.algorithm is None else request.algorithm
    settings = _Settings(
        dimensions=2 if request.dimensions is None else request.dimensions,
        perplexity=min(items - 1, 5) if request.perplexity is None else request.perplexity,
        iterations=100 if request.iterations is None else request.iterations,
        learning_rate=25 if request.learning_rate is None else request.learning_rate)
    problems = []
    if algorithm != "tsne":
        problems.append(f"algorithm {algorithm} is not supported: must be one of: tsne")
    if settings.perplexity >= items:
        problems.append(f"perplexity must be smaller than amount of items: {settings.perplexity} >= {items}")
    if settings.iterations < 1:
        problems.append(f"iterations must be at least 1, got: {settings.iterations}")
    if settings.learning_rate < 1:
        problems.append(f"learningRate must be at least 1, got: {settings.learning_rate}")
    if settings.dimensions < 1:
        problems.append(f"dimensions must be at least 1, got: {settings.dimensions}")
    if settings.dimensions >= dims:
        problems.append(f"dimensions must be smaller than source dimensions: {settings.dimensions} >= {dims}")
    if problems:
        raise InvalidInput(f"{_EXTEND}invalid params: {', '.join(problems)}")
    return settings


def _tsne(matrix: np.ndarray, settings: _Settings) -> np.ndarray:
    try:
        from sklearn.manifold import TSNE
    except ImportError:
        raise Unsupported(MISSING_EXTRA) from None
    large = len(matrix) > _EXACT_MAX_ITEMS and settings.dimensions <= _BARNES_HUT_MAX_DIMENSIONS
    method = "barnes_hut" if large else "exact"
    tsne = TSNE(n_components=settings.dimensions, perplexity=float(max(settings.perplexity, 1)),
                learning_rate=float(settings.learning_rate),
                max_iter=_SKLEARN_EXAGGERATION_STEPS + settings.iterations, init="random", method=method,
                random_state=_SEED)
    reduced: np.ndarray = tsne.fit_transform(matrix.astype(np.float64))
    return reduced
