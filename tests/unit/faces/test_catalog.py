"""The catalog of DeepFace's models and detectors, and which are ready offline."""

from __future__ import annotations

from pathlib import Path

from lab.faces.catalog import DETECTORS, MODELS, catalog, readiness


def test_catalog_names_are_deepfaces_and_offline_files_are_ready(tmp_path: Path, face_environment: Path) -> None:
    from deepface.modules.modeling import AVAILABLE_MODELS

    assert set(MODELS) == set(AVAILABLE_MODELS["facial_recognition"])
    assert set(DETECTORS) == set(AVAILABLE_MODELS["face_detector"])
    ready = {r.name for r in catalog() if r.ready}
    assert {"Facenet", "Dlib", "opencv", "yunet", "mtcnn", "centerface", "dlib"} <= ready
    assert readiness("model", "ArcFace").state == "will download"
    empty = readiness("model", "Facenet", tmp_path)
    assert empty.state == "will download" and "python -m lab faces weights" in empty.how
