"""The gallery's index: a face matched against a gallery's embeddings, each person ranked by their nearest enrolled
face, with DeepFace's distances. NumPy only: no SQL, no I/O.

:class:`GalleryIndex` prepares a gallery's vectors once, so that a query among 100,000 faces stays far below 50 ms.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from lab.faces.embedding import METRICS
from lab.limits import face_threshold

EPSILON = 1e-10  # DeepFace's l2_normalize adds it to the norm; the same here, so that distances are DeepFace's


@dataclass(frozen=True)
class Match:
    person: str
    distance: float  # the smallest distance to any of the person's enrolled faces
    face: int  # row of that face in the gallery


@dataclass(frozen=True)
class Identification:
    ranking: list[Match]  # one per person, nearest first (the nearest ``top`` people when identify was given one)
    threshold: float
    metric: str

    @property
    def nearest(self) -> Match | None:
        return self.ranking[0] if self.ranking else None

    @property
    def person(self) -> str | None:
        """The nearest person if within the threshold, else None ("unknown")."""
        best = self.nearest
        return best.person if best is not None and best.distance <= self.threshold else None

    def at(self, threshold: float) -> Identification:
        """The same ranking against another threshold (the distances do not change)."""
        return dataclasses.replace(self, threshold=face_threshold(self.metric, threshold))

    def as_dict(self) -> dict:
        return {"person": self.person, "known": self.person is not None, "threshold": self.threshold,
                "distance_metric": self.metric,
                "ranking": [{"person": m.person, "distance": m.distance} for m in self.ranking]}

class GalleryIndex:
    """The gallery's vectors prepared once for every query, so that a query among 100,000 faces stays far below 50 ms.

    A query first scans float32 unit rows (half the memory of float64, so twice as fast: the scan is memory-bound),
    which ranks faces to within 1e-5 of the cosine; then only the faces that can be among the nearest people get
    their exact distance, DeepFace's formulas in float64 rounded to 6 decimals as it rounds. Every distance returned
    is the exact one, and the candidates are chosen with a margin above float32's error, so the answer is the one a
    full float64 computation gives.
    """

    MARGIN = 2e-5  # in cosine similarity: float32's error on a 128- or 512-term dot product of unit vectors is < 1e-5

    def __init__(self, embeddings: np.ndarray, people: np.ndarray) -> None:
        self.vectors = np.asarray(embeddings, dtype=np.float32)
        norms = np.linalg.norm(self.vectors.astype(np.float64), axis=1)
        self.scale = norms + EPSILON  # DeepFace's l2_normalize divides by norm + epsilon
        self.squares = norms * norms
        self.unit32 = (self.vectors / self.scale[:, None]).astype(np.float32)
        self.names, self.codes = np.unique(np.asarray(people, dtype=str), return_inverse=True)

    def _query(self, query: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
        query = np.asarray(query, dtype=np.float64).ravel()  # its size was checked by Gallery.identify
        norm = float(np.linalg.norm(query))
        return query, norm, query / (norm + EPSILON)

    def exact(self, rows: np.ndarray, query: np.ndarray, metric: str) -> np.ndarray:
        """DeepFace's distances (float64, rounded to 6 decimals) from ``query`` to the faces ``rows``."""
        if metric not in METRICS:
            raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
        query, norm, unit_query = self._query(query)
        unit = self.vectors[rows].astype(np.float64) / self.scale[rows, None]
        cosine = unit @ unit_query
        if metric == "cosine":
            found = 1.0 - cosine
        elif metric == "angular":
            found = np.arccos(np.clip(cosine, -1.0, 1.0)) / np.pi
        elif metric == "euclidean_l2":
            unit_squares = np.einsum("ij,ij->i", unit, unit)
            found = np.sqrt(np.maximum(unit_squares + unit_query @ unit_query - 2.0 * cosine, 0.0))
        else:
            dots = cosine * self.scale[rows] * (norm + EPSILON)
            found = np.sqrt(np.maximum(self.squares[rows] + norm * norm - 2.0 * dots, 0.0))
        return np.round(found, 6)

    def distances(self, query: np.ndarray, metric: str) -> np.ndarray:
        """Exact distances to every face (as :func:`lab.faces.embedding.distances` gives them)."""
        return self.exact(np.arange(self.vectors.shape[0]), query, metric)

    def _approximate(self, query: np.ndarray, metric: str) -> tuple[np.ndarray, float]:
        """A key per face that grows with its distance, from the float32 scan, and the key's error bound."""
        _query, norm, unit_query = self._query(query)
        cosine = (self.unit32 @ unit_query.astype(np.float32)).astype(np.float64)
        if metric == "euclidean":  # the squared distance: the norms matter, not only the angle
            return (self.squares + norm * norm - 2.0 * cosine * self.scale * (norm + EPSILON),
                    2.0 * self.MARGIN * float(self.scale.max(initial=0.0)) * (norm + EPSILON))
        return -cosine, self.MARGIN  # cosine, angular and euclidean_l2 all grow as the cosine falls

    def nearest(self, query: np.ndarray, metric: str, top: int | None) -> tuple[np.ndarray, np.ndarray]:
        """Rows of each person's nearest face, nearest first (ties: the earlier row), only ``top`` people if given,
        and their exact distances."""
        n = self.vectors.shape[0]
        wanted = len(self.names) if top is None else min(top, len(self.names))
        if top is None or n <= 4 * wanted:
            rows = np.arange(n)
            return self._per_person(rows, self.exact(rows, query, metric), wanted)
        keys, error = self._approximate(query, metric)
        m = max(4 * wanted, 64)
        while True:
            kth = np.partition(keys, m - 1)[m - 1]
            within = np.flatnonzero(keys <= kth)
            if m >= n or np.unique(self.codes[within]).size >= wanted:
                # Faces outside these candidates are farther than the m nearest, which hold the wanted people.
                rows = np.flatnonzero(keys <= kth + 2.0 * error)
                return self._per_person(rows, self.exact(rows, query, metric), wanted)
            m = min(n, m * 4)

    def _per_person(self, rows: np.ndarray, found: np.ndarray, wanted: int) -> tuple[np.ndarray, np.ndarray]:
        order = np.lexsort((rows, found))  # by distance, then by row
        _names, first = np.unique(self.codes[rows[order]], return_index=True)
        best = order[np.sort(first)][:wanted]
        return rows[best], found[best]
