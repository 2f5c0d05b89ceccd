"""The on-disk cache of embedded labelled folders: a second visit of the threshold lab or the experiment takes
seconds instead of the minute or two that detecting and embedding 1,667 LFW photos takes on a laptop.

One ``.npz`` (:mod:`lab.disk_cache`) per (folder, model, detector) under :func:`lab.config.array_cache_dir`, keyed
by the folder's stamp (:func:`lab.files.folder_stamp`: every photo's name, time and size) as a digest: a photo
added, removed or edited makes the stored key differ, and the folder is embedded again and the file replaced, rather
than a new file left beside the stale one. This module knows the arrays, not
:class:`lab.faces.calibration.LabelledFaces`.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np

from lab.config import array_cache_dir
from lab.disk_cache import read_arrays, write_arrays

CACHE_FORMAT = 1
TEXT_FIELDS = ("people", "sources", "skipped")
FIELDS = {"vectors": "f", "thumbnails": "u", **{name: "U" for name in TEXT_FIELDS}}


def cache_file(folder: Path, model: str, detector: str) -> Path:
    """Where the embedded ``folder`` is kept for this model and detector (the folder resolved, so ``./x`` and its
    absolute path share one file)."""
    digest = hashlib.sha256(str(Path(folder).resolve()).encode()).hexdigest()[:16]
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", f"{model}-{detector}")
    return array_cache_dir() / f"faces-{safe}-v{CACHE_FORMAT}-{digest}.npz"


def stamp_digest(stamp: tuple) -> str:
    """A short fingerprint of a folder stamp (thousands of (name, time, size) rows)."""
    return hashlib.sha256(repr(stamp).encode()).hexdigest()


def save_faces(path: Path, stamp: str, vectors: np.ndarray, thumbnails: np.ndarray, people: list[str],
               sources: list[str], skipped: list[str]) -> bool:
    """Write the embedded folder; False when it cannot be written (a read-only cache folder, a full disk): the
    cache only saves time, so the caller goes on with what it computed."""
    arrays = {"vectors": np.asarray(vectors, dtype=np.float32), "thumbnails": np.asarray(thumbnails, dtype=np.uint8),
              "people": np.array(people, dtype=str), "sources": np.array(sources, dtype=str),
              "skipped": np.array(skipped, dtype=str)}
    try:
        write_arrays(path, stamp, arrays)
    except OSError:
        return False
    return True


def load_faces(path: Path, stamp: str) -> dict[str, object] | None:
    """The stored arrays (``vectors``, ``thumbnails``) and lists (``people``, ``sources``, ``skipped``), or None when
    there is no cache for this stamp, or the file is damaged or inconsistent."""
    stored = read_arrays(path, stamp, FIELDS)
    if stored is None or any(stored[name].ndim != 1 for name in TEXT_FIELDS):
        return None  # missing, damaged or stale: embedded again
    found = {"vectors": stored["vectors"], "thumbnails": stored["thumbnails"],
             **{name: [str(v) for v in stored[name]] for name in TEXT_FIELDS}}
    return found if _consistent(found) else None


def _consistent(found: dict) -> bool:
    """One vector, thumbnail, person and source per face, finite vectors, square RGB thumbnails."""
    vectors, thumbnails, rows = found["vectors"], found["thumbnails"], len(found["people"])
    return (vectors.ndim == 2 and vectors.shape[0] == rows > 0 and vectors.dtype == np.float32
            and bool(np.isfinite(vectors).all()) and len(found["sources"]) == rows
            and thumbnails.dtype == np.uint8 and thumbnails.ndim == 4 and thumbnails.shape[0] == rows
            and thumbnails.shape[1] == thumbnails.shape[2] and thumbnails.shape[3] == 3)
