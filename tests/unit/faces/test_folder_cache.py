"""The disk cache of embedded folders: a hit needs no detector or model, a changed photo is embedded again, a damaged
file is ignored and replaced. DeepFace's detector and model are replaced by counting fakes (fast tier): what is
tested is the cache, not the faces."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from lab.faces import calibration, folder_cache
from lab.faces.detection import Detection, Face
from lab.faces.photos import PHOTO_SUFFIXES
from lab.files import folder_stamp
from tests.support.photos import encoded, face_like


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    """Three people with two generated photos each."""
    folder = tmp_path / "class"
    for number, person in enumerate(("ada", "bob", "cy")):
        (folder / person).mkdir(parents=True)
        for photo in range(2):
            (folder / person / f"{photo}.jpg").write_bytes(encoded(face_like(120, 100, seed=10 * number + photo), "JPEG"))
    return folder


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, int]:
    """Fake detect and embed that count their calls; a private cache folder."""
    monkeypatch.setenv("ONESHOT_CACHE_DIR", str(tmp_path / "cache"))
    calls = {"detect": 0, "embed": 0}

    def detect(photo, detector):  # type: ignore[no-untyped-def]
        calls["detect"] += 1
        crop = np.ascontiguousarray(photo.rgb[10:90, 20:90])
        return Detection(detector, [Face(20, 10, 70, 80, 0.9, crop)], 0.0)

    def embed(crops, model):  # type: ignore[no-untyped-def]
        calls["embed"] += 1
        return np.array([[float(c.mean()), float(c.std()), 1.0] for c in crops], dtype=np.float32)

    monkeypatch.setattr("lab.faces.detection.detect", detect)
    monkeypatch.setattr("lab.faces.embedding.embed", embed)
    return calls


def test_a_second_call_reads_the_cache_without_detector_or_model(labelled: Path, fakes: dict[str, int]) -> None:
    reports: list[tuple[int, int]] = []
    first = calibration.embed_folder(labelled, "Facenet", "yunet", progress=lambda d, t: reports.append((d, t)))
    assert fakes == {"detect": 6, "embed": 1} and reports == [(0, 6), (6, 6)]
    assert first.faces.shape == (6, calibration.THUMBNAIL, calibration.THUMBNAIL, 3) and first.faces.dtype == np.uint8
    path = folder_cache.cache_file(labelled, "Facenet", "yunet")
    assert path.is_file() and path.parent == Path(os.environ["ONESHOT_CACHE_DIR"]) / "arrays"
    again = calibration.embed_folder(labelled, "Facenet", "yunet", progress=lambda d, t: reports.append((d, t)))
    assert fakes == {"detect": 6, "embed": 1} and reports[-1] == (6, 6)  # nothing detected or embedded again
    assert again.people == first.people and again.sources == first.sources and again.skipped == first.skipped
    np.testing.assert_array_equal(again.vectors, first.vectors)
    np.testing.assert_array_equal(again.faces, first.faces)
    assert calibration.cached_folder(labelled, "Facenet", "yunet") is not None
    assert calibration.cached_folder(labelled, "Dlib", "yunet") is None  # one file per model and detector
    calibration.embed_folder(labelled, "Facenet", "yunet", use_cache=False)
    assert fakes["detect"] == 12


def test_photos_are_embedded_in_batches_with_progress(labelled: Path, fakes: dict[str, int],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(calibration, "BATCH", 4)
    reports: list[tuple[int, int]] = []
    calibration.embed_folder(labelled, "Facenet", "yunet", progress=lambda d, t: reports.append((d, t)))
    assert reports == [(0, 6), (4, 6), (6, 6)] and fakes["embed"] == 2


def test_a_changed_added_or_removed_photo_is_embedded_again(labelled: Path, fakes: dict[str, int]) -> None:
    calibration.embed_folder(labelled, "Facenet", "yunet")
    photo = labelled / "ada" / "0.jpg"
    photo.write_bytes(encoded(face_like(120, 100, seed=99), "JPEG"))  # edited: another size and time
    changed = calibration.embed_folder(labelled, "Facenet", "yunet")
    assert fakes["detect"] == 12
    (labelled / "bob" / "2.jpg").write_bytes(photo.read_bytes())
    assert len(calibration.embed_folder(labelled, "Facenet", "yunet").people) == 7
    (labelled / "bob" / "2.jpg").unlink()
    assert calibration.embed_folder(labelled, "Facenet", "yunet").people == changed.people
    assert fakes["detect"] == 12 + 7 + 6
    assert len(list(folder_cache.cache_file(labelled, "Facenet", "yunet").parent.iterdir())) == 1  # replaced, not piled


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "inconsistent", "wrong stamp"])
def test_a_damaged_cache_file_is_ignored_and_replaced(labelled: Path, fakes: dict[str, int], damage: str) -> None:
    first = calibration.embed_folder(labelled, "Facenet", "yunet")
    path = folder_cache.cache_file(labelled, "Facenet", "yunet")
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a cache" * 100)
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "inconsistent":  # a valid file whose arrays do not agree: 6 people, 2 vectors
        stamp = str(np.load(path)["key"])
        folder_cache.save_faces(path, stamp, np.zeros((2, 3), np.float32), first.faces, first.people, first.sources, [])
    else:
        folder_cache.save_faces(path, "another folder state", first.vectors, first.faces, first.people,
                                first.sources, first.skipped)
    again = calibration.embed_folder(labelled, "Facenet", "yunet")
    assert fakes["detect"] == 12  # recomputed, no crash
    np.testing.assert_array_equal(again.vectors, first.vectors)
    assert folder_cache.load_faces(path, folder_cache.stamp_digest(folder_stamp(labelled, PHOTO_SUFFIXES))) is not None


def test_an_unwritable_cache_folder_only_costs_time(labelled: Path, fakes: dict[str, int], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("ONESHOT_CACHE_DIR", str(blocker))
    assert len(calibration.embed_folder(labelled, "Facenet", "yunet").people) == 6
    assert folder_cache.save_faces(folder_cache.cache_file(labelled, "Facenet", "yunet"), "x", np.zeros((1, 3)),
                                   np.zeros((1, 4, 4, 3)), ["a"], ["a/1.jpg"], []) is False


def test_cache_files_hold_no_pickles_and_photos_without_a_face_are_listed(labelled: Path, fakes: dict[str, int],
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from lab.faces import detection

    counting = detection.detect  # the fixture's fake

    def no_face_in_second_photos(photo, detector):  # type: ignore[no-untyped-def]
        return Detection(detector, [], 0.0) if photo.name == "1.jpg" else counting(photo, detector)

    monkeypatch.setattr(detection, "detect", no_face_in_second_photos)
    faces = calibration.embed_folder(labelled, "Facenet", "yunet")
    assert faces.skipped == [f"{p}/1.jpg: no face found by yunet" for p in ("ada", "bob", "cy")]
    with np.load(folder_cache.cache_file(labelled, "Facenet", "yunet"), allow_pickle=False) as stored:
        assert {name: stored[name].dtype.kind for name in stored.files} == {
            "key": "U", "vectors": "f", "thumbnails": "u", "people": "U", "sources": "U", "skipped": "U"}
    assert calibration.embed_folder(labelled, "Facenet", "yunet").skipped == faces.skipped
