"""The face module on the real photos of ../shared/data/faces, with the real DeepFace models (offline)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from lab.errors import ImageError
from lab.faces.detection import detect, detect_viola_jones
from lab.faces.embedding import cosine_to_euclidean_l2, default_threshold, distances, embed, slider_range
from lab.faces.photos import MAX_SIDE, load_photo, read_photo
from lab.faces.pipeline import NoFaceError, choose_face, verify_photos


def png_bytes(width: int, height: int, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), 128).save(buffer, format="PNG")
    return buffer.getvalue()


# Photos: everything that is not a usable photo is refused with a message that says why.

def test_empty_non_image_damaged_and_huge_files_are_refused_with_the_reason(faces_dir: Path) -> None:
    with pytest.raises(ImageError, match="empty"):
        read_photo(b"", "empty.jpg")
    with pytest.raises(ImageError, match="not an image"):
        read_photo(b"name,age\nada,36\n", "people.csv")
    jpeg = (faces_dir / "test" / "obama1.jpg").read_bytes()
    with pytest.raises(ImageError, match="damaged"):
        read_photo(jpeg[: len(jpeg) // 3], "cut.jpg")
    with pytest.raises(ImageError, match=r"6000x5000 pixels \(30 megapixels\).*refused"):
        read_photo(png_bytes(6000, 5000), "huge.png")  # refused from its header, before decoding 90 MB


def test_transparent_png_and_large_photos_become_bgr_of_bounded_size(faces_dir: Path) -> None:
    transparent = load_photo(faces_dir / "misc" / "32bit.png")
    assert transparent.bgr.ndim == 3 and transparent.bgr.shape[2] == 3 and transparent.bgr.dtype == np.uint8
    big = load_photo(faces_dir / "test" / "obama_and_biden.jpg")  # 2000x1428
    assert max(big.bgr.shape[:2]) == MAX_SIDE and "reduced to 1280x914" in big.note


# Detection

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


# Verification: our stages give DeepFace's own answer.

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


def test_cosine_and_euclidean_l2_make_the_same_decisions_at_matched_thresholds() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(40, 128)) * rng.uniform(0.5, 3, size=(40, 1))  # lengths differ on purpose
    for cosine_threshold in (0.2, 0.4, 0.6):
        for query in vectors[:5]:
            cosine = distances(vectors, query, "cosine") <= cosine_threshold
            l2 = distances(vectors, query, "euclidean_l2") <= cosine_to_euclidean_l2(cosine_threshold) + 1e-12
            assert np.array_equal(cosine, l2)


def test_slider_range_covers_the_threshold_and_the_distance_on_the_metrics_scale() -> None:
    assert slider_range("Facenet", "cosine") == (0.0, 1.0)
    assert slider_range("Facenet", "euclidean", 31.0)[1] == pytest.approx(34.1)
    assert slider_range("Dlib", "angular", 5.0)[1] == 1.0  # an angle fraction never exceeds 1


def test_embed_keeps_the_order_and_one_row_per_face(faces_dir: Path) -> None:
    crops = [detect(load_photo(faces_dir / p), "yunet").faces[0].aligned
             for p in ("train/obama/obama.jpg", "train/biden/biden.jpg")]
    both = embed(crops, "Dlib")
    assert both.shape == (2, 128)
    assert np.allclose(embed([crops[1]], "Dlib")[0], both[1], atol=1e-5)
