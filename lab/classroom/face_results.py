"""The face round's results, as the lecture's exercise asks them: NumPy over the class's kept faces, no database.

The exercise: "Take 3 photos of yourself and 3 photos of different classmates. For each of your 3 photos, find the
most similar face among the 5 remaining images: if the system is good, the most similar face is one of your 2 other
photos and their distance is below the threshold. For each classmate's photo, the distances should all be above the
threshold." In a class the other images are the whole class's faces: a student's result (:func:`student_result`) is,
per photo, the nearest other face (their own? below the threshold?) and the distances to their own other photos; the
class's (:func:`class_result`) is how often the nearest face was the student's own (rank-1), every same-person
(genuine) and different-person (impostor) distance, their ROC and its equal error rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.classroom.class_faces import ClassFace
from lab.evaluation.roc import OperatingPoint, RocCurve, equal_error_rate, roc_curve

FACE_MODEL = "Facenet"  # the model and detector of the face round: the app's defaults, warm on every server
FACE_DETECTOR = "yunet"
METRIC = "cosine"


def distance_matrix(faces: list[ClassFace]) -> np.ndarray:
    """(n, n) cosine distances between the faces, DeepFace's formula (:func:`lab.faces.embedding.distance_table`)."""
    from lab.faces.embedding import distance_table

    if not faces:
        return np.zeros((0, 0))
    return distance_table(np.stack([face.vector for face in faces]), METRIC)


@dataclass(frozen=True)
class PhotoResult:
    """One of a student's photos against every other face of the class."""

    photo: int
    nearest_distance: float | None  # None: no other face in the class yet
    nearest_is_own: bool
    own_distances: tuple[float, ...]  # to the student's own other photos, in photo order
    nearest_other_person: float | None  # the nearest classmate's face

    def nearest_below(self, threshold: float) -> bool:
        return self.nearest_distance is not None and self.nearest_distance <= threshold


def student_result(faces: list[ClassFace], player_id: int, table: np.ndarray | None = None) -> list[PhotoResult]:
    """Per photo of ``player_id``: the nearest other face of the class and the distances to their own other photos."""
    table = distance_matrix(faces) if table is None else table
    owners = np.array([face.player_id for face in faces])
    results = []
    for row, face in enumerate(faces):
        if face.player_id != player_id:
            continue
        others = np.arange(len(faces)) != row
        own = others & (owners == player_id)
        strangers = owners != player_id
        nearest = int(np.argmin(np.where(others, table[row], np.inf))) if others.any() else None
        results.append(PhotoResult(
            face.photo, None if nearest is None else float(table[row, nearest]),
            nearest is not None and bool(owners[nearest] == player_id),
            tuple(float(d) for d in table[row, own]),
            float(table[row, strangers].min()) if strangers.any() else None))
    return results


@dataclass(frozen=True)
class ClassFaceResult:
    """The class's result: who took part, rank-1, every pair's distance, the ROC and its EER."""

    participants: int
    faces: int
    rank1_right: int  # photos whose nearest other face was the student's own
    rank1_asked: int  # photos that could be asked: the student has another photo and a classmate has a face
    genuine: np.ndarray  # same-person pair distances
    impostor: np.ndarray  # different-person pair distances
    curve: RocCurve | None  # None until there are both kinds of pairs
    eer: float | None
    eer_threshold: float | None  # a distance

    @property
    def rank1(self) -> float | None:
        return self.rank1_right / self.rank1_asked if self.rank1_asked else None

    def at(self, threshold: float) -> OperatingPoint:
        """What a distance threshold does to the class's pairs ("same person" when distance <= threshold)."""
        same_accepted = int(np.sum(self.genuine <= threshold))
        different_accepted = int(np.sum(self.impostor <= threshold))
        return OperatingPoint(float(threshold), same_accepted, int(self.genuine.size) - same_accepted,
                              different_accepted, int(self.impostor.size) - different_accepted)


def class_result(faces: list[ClassFace]) -> ClassFaceResult:
    table = distance_matrix(faces)
    owners = np.array([face.player_id for face in faces], dtype=np.int64)
    first, second = np.triu_indices(len(faces), k=1)
    same = owners[first] == owners[second]
    distances = table[first, second] if len(faces) > 1 else np.zeros(0)
    right = asked = 0
    for row in range(len(faces)):
        others = np.arange(len(faces)) != row
        own = others & (owners == owners[row])
        if own.any() and (owners != owners[row]).any():
            asked += 1
            nearest = int(np.argmin(np.where(others, table[row], np.inf)))
            right += int(owners[nearest] == owners[row])
    curve = eer = eer_threshold = None
    if same.any() and (~same).any():
        curve = roc_curve(-distances, same)
        eer, score = equal_error_rate(curve)
        eer_threshold = -score
    return ClassFaceResult(len(set(owners.tolist())), len(faces), right, asked, distances[same], distances[~same],
                           curve, eer, eer_threshold)
