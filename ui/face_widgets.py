"""The face pages' inputs: a photo (sample, upload or camera), model, detector and metric, a threshold slider on
the metric's scale, a labelled folder, and the face picker for photos with several faces.

Every setting is a :class:`ui.settings.Setting`, bound to the URL: its key is its name in the address, so keys are
short and stable. A page checks the link's values before its widgets with :func:`ui.settings.check_link`, given the
``*_settings`` lists here, which hold the options exactly as the widgets show them. The face picker and the
threshold slider check their own value, just before they are drawn: their choices depend on the faces found and
the distances measured.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st

from lab.classroom.join_address import is_loopback
from lab.config import faces_dir, faces_lfw_dir
from lab.faces.catalog import ready_names
from lab.faces.detection import DETECTOR_NOTES, OFFLINE_DETECTORS, Detection
from lab.faces.embedding import METRIC_NOTES, METRICS, OFFLINE_MODELS, default_threshold, slider_range
from lab.faces.photos import LFW_CREDIT, PHOTO_SUFFIXES, Photo
from lab.formatting import format_message
from lab.i18n import N_, _
from lab.images import IMAGE_TYPES
from lab.limits import FACE_THRESHOLDS, Bounds
from ui.settings import BIND, Setting, check_link, in_language
from ui.url_state import choice_value

# The options themselves stay English (tests and code compare them); the radio shows them translated.
SAMPLE, UPLOAD, CAMERA = N_("Sample photo"), N_("Upload"), N_("Camera")
SOURCES = (SAMPLE, UPLOAD, CAMERA)
UPLOAD_TYPES = [s.lstrip(".") for s in PHOTO_SUFFIXES]


def setting_key(prefix: str, name: str) -> str:
    """A widget's key, which is also its name in the URL: ``name`` alone where a page has one such setting."""
    return f"{prefix}_{name}" if prefix else name


def sample_photos() -> dict[str, Path]:
    """``{"person/photo.jpg": path}`` of the sample folder (``$FACES_DIR``), or {} when there is none."""
    root = faces_dir()
    if root is None:
        return {}
    return {str(p.relative_to(root)): p for p in sorted(root.rglob("*"))
            if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES}


def photo_sources(samples: dict[str, Path]) -> tuple[str, ...]:
    return SOURCES if samples else SOURCES[1:]


def photo_settings(key: str, default_sample: str | None = None) -> list[Setting]:
    """:func:`photo_ui` ``(key)``'s settings: where the photo comes from, and which sample it is."""
    samples = sample_photos()
    return [Setting(f"{key}_source", "radio", options=photo_sources(samples), shown=in_language(), translated=True,
                    extra={"horizontal": True}),
            Setting(key, "selectbox", N_("Sample"), options=list(samples), default=default_sample)]


def photo_ui(key: str, label: str, default_sample: str | None = None) -> tuple[bytes, str] | None:
    """A photo's bytes and name from the sample set, an upload or the camera; None (with a hint) until there is one.
    The source and the sample are in the URL (``{key}_source``, ``{key}``); an upload or a camera photo is not."""
    source_setting, sample_setting = photo_settings(key, default_sample)
    source = source_setting.draw(label=label)
    if source == SAMPLE:
        name = sample_setting.draw()
        return sample_photos()[name].read_bytes(), name
    if source == UPLOAD:
        upload = st.file_uploader(_("A photo with a face ({types})").format(types=", ".join(IMAGE_TYPES)),
                                  type=UPLOAD_TYPES, key=f"{key}_upload")
        if upload is None:
            st.info(_("Upload a photo."))
            return None
        return upload.getvalue(), upload.name
    if not camera_allowed():
        upload = st.file_uploader(_("A photo with a face ({types})").format(types=", ".join(IMAGE_TYPES)),
                                  type=UPLOAD_TYPES, key=f"{key}_upload")
        return (upload.getvalue(), upload.name) if upload is not None else None
    shot = st.camera_input(_("Take a photo"), key=f"{key}_camera")
    if shot is None:
        st.info(_("Allow the camera in your browser and take a photo (it stays in memory, never on disk)."))
        return None
    return shot.getvalue(), _("camera photo")


def camera_allowed() -> bool:
    """Browsers give the camera only to HTTPS pages and to localhost: over plain HTTP from another device (a phone on
    the room's network) say so, so that the page offers the upload box instead of a camera that never starts."""
    parts = urlsplit(st.context.url or "")
    if parts.scheme == "https" or not parts.hostname or is_loopback(parts.hostname):
        return True
    st.warning(_("Your browser gives the camera only to pages served over HTTPS (this one is plain HTTP): upload a "
                 "photo instead, or ask the teacher to start the lab with ./run.sh app --https."))
    return False


def model_options() -> list[str]:
    return ready_names("model", OFFLINE_MODELS) or list(OFFLINE_MODELS)


def detector_options() -> list[str]:
    return ready_names("detector", OFFLINE_DETECTORS) or list(OFFLINE_DETECTORS)


