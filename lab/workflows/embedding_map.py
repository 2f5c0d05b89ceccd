"""The embedding map: one alphabet's codes squeezed onto two dimensions, coloured by character."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.evaluation.projection import explained_variance, project_2d
from lab.workflows.coded_set import CodedSet


@dataclass(frozen=True)
class EmbeddingMap:
    alphabet: str
    method: str
    first: int  # index in the set of the alphabet's first character
    points: np.ndarray  # (characters x 20, 2)
    characters: np.ndarray  # (characters x 20,) each point's character, counted from ``first``
    drawers: np.ndarray  # (characters x 20,) 0..19
    explained: tuple[float, float] | None  # PCA only: the share of variance along each axis

    def as_dict(self) -> dict:
        return {"alphabet": self.alphabet, "method": self.method, "first_character": self.first, "points": np.round(self.points, 4).tolist(),
                "characters": self.characters.tolist(), "drawers": self.drawers.tolist(),
                "explained_variance": None if self.explained is None else list(self.explained)}


def embedding_map(evaluation: CodedSet, alphabet: str, characters: int = 10, method: str = "t-SNE",
                  seed: int = 0) -> EmbeddingMap:
    """The first ``characters`` characters of ``alphabet``, each drawing a point."""
    start, stop = evaluation.data.alphabets[alphabet]
    count = min(characters, stop - start)
    codes = evaluation.codes[start:start + count]
    flat = codes.reshape(-1, codes.shape[-1])
    drawings = codes.shape[1]
    return EmbeddingMap(alphabet, method, start, project_2d(flat, method, seed),
                        np.repeat(np.arange(count), drawings), np.tile(np.arange(drawings), count),
                        explained_variance(flat) if method == "PCA" else None)
