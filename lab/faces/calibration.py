"""Choosing a threshold for your own photos: every same/different pair of a labelled folder, scored.

DeepFace's thresholds were tuned on public benchmarks; a class's webcam photos may need another. This
module embeds each labelled photo once (its largest face; kept on disk per folder, model and detector), scores
all pairs with each metric, and reports the ROC with a bootstrap band over people, the equal error rate and the
threshold that keeps false matches under a target rate. Distances are turned into scores by negation so that
the lab's ROC functions (higher = more alike) apply unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.errors import ImageError, LabError
from lab.evaluation.roc import (
    OperatingPoint, RocCurve, equal_error_rate, operating_point, roc_curve, score_histogram,
    threshold_for_false_accept_rate,
)
from lab.evaluation.roc_band import RocBand, bootstrap_band, fpr_grid, thin_curve
from lab.faces.embedding import default_threshold, distance_table, slider_range
from lab.faces.folder_cache import cache_file, load_faces, save_faces, stamp_digest
from lab.faces.photos import PHOTO_SUFFIXES, labelled_photos, load_photo, thumbnail
from lab.files import folder_stamp
from lab.limits import TARGET_FMR

# What is kept of each aligned crop, in memory and in the cache: a square thumbnail of the face database's size
# (lab.faces.thumbnails.THUMBNAIL, for enrol_folder), which the experiment's CNN shrinks to its 64x64. 1,652 LFW faces
# take 46 MB so; the crops themselves (about 115x90, each its own shape) would not fit one array.
THUMBNAIL = 96
# Photos detected, then embedded in one batch, between two progress reports: large enough for a batched forward
# pass, small enough that a progress bar moves every second or two.
BATCH = 32

Progress = Callable[[int, int], None]  # (photos done, photos in all)


@dataclass(frozen=True)
class LabelledFaces:
    """One embedded face per usable photo of a labelled folder."""

    model: str
    detector: str
    people: list[str]  # person of each row
    sources: list[str]  # photo of each row, relative to the folder
    vectors: np.ndarray  # (n, d)
    faces: np.ndarray  # (n, 96, 96, 3) uint8 thumbnails of the aligned crops (the experiment's CNN input)
    skipped: list[str]  # "photo: reason" for photos that gave no face or could not be read


def embed_folder(folder: Path, model: str, detector: str, progress: Progress | None = None,
                 use_cache: bool = True) -> LabelledFaces:
    """Detect the largest face of every photo under ``folder/<person>/`` and embed them, in batches.

    The result is kept on disk per folder, model and detector (:mod:`lab.faces.folder_cache`); a later call on an
    unchanged folder reads it back without loading the model. ``progress(done, total)`` is told after each batch.
    """
    folder = Path(folder)
    photos = [(person, path) for person, paths in labelled_photos(folder).items() for path in paths]
    stamp = stamp_digest(folder_stamp(folder, PHOTO_SUFFIXES))
    found = cached_folder(folder, model, detector, stamp) if use_cache else None
    if found is not None:
        if progress is not None:
            progress(len(photos), len(photos))
        return found
    faces = _embed_photos(photos, model, detector, progress)
    if use_cache:
        save_faces(cache_file(folder, model, detector), stamp, faces.vectors, faces.faces, faces.people,
                   faces.sources, faces.skipped)
    return faces


def cached_folder(folder: Path, model: str, detector: str, stamp: str | None = None) -> LabelledFaces | None:
    """The embedded folder from the disk cache, if it holds the folder as it is now; None otherwise. Needs no model:
    a page asks this first, and loads the model only to embed."""
    stamp = stamp_digest(folder_stamp(folder, PHOTO_SUFFIXES)) if stamp is None else stamp
    found = load_faces(cache_file(folder, model, detector), stamp)
    if found is None:
        return None
    return LabelledFaces(model, detector, found["people"], found["sources"], found["vectors"], found["thumbnails"],
                         found["skipped"])


def _embed_photos(photos: list[tuple[str, Path]], model: str, detector: str,
                  progress: Progress | None) -> LabelledFaces:
    from lab.faces.embedding import embed

    people, sources, vectors, thumbnails, skipped = [], [], [], [], []
    if progress is not None:
        progress(0, len(photos))
    for start in range(0, len(photos), BATCH):
        crops = []
        for person, path in photos[start:start + BATCH]:
            name = f"{person}/{path.name}"
            crop = _largest_face(path, name, detector, skipped)
            if crop is not None:
                people.append(person)
                sources.append(name)
                crops.append(crop)
        if crops:
            vectors.append(embed(crops, model))
            thumbnails.extend(thumbnail(crop, THUMBNAIL) for crop in crops)
        if progress is not None:
            progress(min(start + BATCH, len(photos)), len(photos))
    if not people:
        raise LabError(f"no face was found in any photo of {photos[0][1].parent.parent if photos else 'the folder'}")
    return LabelledFaces(model, detector, people, sources, np.concatenate(vectors), np.stack(thumbnails), skipped)


def _largest_face(path: Path, name: str, detector: str, skipped: list[str]) -> np.ndarray | None:
    """The aligned crop of the photo's largest face (the labelled person of a portrait; in LFW, the centred face),
    or None with the reason added to ``skipped``."""
    from lab.faces.detection import detect

    try:
        detection = detect(load_photo(path), detector)
    except ImageError as exc:
        skipped.append(f"{name}: {exc}")
        return None
    if not detection.faces:
        skipped.append(f"{name}: no face found by {detector}")
        return None
    return detection.faces[detection.largest].aligned


def pair_distances(faces: LabelledFaces, metric: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distances, same, index pairs (m, 2)) over all pairs i < j of the embedded faces."""
    first, second = np.triu_indices(len(faces.people), k=1)
    table = distance_table(faces.vectors, metric)  # (n, n)
    labels = np.asarray(faces.people)
    return table[first, second], labels[first] == labels[second], np.stack([first, second], axis=1)


