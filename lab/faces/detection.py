"""Stages 1 and 2: find the faces in a photo and align them (eyes level), with DeepFace's detectors.

DeepFace's ``opencv`` detector is Viola-Jones with fixed parameters (scale factor 1.1, 10 neighbours). To
show what those parameters do, :func:`detect_viola_jones` runs the same Haar cascade with the user's values
and hands each box to DeepFace's own eye finder and aligner, so its faces are aligned exactly as DeepFace's.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np

from lab.errors import LabError
from lab.faces.photos import Photo
from lab.i18n import N_, _
from lab.limits import MIN_NEIGHBORS, SCALE_FACTOR

# DeepFace's detectors that need no download once `python -m lab faces weights` has run (mtcnn ships its
# weights in its wheel), fastest first as measured in docs/PERFORMANCE.md.
OFFLINE_DETECTORS = ("yunet", "opencv", "mtcnn", "centerface", "dlib")
# English marked with N_ (built once per server): pages show _(DETECTOR_NOTES[name]).
DETECTOR_NOTES = {
    "opencv": N_("Viola-Jones Haar cascade (2001): fast, frontal faces only, eyes found by a second cascade"),
    "yunet": N_("YuNet (2023): a small CNN, the fastest here, with eye landmarks"),
    "mtcnn": N_("MTCNN (2016): three cascaded CNNs, with five landmarks"),
    "centerface": N_("CenterFace (2019): an anchor-free CNN, with five landmarks"),
    "dlib": N_("dlib's HOG detector with a 5-point shape predictor"),
}
# The name a Viola-Jones detection with the user's parameters goes by; it stays English in the Detection (a name,
# as the other detectors' are, and cached across sessions), and is marked here so that pages show _(detector).
VIOLA_JONES_DETECTOR = N_("opencv (your parameters)")


# DeepFace builds one instance of each detector per process, shared by every session's thread, and OpenCV's
# detectors are not thread-safe: YuNet sets its input size to the photo's, then detects, so two sessions
# detecting at once crashed the whole server with a segmentation fault. One lock per detector serialises them.
_DETECTOR_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def detector_lock(detector: str) -> threading.Lock:
    """The lock that every use of DeepFace's shared ``detector`` instance holds."""
    with _LOCKS_GUARD:
        return _DETECTOR_LOCKS.setdefault(detector, threading.Lock())


class DetectionError(LabError):
    """A detector could not run (its weights are missing and cannot be downloaded, or it failed)."""


@dataclass(frozen=True)
class Face:
    """One detected face: its box in the photo, the detector's confidence, and the aligned crop (RGB uint8)."""

    x: int
    y: int
    w: int
    h: int
    confidence: float
    aligned: np.ndarray

    @property
    def area(self) -> int:
        return self.w * self.h

    def crop(self, photo: Photo) -> np.ndarray:
        """The box cut from the photo as it is (RGB), before alignment."""
        return photo.rgb[max(0, self.y):self.y + self.h, max(0, self.x):self.x + self.w]


@dataclass(frozen=True)
class Detection:
    detector: str
    faces: list[Face]  # left to right, so "face 1" is the leftmost
    seconds: float

    @property
    def largest(self) -> int:
        """Index of the largest face (the subject of most portraits); -1 when there is none."""
        return int(np.argmax([f.area for f in self.faces])) if self.faces else -1


def _face(photo: Photo, x: float, y: float, w: float, h: float, confidence: float, aligned: np.ndarray) -> Face:
    """A face with its box clipped to the photo (a detector may reach into the border added for alignment)."""
    height, width = photo.bgr.shape[:2]
    left, top = max(0, int(x)), max(0, int(y))
    right, bottom = min(width, int(x + w)), min(height, int(y + h))
    return Face(left, top, max(0, right - left), max(0, bottom - top), float(confidence or 0.0), aligned)


def _faces_from_deepface(photo: Photo, found: list[dict]) -> list[Face]:
    faces = []
    for item in found:
        area = item["facial_area"]
        aligned = np.clip(np.asarray(item["face"]) * 255.0, 0, 255).astype(np.uint8)
        if aligned.size:
            faces.append(_face(photo, area["x"], area["y"], area["w"], area["h"], item.get("confidence"), aligned))
    return sorted(faces, key=lambda f: (f.x, f.y))


