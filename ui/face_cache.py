"""The face pages' caches: models once per server, photos, detections and embedded faces per photo, embedded
folders shared by every session (:mod:`ui.shared_results`).

Photos are decoded from the bytes the browser sent and stay in memory (``st.cache_data`` keeps recent results
per server, keyed by those bytes); nothing a user uploads or photographs is written to disk except what they
enrol in a database on purpose.

A cached function's own spinner text (``show_spinner="..."``) is fixed when this module is imported, in one
language for the whole server; the cached functions here have none, and the public functions around them show a
spinner in the user's language (``st.spinner`` appears only after half a second, so a cache hit shows nothing).
Inside a cached function only the bare cached functions are called: a spinner there would be recorded and replayed.
"""

from __future__ import annotations

import gc
from pathlib import Path

import numpy as np
import streamlit as st

from lab.errors import LabError
from lab.faces.calibration import LabelledFaces, cached_folder, embed_folder
from lab.faces.detection import Detection
from lab.faces.photos import PHOTO_SUFFIXES, Photo, read_photo
from lab.faces.pipeline import face_vector
from lab.formatting import format_message
from lab.i18n import _, current_language
from lab.files import folder_stamp
from ui.shared_results import Progress, shared_result_ui


@st.cache_resource(show_spinner=False, max_entries=4)
def _face_model(model_name: str) -> object:
    from lab.faces.embedding import build_model

    model = build_model(model_name)
    gc.freeze()  # as for the Siamese models: keep TensorFlow's objects out of every rerun's garbage collection
    return model


@st.cache_data(show_spinner=False, max_entries=64)
def _photo(data: bytes, name: str, language: str) -> Photo:
    return read_photo(data, name)


def cached_photo(data: bytes, name: str) -> Photo:
    """The decoded photo; cached per language too, since its note ("shown at 800 px ...") is in the reader's."""
    return _photo(data, name, current_language())


@st.cache_data(show_spinner=False, max_entries=64)
def _detection(data: bytes, name: str, detector: str) -> Detection:
    from lab.faces.detection import detect

    return detect(cached_photo(data, name), detector)


@st.cache_data(show_spinner=False, max_entries=256)
def _embedding(data: bytes, name: str, detector: str, face: int, model_name: str) -> np.ndarray:
    """Stages 1-3 of one photo's chosen face (lab.faces.pipeline.face_vector, reusing the cached detection); only
    the vector is kept, so the cache holds 128 numbers per face, not the photo."""
    _face_model(model_name)
    return face_vector(cached_photo(data, name), model_name, detector, face, _detection(data, name, detector)).vector


def cached_face_model(model_name: str) -> object:
    """The model, built once per server."""
    with st.spinner(_("Loading the face model (once per server)...")):
        return _face_model(model_name)


def cached_detection(data: bytes, name: str, detector: str) -> Detection:
    with st.spinner(_("Detecting faces...")):
        return _detection(data, name, detector)


def cached_embedding(data: bytes, name: str, detector: str, face: int, model_name: str) -> np.ndarray:
    with st.spinner(_("Embedding the face...")):
        return _embedding(data, name, detector, face, model_name)


def read_or_explain(data: bytes, name: str) -> Photo | None:
    try:
        return cached_photo(data, name)
    except LabError as exc:
        st.error(str(exc))
        return None


def detect_or_explain(data: bytes, name: str, detector: str) -> Detection | None:
    try:
        return cached_detection(data, name, detector)
    except LabError as exc:
        st.error(str(exc))
        return None


def embedded_folder_ui(folder: Path, model: str, detector: str) -> LabelledFaces:
    """A labelled folder's embedded faces: from this server's memory, else the disk cache (no model loaded), else
    detected and embedded now under a progress bar (about a minute for 1,667 photos), then cached on disk."""
    key = (str(folder), folder_stamp(folder, PHOTO_SUFFIXES), model, detector)

    def embed(progress: Progress) -> LabelledFaces:
        stored = cached_folder(folder, model, detector)
        if stored is not None:
            return stored
        cached_face_model(model)

        def update(done: int, total: int) -> None:
            progress(done, total, format_message(_(
                "Detecting and embedding the photos of {folder}: {done:,} of {total:,} (once per folder, model and "
                "detector; kept on disk for the next visit)"), folder=folder.name, done=done, total=total))

        return embed_folder(folder, model, detector, update)

    return shared_result_ui(
        "folders", key, embed,
        waiting=_("Another visitor is embedding this folder right now: the figures appear when it is done."),
        starting=_("Looking for the embedded photos of {folder} in the cache...").format(folder=folder.name))
