"""Face detection on the real photos, with the real DeepFace detectors (offline)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lab.faces.detection import detect, detect_viola_jones
from lab.faces.photos import load_photo, read_photo
from lab.faces.pipeline import NoFaceError, choose_face
from tests.support.photos import png_bytes


def test_two_faces_are_found_left_to_right_and_a_blank_image_has_none(faces_dir: Path) -> None:
    found = detect(load_photo(faces_dir / "test" / "kit_with_rose.jpg"), "yunet")
    assert len(found.faces) == 2
    assert found.faces[0].x < found.faces[1].x
    for face in found.faces:
        assert face.aligned.dtype == np.uint8 and face.aligned.shape[2] == 3 and min(face.aligned.shape[:2]) > 40
    blank = read_photo(png_bytes(400, 300), "wall.png")
    assert detect(blank, "yunet").faces == []
    with pytest.raises(NoFaceError, match="No face found in wall.png"):
        choose_face(detect(blank, "yunet"), "wall.png")


def test_viola_jones_parameters_trade_misses_for_false_faces(faces_dir: Path) -> None:
    photo = load_photo(faces_dir / "test" / "obama_and_biden.jpg")
    lenient = detect_viola_jones(photo, scale_factor=1.05, min_neighbors=2)
    strict = detect_viola_jones(photo, scale_factor=1.05, min_neighbors=20)
    assert len(lenient.faces) > len(strict.faces) >= 2  # more neighbours required: fewer candidate faces
    for face in strict.faces:
        assert 0 <= face.x and face.x + face.w <= photo.bgr.shape[1] and face.aligned.size
    with pytest.raises(ValueError, match="scale factor"):
        detect_viola_jones(photo, scale_factor=1.0)
