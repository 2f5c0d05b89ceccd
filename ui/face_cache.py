"""The face pages' caches: models once per server, photos, detections and embedded faces per photo, embedded
folders and experiment results shared by every session.

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
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

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

T = TypeVar("T")


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


class ServerResults:
    """Results shared by every session of the server, by key, the oldest dropped beyond ``size``.

    Unlike ``st.cache_data``, the computation can draw a progress bar (a cached function's elements are replayed on
    every later hit), and a key is computed once at a time: a class that opens the experiment together starts one
    CNN training, not thirty; the others wait for its result.
    """

    def __init__(self, size: int = 8) -> None:
        self._size = size
        self._guard = threading.Lock()
        self._results: OrderedDict[Hashable, object] = OrderedDict()
        self._running: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable) -> object | None:
        with self._guard:
            return self._results.get(key)

    def busy(self, key: Hashable) -> bool:
        """Whether another session is computing ``key`` now."""
        with self._guard:
            return key in self._running and self._running[key].locked()

    def compute(self, key: Hashable, run: Callable[[], T]) -> T:
        """The stored result, else ``run()``'s, stored; an exception is raised and nothing stored."""
        with self._guard:
            lock = self._running.setdefault(key, threading.Lock())
        with lock:
            found = self.get(key)
            if found is not None:
                return found  # type: ignore[return-value]
            result = run()
            with self._guard:
                self._results[key] = result
                while len(self._results) > self._size:
                    self._results.popitem(last=False)
                self._running.pop(key, None)
        return result


@st.cache_resource(show_spinner=False)
def server_results(kind: str) -> ServerResults:
    """One store per kind of result ("folders", "experiments") for the whole server."""
    return ServerResults()


def embedded_folder_ui(folder: Path, model: str, detector: str) -> LabelledFaces:
    """A labelled folder's embedded faces: from this server's memory, else the disk cache (no model loaded), else
    detected and embedded now under a progress bar (about a minute for 1,667 photos), then cached on disk."""
    key = (str(folder), folder_stamp(folder, PHOTO_SUFFIXES), model, detector)
    results = server_results("folders")
    found = results.get(key)
    if found is not None:
        return found  # type: ignore[return-value]
    if results.busy(key):
        st.info(_("Another visitor is embedding this folder right now: the figures appear when it is done."))
    bar = st.progress(0.0, text=_("Looking for the embedded photos of {folder} in the cache...").format(
        folder=folder.name))

    def update(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=format_message(_(
            "Detecting and embedding the photos of {folder}: {done:,} of {total:,} (once per folder, model and "
            "detector; kept on disk for the next visit)"), folder=folder.name, done=done, total=total))

    def embed() -> LabelledFaces:
        stored = cached_folder(folder, model, detector)
        if stored is not None:
            return stored
        cached_face_model(model)
        return embed_folder(folder, model, detector, update)

    try:
        return results.compute(key, embed)
    finally:
        bar.empty()
