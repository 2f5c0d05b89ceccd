"""The face pages' inputs: a photo (sample, upload or camera), model, detector and metric, a threshold slider on
the metric's scale, a labelled folder, and the face picker for photos with several faces."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from lab.config import faces_dir, faces_lfw_dir
from lab.faces.catalog import ready_names
from lab.faces.detection import DETECTOR_NOTES, OFFLINE_DETECTORS, Detection
from lab.faces.embedding import METRIC_NOTES, METRICS, OFFLINE_MODELS, default_threshold, slider_range
from lab.faces.photos import LFW_CREDIT, PHOTO_SUFFIXES, Photo
from lab.images import IMAGE_TYPES

SOURCES = ("Sample photo", "Upload", "Camera")
UPLOAD_TYPES = [s.lstrip(".") for s in PHOTO_SUFFIXES]


def sample_photos() -> dict[str, Path]:
    """``{"person/photo.jpg": path}`` of the sample folder (``$FACES_DIR``), or {} when there is none."""
    root = faces_dir()
    if root is None:
        return {}
    return {str(p.relative_to(root)): p for p in sorted(root.rglob("*"))
            if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES}


def photo_ui(key: str, label: str, default_sample: str | None = None) -> tuple[bytes, str] | None:
    """A photo's bytes and name from the sample set, an upload or the camera; None (with a hint) until there is one."""
    samples = sample_photos()
    sources = SOURCES if samples else SOURCES[1:]
    source = st.radio(label, sources, key=f"{key}_source", horizontal=True)
    if source == "Sample photo":
        names = list(samples)
        index = names.index(default_sample) if default_sample in names else 0
        name = st.selectbox("Sample", names, index=index, key=f"{key}_sample")
        return samples[name].read_bytes(), name
    if source == "Upload":
        upload = st.file_uploader(f"A photo with a face ({', '.join(IMAGE_TYPES)})", type=UPLOAD_TYPES, key=f"{key}_upload")
        if upload is None:
            st.info("Upload a photo.")
            return None
        return upload.getvalue(), upload.name
    shot = st.camera_input("Take a photo", key=f"{key}_camera")
    if shot is None:
        st.info("Allow the camera in your browser and take a photo (it stays in memory, never on disk).")
        return None
    return shot.getvalue(), "camera photo"


def model_ui(key: str) -> str:
    models = ready_names("model", OFFLINE_MODELS) or list(OFFLINE_MODELS)
    return st.selectbox("Face model", models, key=f"{key}_model",
                        help="Facenet (Google, 2015; 128 values) is the lecture's model; Dlib's ResNet (128 values) is "
                        "faster on a CPU. Other DeepFace models need a download: see the Face models page.")


def notes_help(notes: dict[str, str], names: list[str] | tuple[str, ...]) -> str:
    """Each option's description, one per line, for a select box's help: in the option text itself they were cut
    off at a third of the page ("yunet: YuNet (2023): a small CNN, the fastes...")."""
    return "\n".join(f"- **{name}**: {notes[name]}" for name in names)


def detector_ui(key: str) -> str:
    detectors = ready_names("detector", OFFLINE_DETECTORS) or list(OFFLINE_DETECTORS)
    return st.selectbox("Face detector", detectors, key=f"{key}_detector", help=notes_help(DETECTOR_NOTES, detectors))


def metric_ui(key: str) -> str:
    return st.selectbox("Distance metric", METRICS, key=f"{key}_metric", help=notes_help(METRIC_NOTES, METRICS))


def threshold_slider_ui(model_name: str, metric: str, key: str, *observed: float, prefix: str = "Threshold") -> float:
    """A distance threshold on the scale of this model and metric, starting at DeepFace's own."""
    standard = default_threshold(model_name, metric)
    low, high = slider_range(model_name, metric, *observed)
    return st.slider(f"{prefix} ({metric} distance; DeepFace's for {model_name}: {standard:g})", low, high,
                     min(standard, high), (high - low) / 200, format="%.3f", key=key)


def settings_ui(key: str) -> tuple[str, str, str]:
    """Model, detector and metric, side by side."""
    columns = st.columns(3)
    with columns[0]:
        model = model_ui(key)
    with columns[1]:
        detector = detector_ui(key)
    with columns[2]:
        metric = metric_ui(key)
    return model, detector, metric


def default_labelled_folder() -> Path | None:
    """LFW's 40 people (``$FACES_LFW_DIR``) when present: enough pairs and photos per person for meaningful figures;
    else the samples' ``train/`` (9 photos, for a quick look); else None."""
    lfw = faces_lfw_dir()
    if lfw is not None:
        return lfw
    root = faces_dir()
    return root / "train" if root is not None and (root / "train").is_dir() else None


def labelled_folder_ui(key: str, label: str) -> Path:
    """A folder with one sub-folder of photos per person; :func:`default_labelled_folder` to start with."""
    default = default_labelled_folder()
    sample = faces_dir()
    hint = f" The small sample: `{sample / 'train'}`." if sample is not None and default != sample / "train" else ""
    return Path(st.text_input(label, value=str(default or ""), key=key,
                              help="A folder on the server with one sub-folder of photos per person." + hint))


def lfw_credit_ui(folder: Path) -> None:
    """LFW's credit under a figure made from its photos, as its authors ask (../shared/data/faces-lfw/SOURCES.md)."""
    lfw = faces_lfw_dir()
    if lfw is not None and (folder == lfw or lfw in folder.parents):
        st.caption(LFW_CREDIT)


def face_picker_ui(detection: Detection, key: str, label: str) -> int | None:
    """The face to use: the only one, or the user's pick among several (default: the largest); None if none."""
    if not detection.faces:
        st.error(f"No face found in {label} by the {detection.detector} detector. Use a photo where the face is "
                 "clearly visible and at least 40 pixels wide, or try another detector.")
        return None
    if len(detection.faces) == 1:
        return 0
    st.warning(f"{len(detection.faces)} faces in {label}: pick the one to use (numbered left to right).")
    columns = st.columns(min(len(detection.faces), 6))
    for number, face in enumerate(detection.faces[:6]):
        columns[number].image(face.aligned, caption=f"face {number + 1}", width=80)
    return st.radio("Face to use", range(len(detection.faces)), index=detection.largest, key=f"{key}_face",
                    format_func=lambda i: f"face {i + 1}", horizontal=True)


def display_width(photo: Photo, max_height: int = 420, max_width: int = 900) -> int:
    """A width at which the photo is at most ``max_height`` pixels tall (portraits must not fill the screen) and
    fits ``max_width`` (a pixel width given to st.image is not limited to its column)."""
    height, width = photo.bgr.shape[:2]
    return max(120, min(max_width, round(width * max_height / height)))