def detect(photo: Photo, detector: str = "yunet", align: bool = True) -> Detection:
    """Every face that DeepFace's ``detector`` finds in ``photo`` (an empty list when there is none)."""
    from deepface import DeepFace
    from deepface.modules.exceptions import FaceNotDetected

    started = time.perf_counter()
    try:
        with detector_lock(detector):
            found = DeepFace.extract_faces(photo.bgr, detector_backend=detector, enforce_detection=True, align=align)
    except FaceNotDetected:
        found = []
    except (ValueError, OSError, ImportError) as exc:  # unknown name, weights missing offline, module missing
        raise DetectionError(_("the {detector} detector could not run: {reason}").format(
            detector=detector, reason=exc)) from exc
    return Detection(detector, _faces_from_deepface(photo, found), time.perf_counter() - started)


def detect_viola_jones(photo: Photo, scale_factor: float = 1.1, min_neighbors: int = 10,
                       min_size: int = 30, align: bool = True) -> Detection:
    """Viola-Jones with chosen parameters; eyes and alignment by DeepFace's ``opencv`` detector.

    ``scale_factor``: how much the image shrinks between scales (1.05 finds more faces, slower); ``min_neighbors``:
    how many overlapping windows must agree (more: fewer false faces, more missed ones).
    """
    import cv2
    from deepface.modules import detection, modeling
    from deepface.models.Detector import FacialAreaRegion

    SCALE_FACTOR.check(scale_factor)
    MIN_NEIGHBORS.check(min_neighbors)
    if min_size < 1:
        raise ValueError(_("the minimum face size must be at least 1 pixel"))
    started = time.perf_counter()
    client = modeling.build_model(task="face_detector", model_name="opencv")  # loads both cascades once
    image = photo.bgr
    # As DeepFace does before aligning: a black border, so that rotating a face near the edge loses nothing.
    height_border, width_border = (int(0.5 * image.shape[0]), int(0.5 * image.shape[1])) if align else (0, 0)
    padded = cv2.copyMakeBorder(image, height_border, height_border, width_border, width_border,
                                cv2.BORDER_CONSTANT, value=[0, 0, 0])
    with detector_lock("opencv"):  # the same cascades as DeepFace's opencv detector
        boxes, _levels, weights = client.model["face_detector"].detectMultiScale3(
            padded, scaleFactor=scale_factor, minNeighbors=min_neighbors, minSize=(min_size, min_size),
            outputRejectLevels=True,
        )
        eyes = [client.find_eyes(padded[y:y + h, x:x + w]) for (x, y, w, h) in boxes]
    faces = []
    for (x, y, w, h), weight, (left_eye, right_eye) in zip(boxes, weights, eyes):
        region = FacialAreaRegion(
            x=int(x), y=int(y), w=int(w), h=int(h),
            left_eye=None if left_eye is None else (int(x + left_eye[0]), int(y + left_eye[1])),
            right_eye=None if right_eye is None else (int(x + right_eye[0]), int(y + right_eye[1])),
            confidence=(100 - float(weight)) / 100,  # DeepFace's mapping of the cascade's level weight
        )
        found = detection.extract_face(region, padded, align, 0, width_border, height_border, "opencv")
        aligned = np.ascontiguousarray(found.img[:, :, ::-1])
        area = found.facial_area
        if aligned.size:
            faces.append(_face(photo, area.x, area.y, area.w, area.h, found.confidence, aligned))
    faces.sort(key=lambda f: (f.x, f.y))
    return Detection(VIOLA_JONES_DETECTOR, faces, time.perf_counter() - started)


def draw_boxes(photo: Photo, faces: list[Face], chosen: int | None = None) -> np.ndarray:
    """The photo (RGB) with each face's box and number; the chosen face in green, the others in orange."""
    import cv2

    canvas = np.ascontiguousarray(photo.rgb.copy())
    thickness = max(2, round(max(canvas.shape[:2]) / 300))
    for index, face in enumerate(faces):
        colour = (40, 200, 60) if index == chosen else (255, 150, 0)
        cv2.rectangle(canvas, (face.x, face.y), (face.x + face.w, face.y + face.h), colour, thickness)
        label = str(index + 1)
        scale = max(0.6, face.w / 120)
        cv2.putText(canvas, label, (face.x + thickness, max(face.y - 2 * thickness, 12)),
                    cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thickness, cv2.LINE_AA)
    return canvas
