"""Stages 3 and 4: a face as a vector (DeepFace's models), and the decision by distance against a threshold."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from lab.errors import LabError
from lab.limits import FACE_THRESHOLDS, face_threshold

# The models that run offline once `python -m lab faces weights` has run (Facenet is the lecture's model).
OFFLINE_MODELS = ("Facenet", "Dlib")
METRICS = ("cosine", "euclidean", "euclidean_l2", "angular")
METRIC_NOTES = {
    "cosine": "1 - cos(angle between the vectors): 0 = same direction, up to 2",
    "euclidean": "straight-line distance between the raw vectors: its scale depends on the model",
    "euclidean_l2": "straight-line distance after scaling both vectors to length 1: from 0 to 2",
    "angular": "the angle between the vectors as a fraction of 180 degrees: from 0 to 1",
}


class EmbeddingError(LabError):
    """A face model could not be built (weights missing offline) or could not embed a face."""


def build_model(model_name: str) -> object:
    """DeepFace's model, built once per process (DeepFace keeps it; the app also caches it per server)."""
    from deepface.modules import modeling

    try:
        return modeling.build_model(task="facial_recognition", model_name=model_name)
    except (ValueError, OSError, ImportError) as exc:
        raise EmbeddingError(f"the {model_name} model could not be loaded: {exc}") from exc


def embed(faces: list[np.ndarray], model_name: str = "Facenet") -> np.ndarray:
    """(n, d) float32 embeddings of aligned face crops (RGB uint8), in one batch through DeepFace's model."""
    from deepface import DeepFace

    if not faces:
        raise ValueError("no face to embed")
    build_model(model_name)
    # DeepFace takes BGR images; "skip" means: the image is already the face, only resize and normalise it.
    images = [np.ascontiguousarray(face[:, :, ::-1]) for face in faces]
    try:
        found = DeepFace.represent(images if len(images) > 1 else images[0], model_name=model_name,
                                   detector_backend="skip", enforce_detection=False)
    except (ValueError, OSError) as exc:
        raise EmbeddingError(f"{model_name} could not embed the face: {exc}") from exc
    rows = [item[0] for item in found] if len(images) > 1 else found
    return np.asarray([np.ravel(row["embedding"]) for row in rows], dtype=np.float32)


def distances(gallery: np.ndarray, query: np.ndarray, metric: str = "cosine") -> np.ndarray:
    """Distances from one query vector (d,) to each row of ``gallery`` (n, d), DeepFace's formulas."""
    from deepface.modules.verification import find_distance

    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    gallery = np.atleast_2d(np.asarray(gallery, dtype=np.float64))
    query = np.atleast_2d(np.asarray(query, dtype=np.float64))
    return np.asarray(find_distance(gallery, query, metric), dtype=np.float64)[0]


def distance_table(vectors: np.ndarray, metric: str = "cosine") -> np.ndarray:
    """(n, n) distances between every two rows of ``vectors``, as :func:`distances` gives them (to 1e-6).

    Cosine and angular are DeepFace's own batch formulas. For the euclidean ones DeepFace's batch formula builds an
    (n, n, d) array of differences (2.8 GB and 25 s for 1,652 faces), so they are computed here from the dot
    products, |a - b|^2 = |a|^2 + |b|^2 - 2 a.b, and rounded to 6 decimals as DeepFace rounds.
    """
    from deepface.modules.verification import find_distance, l2_normalize

    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float64))
    if metric in ("cosine", "angular"):
        return np.asarray(find_distance(vectors, vectors, metric), dtype=np.float64)
    if metric == "euclidean_l2":
        vectors = l2_normalize(vectors, axis=1)
    squares = np.sum(vectors * vectors, axis=1)
    table = np.sqrt(np.maximum(squares[:, None] + squares[None, :] - 2.0 * (vectors @ vectors.T), 0.0))
    np.fill_diagonal(table, 0.0)
    return np.round(table, 6)


def default_threshold(model_name: str, metric: str) -> float:
    """DeepFace's pre-tuned threshold for this model and metric (same face when distance <= threshold)."""
    from deepface.config.threshold import thresholds

    try:
        return float(thresholds[model_name][metric])
    except KeyError as exc:
        raise ValueError(f"DeepFace has no threshold for {model_name} with {metric}") from exc


def threshold_table(models: tuple[str, ...] | None = None) -> dict[str, dict[str, float]]:
    """DeepFace's threshold table, ``{model: {metric: threshold}}``."""
    from deepface.config.threshold import thresholds

    return {name: dict(row) for name, row in thresholds.items() if models is None or name in models}


def checked_threshold(model_name: str, metric: str, threshold: float | None) -> float:
    """DeepFace's threshold when ``threshold`` is None, else ``threshold`` checked against the metric's scale."""
    return default_threshold(model_name, metric) if threshold is None else face_threshold(metric, threshold)


def threshold_note(model_name: str, metric: str, threshold: float) -> str | None:
    """A warning for a threshold at which the decision says little: everyone the same person, or no one."""
    standard = default_threshold(model_name, metric)
    if metric != "euclidean" and threshold >= FACE_THRESHOLDS[metric].high:
        return f"{threshold:g} is the largest {metric} distance there is: every pair of faces is called the same person."
    if threshold > 2 * standard:
        return (f"the threshold {threshold:g} is over twice DeepFace's {standard:g} for {model_name} with {metric}: "
                "expect different people to be called the same person.")
    if threshold == 0:
        return "a threshold of 0 calls only identical faces the same person."
    return None


def slider_range(model_name: str, metric: str, *observed: float) -> tuple[float, float]:
    """A threshold slider's (low, high) on the right scale: up to 2.5 x DeepFace's threshold or the distances seen."""
    bounded = {"cosine": 2.0, "euclidean_l2": 2.0, "angular": 1.0}
    high = max([2.5 * default_threshold(model_name, metric), *(1.1 * d for d in observed)])
    high = min(high, bounded.get(metric, high))
    return 0.0, float(f"{high:.3g}")


def cosine_to_euclidean_l2(cosine_threshold: float) -> float:
    """The euclidean_l2 threshold that makes exactly the decisions of a cosine threshold.

    For vectors of length 1, |a - b|^2 = 2 - 2 cos(a, b) = 2 x cosine distance: euclidean_l2 = sqrt(2 x cosine),
    which grows with it, so both order every pair the same way.
    """
    return math.sqrt(2.0 * max(cosine_threshold, 0.0))


@dataclass(frozen=True)
class Verdict:
    model: str
    metric: str
    distance: float
    threshold: float
    default_threshold: float

    @property
    def verified(self) -> bool:
        """DeepFace's rule: the same person when the distance is at most the threshold."""
        return self.distance <= self.threshold

    def at(self, threshold: float) -> Verdict:
        """The same pair judged against another threshold (the distance does not change)."""
        return dataclasses.replace(self, threshold=face_threshold(self.metric, threshold))

    def as_dict(self) -> dict:
        return {"verified": self.verified, "distance": self.distance, "threshold": self.threshold,
                "default_threshold": self.default_threshold, "model": self.model, "distance_metric": self.metric}


def verdict(a: np.ndarray, b: np.ndarray, model_name: str, metric: str, threshold: float | None = None) -> Verdict:
    standard = default_threshold(model_name, metric)
    distance = float(distances(a[None, :], b, metric)[0])
    return Verdict(model_name, metric, distance, checked_threshold(model_name, metric, threshold), standard)