def distance_point(found: np.ndarray, same: np.ndarray, threshold: float) -> OperatingPoint:
    """What a distance threshold does, with DeepFace's rule "same when distance <= threshold"."""
    point = operating_point(-found, same, np.nextafter(-threshold, -np.inf))
    return OperatingPoint(float(threshold), point.true_accepts, point.false_rejects, point.false_accepts, point.true_rejects)


@dataclass(frozen=True)
class MetricPairs:
    """Every pair of an embedded folder under one metric: what the threshold lab's slider and histogram read."""

    model: str
    metric: str
    distances: np.ndarray  # (m,) over all pairs i < j, as pair_distances orders them
    same: np.ndarray  # (m,) whether each pair is of one person

    @property
    def largest(self) -> float:
        return float(self.distances.max())

    def at(self, threshold: float) -> OperatingPoint:
        return distance_point(self.distances, self.same, threshold)

    def histograms(self, bins: int = 60) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(same-person counts, different-person counts, edges) from 0 to the end of the threshold slider's scale
        (the largest distance if it lies beyond), so that a threshold line falls where the slider puts it."""
        high = max(slider_range(self.model, self.metric, self.largest)[1], self.largest)
        same_counts, edges = score_histogram(self.distances[self.same], bins=bins, low=0.0, high=high)
        different_counts = score_histogram(self.distances[~self.same], bins=bins, low=0.0, high=high)[0]
        return same_counts, different_counts, edges


def metric_pairs(faces: LabelledFaces, metric: str) -> MetricPairs:
    """The distance of every pair of ``faces`` under ``metric``, and whether it is of one person."""
    found, same, _ = pair_distances(faces, metric)
    return MetricPairs(faces.model, metric, found, same)


@dataclass(frozen=True)
class ThresholdReport:
    model: str
    metric: str
    curve: RocCurve  # on scores = -distance; its points on band's grid (the AUC is the full curve's)
    eer: float
    eer_threshold: float  # a distance
    target_far: float
    threshold_at_target: float  # the largest distance threshold whose false match rate is at most the target
    default: OperatingPoint  # at DeepFace's threshold
    at_eer: OperatingPoint
    at_target: OperatingPoint
    band: RocBand  # 95% bootstrap band over people, with the AUC's and the EER's intervals

    def as_dict(self) -> dict:
        low, high = self.band.at(self.target_far)
        return {"model": self.model, "distance_metric": self.metric, "auc": self.curve.auc,
                "auc_ci95": list(self.band.auc_interval), "eer": self.eer, "eer_ci95": list(self.band.eer_interval),
                "eer_threshold": self.eer_threshold, "target_false_match_rate": self.target_far,
                "deepface_threshold": point_dict(self.default), "at_eer": point_dict(self.at_eer),
                "at_target": {**point_dict(self.at_target), "true_match_rate_ci95": [low, high]},
                "bootstrap": {"replicates": self.band.replicates, "people_or_groups": self.band.groups}}


def point_dict(p: OperatingPoint) -> dict:
    """An operating point in the face vocabulary (false match / non-match), as reports and exports write it."""
    return {"threshold": p.threshold, "accuracy": p.accuracy, "false_match_rate": p.false_accept_rate,
            "false_non_match_rate": p.false_reject_rate}


def person_numbers(people: list[str]) -> np.ndarray:
    """0, 1, ... for each row's person (in order of first appearance), for the bootstrap over people."""
    return np.unique(np.asarray(people), return_inverse=True)[1]


def threshold_report(faces: LabelledFaces, metric: str, target_far: float = 0.01,
                     replicates: int = 1000) -> ThresholdReport:
    TARGET_FMR.check(target_far)
    found, same, pairs = pair_distances(faces, metric)
    if same.all() or not same.any():
        raise LabError("a threshold needs both same-person and different-person pairs: give at least two people, "
                       "one of them with two photos or more")
    curve = roc_curve(-found, same)
    eer, eer_score = equal_error_rate(curve)
    at_target = -threshold_for_false_accept_rate(-found, same, target_far)
    at_target = float(np.nextafter(at_target, -np.inf))  # "<=" must not take in the pair sitting on the threshold
    grid = np.union1d(fpr_grid(int((~same).sum())), [target_far])  # the band read exactly at the target
    person = person_numbers(faces.people)
    band = bootstrap_band(-found, same, person[pairs[:, 0]], person[pairs[:, 1]], grid, replicates)
    return ThresholdReport(
        faces.model, metric, thin_curve(curve, grid), eer, -eer_score, target_far, at_target,
        distance_point(found, same, default_threshold(faces.model, metric)),
        distance_point(found, same, -eer_score), distance_point(found, same, at_target), band,
    )
