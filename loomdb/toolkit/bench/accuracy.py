"""Recall of the ANN answers a run collected, against an exact numpy brute force over the generated vectors
(restricted to the filter's rows for filtered search). Each query vector counts once (its first answer), so the
figure does not depend on how many times a fast server cycled through the query set."""
from __future__ import annotations

import uuid
from collections.abc import Iterable

import numpy as np

from ..recall import Estimate, distances, recall_at_k
from .dataset import Dataset, object_uuid


def measured_recall(answers: Iterable[tuple[int, list[uuid.UUID]]], data: Dataset, k: int,
                    bucket_cutoff: int | None = None) -> dict[str, float | int]:
    rows = np.arange(len(data.vectors)) if bucket_cutoff is None else np.nonzero(data.buckets < bucket_cutoff)[0]
    position = {object_uuid(int(row)): p for p, row in enumerate(rows)}
    matrix = data.vectors[rows]
    first: dict[int, list[uuid.UUID]] = {}
    for slot, found in answers:
        first.setdefault(slot, found)
    values = [recall_at_k([position[u] for u in found if u in position],
                          distances(matrix, data.queries[slot], "cosine"), k)
              for slot, found in sorted(first.items())]
    return Estimate.of(values).to_dict()