def notes_help(notes: dict[str, str], names: list[str] | tuple[str, ...]) -> str:
    """Each option's description, one per line, for a select box's help: in the option text itself they were cut
    off at a third of the page ("yunet: YuNet (2023): a small CNN, the fastes...")."""
    return "\n".join(f"- **{name}**: {_(notes[name])}" for name in names)


def face_settings(key: str = "") -> list[Setting]:
    """Model, detector and metric: keys ``model``, ``detector``, ``metric`` (prefixed by ``key``)."""
    detectors = detector_options()
    return [Setting(setting_key(key, "model"), "selectbox", N_("Face model"), options=model_options(), help=N_(
                "Facenet (Google, 2015; 128 values) is the lecture's model; Dlib's ResNet (128 values) is faster on a "
                "CPU. Other DeepFace models need a download: see the Face models page.")),
            Setting(setting_key(key, "detector"), "selectbox", N_("Face detector"), options=detectors,
                    extra={"help": notes_help(DETECTOR_NOTES, detectors)}),
            Setting(setting_key(key, "metric"), "selectbox", N_("Distance metric"), options=METRICS,
                    extra={"help": notes_help(METRIC_NOTES, METRICS)})]


def metric_ui(key: str) -> str:
    return face_settings(key)[2].draw()


def threshold_key(model_name: str, metric: str) -> str:
    """The threshold's key and URL name. A threshold is a number on one model's and one metric's scale, so each
    pair has its own: a new model or metric starts from DeepFace's threshold for it, and a link never gives one
    model the threshold chosen for another (a single bound "threshold" was kept across a change of model)."""
    return f"threshold_{model_name}_{metric}".lower()


def threshold_slider_ui(model_name: str, metric: str, key: str, *observed: float,
                        prefix: str = N_("Threshold")) -> float:
    """A distance threshold on the scale of this model and metric, starting at DeepFace's own; bound to the URL.
    The link's value is checked here, against this slider's range, which reaches the ``observed`` distances."""
    standard = default_threshold(model_name, metric)
    low, high = slider_range(model_name, metric, *observed)
    # Streamlit's printf-style format has no decimal comma: the slider shows 0.400 in every language, while the pages
    # write the threshold beside it (a metric, the verdict) in the session's locale.
    setting = Setting(key, "slider", bounds=Bounds(FACE_THRESHOLDS[metric].what, low, high),
                      default=min(standard, high), extra={"step": (high - low) / 200, "format": "%.3f"})
    check_link([setting])
    return setting.draw(label=format_message(_("{prefix} ({metric} distance; DeepFace's for {model}: {standard:g})"),
                                             prefix=_(prefix), metric=metric, model=model_name, standard=standard))


def settings_ui(key: str = "") -> tuple[str, str, str]:
    """Model, detector and metric, side by side; keys ``model``, ``detector``, ``metric`` (prefixed by ``key``)."""
    model, detector, metric = (setting.draw(column) for setting, column in zip(face_settings(key), st.columns(3)))
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
    hint = (" " + _("The small sample: `{folder}`.").format(folder=sample / "train")
            if sample is not None and default != sample / "train" else "")
    return Path(st.text_input(_(label), value=str(default or ""), key=key,
                              help=_("A folder on the server with one sub-folder of photos per person.") + hint))


def lfw_credit_ui(folder: Path) -> None:
    """LFW's credit under a figure made from its photos, as its authors ask (../shared/data/faces-lfw/SOURCES.md)."""
    lfw = faces_lfw_dir()
    if lfw is not None and (folder == lfw or lfw in folder.parents):
        st.caption(_(LFW_CREDIT))


def face_picker_ui(detection: Detection, key: str, label: str, bind: bool = True) -> int | None:
    """The face to use: the only one, or the user's pick among several (default: the largest); None if none.
    The pick is in the URL as ``{key}_face`` (1 = leftmost) where ``bind``: not for photos a link cannot carry."""
    faces = len(detection.faces)
    if not faces:
        st.error(_("No face found in {photo} by the {detector} detector. Use a photo where the face is clearly "
                   "visible and at least 40 pixels wide, or try another detector.").format(
            photo=label, detector=detection.detector))
        return None
    if faces == 1:
        return 0
    st.warning(_("{count} faces in {photo}: pick the one to use (numbered left to right).").format(
        count=faces, photo=label))
    columns = st.columns(min(faces, 6))
    for number, face in enumerate(detection.faces[:6]):
        columns[number].image(face.aligned, caption=_("face {number}").format(number=number + 1), width=80)
    picker = f"{key}_face"
    numbers = [str(n + 1) for n in range(faces)]  # the URL holds the number, the same in every language
    if bind:
        check_link([choice_value(picker, numbers)])
    return st.radio(_("Face to use"), range(faces), index=detection.largest, key=picker, horizontal=True,
                    format_func=lambda i: numbers[i], bind=BIND if bind else None)


def display_width(photo: Photo, max_height: int = 420, max_width: int = 900) -> int:
    """A width at which the photo is at most ``max_height`` pixels tall (portraits must not fill the screen) and
    fits ``max_width`` (a pixel width given to st.image is not limited to its column)."""
    height, width = photo.bgr.shape[:2]
    return max(120, min(max_width, round(width * max_height / height)))
