"""Face verification: our stages give DeepFace's own answer, on the real photos."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.faces.detection import detect
from lab.faces.embedding import default_threshold
from lab.faces.photos import load_photo
from lab.faces.pipeline import verify_photos


@pytest.mark.parametrize("model", ["Facenet", "Dlib"])
def test_same_and_different_people_with_each_offline_model(faces_dir: Path, model: str) -> None:
    obama, obama_again = load_photo(faces_dir / "train/obama/obama.jpg"), load_photo(faces_dir / "test/obama1.jpg")
    biden = load_photo(faces_dir / "train/biden/biden.jpg")
    same = verify_photos(obama, obama_again, model, "yunet")
    different = verify_photos(obama, biden, model, "yunet")
    assert same.verdict.verified and not different.verdict.verified
    assert same.verdict.threshold == default_threshold(model, "cosine")
    assert same.as_dict()["verified"] is True and isinstance(same.as_dict()["distance"], float)


def test_the_pipeline_distance_is_deepfaces_own(faces_dir: Path) -> None:
    from deepface import DeepFace

    first, second = faces_dir / "train/obama/obama.jpg", faces_dir / "train/obama/obama2.jpg"  # both under 1280 px
    theirs = DeepFace.verify(str(first), str(second), model_name="Facenet", detector_backend="yunet")
    ours = verify_photos(load_photo(first), load_photo(second), "Facenet", "yunet")
    assert ours.verdict.distance == pytest.approx(theirs["distance"], abs=2e-3)
    assert ours.verdict.verified == theirs["verified"] and ours.verdict.threshold == theirs["threshold"]


def test_a_chosen_face_of_a_group_photo_is_used(faces_dir: Path) -> None:
    group, biden = load_photo(faces_dir / "test/obama_and_biden.jpg"), load_photo(faces_dir / "train/biden/biden.jpg")
    found = detect(group, "yunet")
    results = [verify_photos(group, biden, "Dlib", "yunet", face_first=i) for i in range(len(found.faces))]
    assert [r.verdict.verified for r in results].count(True) == 1  # only Biden's face matches Biden
    with pytest.raises(ValueError, match="has 2 face"):
        verify_photos(group, biden, "Dlib", "yunet", face_first=5)
