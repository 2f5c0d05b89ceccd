"""Choosing a threshold for your own photos: every same/different pair of a labelled folder, scored.

DeepFace's thresholds were tuned on public benchmarks; a class's webcam photos may need another. This
module embeds each labelled photo once (its largest face), scores all pairs with each metric, and reports
the ROC, the equal error rate and the threshold that keeps false matches under a target rate. Distances are
turned into scores by negation so that the lab's ROC functions (higher = more alike) apply unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.errors import ImageError, LabError
from lab.evaluation.roc import (
    OperatingPoint, RocCurve, equal_error_rate, operating_point, roc_curve, threshold_for_false_accept_rate,
)
from lab.faces.embedding import default_threshold, distances
from lab.faces.photos import labelled_photos, load_photo
from lab.limits import TARGET_FMR


@dataclass(frozen=True)
class LabelledFaces:
    """One embedded face per usable photo of a labelled folder."""

    model: str
    detector: str
    people: list[str]  # person of each row
    sources: list[str]  # photo of each row, relative to the folder
    vectors: np.ndarray  # (n, d)
    faces: list[np.ndarray]  # aligned crops, for galleries
    skipped: list[str]  # "photo: reason" for photos that gave no face or could not be read


def embed_folder(folder: Path, model: str, detector: str) -> LabelledFaces:
    """Detect the largest face of every photo under ``folder/<person>/`` and embed them all in one batch."""
    from lab.faces.detection import detect
    from lab.faces.embedding import embed

    photos = [(person, path) for person, paths in labelled_photos(folder).items() for path in paths]
    people, sources, crops, skipped = [], [], [], []
    for person, path in photos:
        name = f"{person}/{path.name}"
        try:
            detection = detect(load_photo(path), detector)
        except ImageError as exc:
            skipped.append(f"{name}: {exc}")
            continue
        if not detection.faces:
            skipped.append(f"{name}: no face found by {detector}")
            continue
        people.append(person)
        sources.append(name)
        crops.append(detection.faces[detection.largest].aligned)
    if not crops:
        raise LabError(f"no face was found in any photo of {folder}")
    return LabelledFaces(model, detector, people, sources, embed(crops, model), crops, skipped)


def pair_distances(faces: LabelledFaces, metric: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distances, same, index pairs (m, 2)) over all pairs i < j of the embedded faces."""
    first, second = np.triu_indices(len(faces.people), k=1)
    table = np.stack([distances(faces.vectors, v, metric) for v in faces.vectors])  # (n, n)
    labels = np.asarray(faces.people)
    return table[first, second], labels[first] == labels[second], np.stack([first, second], axis=1)


def distance_point(found: np.ndarray, same: np.ndarray, threshold: float) -> OperatingPoint:
    """What a distance threshold does, with DeepFace's rule "same when distance <= threshold"."""
    point = operating_point(-found, same, np.nextafter(-threshold, -np.inf))
    return OperatingPoint(float(threshold), point.true_accepts, point.false_rejects, point.false_accepts, point.true_rejects)


@dataclass(frozen=True)
class ThresholdReport:
    model: str
    metric: str
    curve: RocCurve  # on scores = -distance
    eer: float
    eer_threshold: float  # a distance
    target_far: float
    threshold_at_target: float  # the largest distance threshold whose false match rate is at most the target
    default: OperatingPoint  # at DeepFace's threshold
    at_eer: OperatingPoint
    at_target: OperatingPoint

    def as_dict(self) -> dict:
        return {"model": self.model, "distance_metric": self.metric, "auc": self.curve.auc, "eer": self.eer,
                "eer_threshold": self.eer_threshold, "target_false_match_rate": self.target_far,
                "deepface_threshold": point_dict(self.default), "at_eer": point_dict(self.at_eer),
                "at_target": point_dict(self.at_target)}


def point_dict(p: OperatingPoint) -> dict:
    """An operating point in the face vocabulary (false match / non-match), as reports and exports write it."""
    return {"threshold": p.threshold, "accuracy": p.accuracy, "false_match_rate": p.false_accept_rate,
            "false_non_match_rate": p.false_reject_rate}


def threshold_report(faces: LabelledFaces, metric: str, target_far: float = 0.01) -> ThresholdReport:
    TARGET_FMR.check(target_far)
    found, same, _ = pair_distances(faces, metric)
    if same.all() or not same.any():
        raise LabError("a threshold needs both same-person and different-person pairs: give at least two people, "
                       "one of them with two photos or more")
    curve = roc_curve(-found, same)
    eer, eer_score = equal_error_rate(curve)
    at_target = -threshold_for_false_accept_rate(-found, same, target_far)
    at_target = float(np.nextafter(at_target, -np.inf))  # "<=" must not take in the pair sitting on the threshold
    return ThresholdReport(
        faces.model, metric, curve, eer, -eer_score, target_far, at_target,
        distance_point(found, same, default_threshold(faces.model, metric)),
        distance_point(found, same, -eer_score), distance_point(found, same, at_target),
    )
