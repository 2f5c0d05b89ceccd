"""Nearest-neighbour classification in embedding space (the lecture's exercise).

Some drawings of every character are templates (drawers 0-9, or only drawer 0 for one-shot); every other
drawing (drawers 10-19) gets the character of its nearest template by Euclidean distance. Nothing is
trained: a new character needs only its templates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TEMPLATE_DRAWERS = tuple(range(10))
QUERY_DRAWERS = tuple(range(10, 20))


@dataclass(frozen=True)
class NearestResult:
    """``predictions[c, q]``: the character chosen for drawer ``query_drawers[q]`` of character ``c``."""

    predictions: np.ndarray  # (characters, queries) int
    template_drawers: tuple[int, ...]
    query_drawers: tuple[int, ...]

    @property
    def correct(self) -> np.ndarray:
        return self.predictions == np.arange(self.predictions.shape[0])[:, None]

    @property
    def accuracy(self) -> float:
        return float(self.correct.mean())

    def accuracy_by_group(self, group_of: np.ndarray) -> dict[int, float]:
        """Accuracy per group of characters (e.g. per alphabet), keyed by group number."""
        per_character = self.correct.mean(axis=1)
        return {int(g): float(per_character[group_of == g].mean()) for g in np.unique(group_of)}

    def confusions(self, limit: int = 10) -> list[tuple[int, int, int]]:
        """The most frequent mistakes as (true character, chosen character, count), most frequent first."""
        rows, columns = np.nonzero(~self.correct)
        if rows.size == 0:
            return []
        pairs, counts = np.unique(np.stack([rows, self.predictions[rows, columns]], axis=1), axis=0, return_counts=True)
        order = np.lexsort((pairs[:, 0], -counts))[:limit]
        return [(int(pairs[i, 0]), int(pairs[i, 1]), int(counts[i])) for i in order]


def nearest_template(
    features: np.ndarray,
    template_drawers: tuple[int, ...] = TEMPLATE_DRAWERS,
    query_drawers: tuple[int, ...] = QUERY_DRAWERS,
    chunk: int = 1024,
) -> NearestResult:
    """Classify the query drawings of every character by the nearest template; ``features`` is (characters, 20, d)."""
    if set(template_drawers) & set(query_drawers):
        raise ValueError("a drawing cannot be both a template and a query")
    characters = features.shape[0]
    templates = features[:, list(template_drawers)].reshape(-1, features.shape[-1]).astype(np.float32)
    template_owner = np.repeat(np.arange(characters), len(template_drawers))
    queries = features[:, list(query_drawers)].reshape(-1, features.shape[-1]).astype(np.float32)
    template_norms = np.einsum("ij,ij->i", templates, templates)
    chosen = np.empty(len(queries), dtype=np.int64)
    for start in range(0, len(queries), chunk):
        block = queries[start : start + chunk]
        # |q - t|^2 = |q|^2 - 2 q.t + |t|^2; |q|^2 is the same for every template of a row, so it is left out.
        squared = template_norms[None, :] - 2.0 * block @ templates.T
        chosen[start : start + chunk] = template_owner[np.argmin(squared, axis=1)]
    return NearestResult(chosen.reshape(characters, len(query_drawers)), tuple(template_drawers), tuple(query_drawers))
