"""The four stages end to end: photo -> faces -> the chosen face's vector -> a verdict.

A photo with several faces is not an error: the caller picks one (by default the largest, the subject of
most portraits) and the result says which. A photo with no face is refused with :class:`NoFaceError`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from lab.errors import ImageError
from lab.faces.detection import Detection, detect
from lab.faces.embedding import Verdict, embed, verdict
from lab.faces.photos import Photo
from lab.i18n import _, ngettext


class NoFaceError(ImageError):
    """The detector found no face in the photo."""


def choose_face(detection: Detection, photo_name: str, index: int | None = None) -> int:
    """The face to use: ``index`` (0-based) if given, else the largest; refuses a photo with no face."""
    if not detection.faces:
        raise NoFaceError(_(
            "No face found in {photo} by the {detector} detector. Use a photo where the face is clearly visible and "
            "at least 40 pixels wide, or try another detector.").format(photo=photo_name, detector=_(detection.detector)))
    if index is None:
        return detection.largest
    if not 0 <= index < len(detection.faces):
        count = len(detection.faces)
        raise ValueError(ngettext("{photo} has {count} face: choose a face from 1 to {count}",
                                  "{photo} has {count} faces: choose a face from 1 to {count}", count).format(
            photo=photo_name, count=count))
    return index


@dataclass(frozen=True)
class FaceVector:
    photo: Photo
    detection: Detection
    chosen: int
    vector: np.ndarray

    def note(self) -> str:
        count = len(self.detection.faces)
        if count == 1:
            return _("{photo}: one face").format(photo=self.photo.name)
        return _("{photo}: {count} faces found, face {number} used (numbered left to right)").format(
            photo=self.photo.name, count=count, number=self.chosen + 1)


def face_vector(photo: Photo, model_name: str, detector: str, index: int | None = None,
                detection: Detection | None = None, vector: np.ndarray | None = None) -> FaceVector:
    """Stages 1-3 for one photo: detect (unless ``detection`` of this photo is given), choose a face, embed it
    (unless ``vector``, that face's embedding by ``model_name``, is given: a page's cache has it)."""
    detection = detect(photo, detector) if detection is None else detection
    chosen = choose_face(detection, photo.name, index)
    vector = embed([detection.faces[chosen].aligned], model_name)[0] if vector is None else vector
    return FaceVector(photo, detection, chosen, vector)


@dataclass(frozen=True)
class Verification:
    first: FaceVector
    second: FaceVector
    verdict: Verdict
    seconds: float

    def as_dict(self) -> dict:
        return {**self.verdict.as_dict(), "detector_backend": self.first.detection.detector,
                "faces": [len(self.first.detection.faces), len(self.second.detection.faces)],
                "face_used": [self.first.chosen + 1, self.second.chosen + 1], "time": round(self.seconds, 4)}


def verify_photos(first: Photo, second: Photo, model_name: str = "Facenet", detector: str = "yunet",
                  metric: str = "cosine", threshold: float | None = None,
                  face_first: int | None = None, face_second: int | None = None, *,
                  detections: tuple[Detection | None, Detection | None] = (None, None),
                  vectors: tuple[np.ndarray | None, np.ndarray | None] = (None, None)) -> Verification:
    """Are the chosen faces of two photos the same person? Distance against DeepFace's threshold by default.

    ``detections`` and ``vectors`` (each photo's, where known) skip the work a page has cached already."""
    started = time.perf_counter()
    a = face_vector(first, model_name, detector, face_first, detections[0], vectors[0])
    b = face_vector(second, model_name, detector, face_second, detections[1], vectors[1])
    return compare_faces(a, b, model_name, metric, threshold, time.perf_counter() - started)


def compare_faces(first: FaceVector, second: FaceVector, model_name: str, metric: str = "cosine",
                  threshold: float | None = None, seconds: float = 0.0) -> Verification:
    """Stage 4: the distance of two embedded faces against the threshold (DeepFace's by default)."""
    return Verification(first, second, verdict(first.vector, second.vector, model_name, metric, threshold), seconds)
