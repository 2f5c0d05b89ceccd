"""A face gallery: enrol, identify, remove, with no retraining; refusals. Real photos and models for most, in a
fresh shared database of each backend (test_gallery_repository.py: the storage with made-up embeddings)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lab.db.engine import DatabaseError
from lab.faces.gallery import Gallery, GalleryMismatchError
from lab.workflows.gallery import enrol, enrol_folder, open_gallery, remove
from lab.faces.detection import detect
from lab.faces.embedding import distances, embed
from lab.faces.photos import labelled_photos, load_photo

MODEL, DETECTOR = "Facenet", "yunet"
# The test photos, and who is in them, left to right (see ../shared/data/faces/SOURCES.md).
EXPECTED = {
    "alex_lacamoire1.jpg": ["alex_lacamoire"],
    "johnsnow_test1.jpg": ["kit_harington"],
    "obama1.jpg": ["obama"],
    "obama_and_biden.jpg": ["biden", "obama"],
    "kit_with_rose.jpg": ["rose_leslie", "kit_harington"],
}


@pytest.fixture
def class_database(faces_dir: Path, database_url: str) -> str:
    """The gallery "class" of the sample's train/ folder, in a fresh database of each backend."""
    enrol_folder("class", MODEL, DETECTOR, faces_dir / "train")
    assert enrol_folder("class", MODEL, DETECTOR, faces_dir / "train").size == 9  # again: nobody enrolled twice
    return "class"


def faces_of(path: Path) -> list[np.ndarray]:
    found = detect(load_photo(path), DETECTOR)
    return embed([f.aligned for f in found.faces], MODEL)


def test_every_test_photo_is_identified_against_train(class_database: str, faces_dir: Path) -> None:
    database = open_gallery(class_database)
    assert database.size == 9 and sorted(database.persons()) == sorted(labelled_photos(faces_dir / "train"))
    for name, people in EXPECTED.items():
        found = [database.identify(v, "cosine").person for v in faces_of(faces_dir / "test" / name)]
        assert found == people, name


def test_a_stranger_is_unknown_and_removing_someone_needs_no_retraining(class_database: str, faces_dir: Path) -> None:
    (miranda,) = faces_of(faces_dir / "misc" / "lin-manuel-miranda.png")
    answer = open_gallery(class_database).identify(miranda, "cosine")
    assert answer.person is None and answer.nearest.distance > answer.threshold  # not enrolled: unknown
    (obama,) = faces_of(faces_dir / "test" / "obama1.jpg")
    assert open_gallery(class_database).identify(obama).person == "obama"
    after = remove(class_database, "obama")
    assert "obama" not in after.persons() and after.size == 7
    assert open_gallery(class_database).identify(obama).person != "obama"
    with pytest.raises(DatabaseError, match="not in the database"):
        remove(class_database, "obama")


def test_another_model_and_bad_names_are_refused(class_database: str) -> None:
    with pytest.raises(GalleryMismatchError, match="built with Facenet"):
        open_gallery(class_database, "Dlib", DETECTOR)
    database = open_gallery(class_database)
    with pytest.raises(GalleryMismatchError, match="built with Facenet"):
        enrol(class_database, "Dlib", DETECTOR, "newcomer", database.embeddings[:1], [database.thumbnails[0]], ["x"])
    with pytest.raises(ValueError, match="person"):
        enrol(class_database, MODEL, DETECTOR, "../../etc", database.embeddings[:1], [database.thumbnails[0]], ["a"])
    assert open_gallery(class_database).size == 9


def test_identification_ranks_each_person_once_by_their_nearest_face() -> None:
    database = Gallery("unused", MODEL, DETECTOR, np.array(["a", "b", "a", "c"]), np.array(["1", "2", "3", "4"]),
                            np.array([[1, 0], [0, 1], [0.9, 0.1], [-1, 0]], dtype=np.float32),
                            np.zeros((4, 96, 96, 3), np.uint8))
    found = database.identify(np.array([1.0, 0.05]), "euclidean", threshold=0.2)
    assert [m.person for m in found.ranking] == ["a", "b", "c"]
    assert found.ranking[0].face == 0 and found.person == "a"
    assert database.identify(np.array([0.5, 0.5]), "euclidean", threshold=0.2).person is None


@pytest.mark.parametrize("metric", ["cosine", "euclidean", "euclidean_l2", "angular"])
def test_the_nearest_people_among_many_are_deepfaces_distances_with_or_without_top(metric: str) -> None:
    """The fast path (a float32 scan, then exact distances for the candidates) answers as the full float64 one."""
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(500, 128))
    vectors = (np.repeat(centres, 4, axis=0) + 0.3 * rng.normal(size=(2000, 128))).astype(np.float32)
    people = np.array([f"p{i // 4}" for i in range(2000)])
    database = Gallery("many", MODEL, DETECTOR, people, people, vectors)
    for seed in range(5):
        query = centres[seed * 37] + 0.3 * np.random.default_rng(seed).normal(size=128)
        everyone = database.identify(query, metric)
        assert len(everyone.ranking) == 500
        assert database.identify(query, metric, top=20).ranking == everyone.ranking[:20]
        exact = distances(vectors, query, metric)
        assert [m.distance for m in everyone.ranking[:20]] == [float(exact[m.face]) for m in everyone.ranking[:20]]
        assert everyone.ranking[0].person == f"p{seed * 37}"


def test_the_summary_names_the_database_its_model_detector_and_counts() -> None:
    empty = Gallery("class", "Facenet", "yunet")
    assert empty.summary() == "class (Facenet + yunet), 0 people, 0 faces"
    one = Gallery("lab", "Dlib", "opencv", np.array(["ada"]))
    assert one.summary() == "lab (Dlib + opencv), 1 person, 1 face"
