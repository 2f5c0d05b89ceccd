"""The face database: enrol, identify, remove, with no retraining; atomic writes; refusals. Real photos and models for most."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lab.faces.database import DatabaseError, FaceDatabase, enrol, enrol_folder, open_database, remove
from lab.faces.detection import detect
from lab.faces.embedding import embed
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


@pytest.fixture(scope="module")
def class_database(faces_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "class.npz"
    enrol_folder(path, MODEL, DETECTOR, faces_dir / "train")
    assert enrol_folder(path, MODEL, DETECTOR, faces_dir / "train").size == 9  # again: nobody enrolled twice
    return path


def faces_of(path: Path) -> list[np.ndarray]:
    found = detect(load_photo(path), DETECTOR)
    return embed([f.aligned for f in found.faces], MODEL)


def test_every_test_photo_is_identified_against_train(class_database: Path, faces_dir: Path) -> None:
    database = open_database(class_database)
    assert database.size == 9 and sorted(database.persons()) == sorted(labelled_photos(faces_dir / "train"))
    for name, people in EXPECTED.items():
        found = [database.identify(v, "cosine").person for v in faces_of(faces_dir / "test" / name)]
        assert found == people, name


def test_a_stranger_is_unknown_and_removing_someone_needs_no_retraining(class_database: Path, faces_dir: Path,
                                                                         tmp_path: Path) -> None:
    copy = tmp_path / "class.npz"
    copy.write_bytes(class_database.read_bytes())
    (miranda,) = faces_of(faces_dir / "misc" / "lin-manuel-miranda.png")
    answer = open_database(copy).identify(miranda, "cosine")
    assert answer.person is None and answer.nearest.distance > answer.threshold  # not enrolled: unknown
    (obama,) = faces_of(faces_dir / "test" / "obama1.jpg")
    assert open_database(copy).identify(obama).person == "obama"
    after = remove(copy, "obama")
    assert "obama" not in after.persons() and after.size == 7
    assert open_database(copy).identify(obama).person != "obama"
    with pytest.raises(DatabaseError, match="not in the database"):
        remove(copy, "obama")


def test_a_crash_while_saving_leaves_the_previous_database_intact(class_database: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "class.npz"
    copy.write_bytes(class_database.read_bytes())
    before = copy.read_bytes()

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", crash)
    database = open_database(copy)
    with pytest.raises(Exception, match="No space left"):
        enrol(copy, MODEL, DETECTOR, "newcomer", database.embeddings[:1], [database.thumbnails[0]], ["x.jpg"])
    assert copy.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["class.lock", "class.npz"]  # no temporary file left


def test_damaged_or_foreign_databases_and_another_model_are_refused(class_database: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.npz"
    damaged.write_bytes(class_database.read_bytes()[:5000])
    with pytest.raises(DatabaseError, match="damaged"):
        open_database(damaged)
    with pytest.raises(DatabaseError, match="built with Facenet"):
        open_database(class_database, "Dlib", DETECTOR)
    with pytest.raises(ValueError, match="person"):
        FaceDatabase(tmp_path / "x.npz", MODEL, DETECTOR).with_faces("../../etc", np.zeros((1, 128)),
                                                                     [np.zeros((8, 8, 3), np.uint8)], ["a"])


def test_identification_ranks_each_person_once_by_their_nearest_face() -> None:
    database = FaceDatabase(Path("unused.npz"), MODEL, DETECTOR, np.array(["a", "b", "a", "c"]), np.array(["1", "2", "3", "4"]),
                            np.array([[1, 0], [0, 1], [0.9, 0.1], [-1, 0]], dtype=np.float32),
                            np.zeros((4, 96, 96, 3), np.uint8))
    found = database.identify(np.array([1.0, 0.05]), "euclidean", threshold=0.2)
    assert [m.person for m in found.ranking] == ["a", "b", "c"]
    assert found.ranking[0].face == 0 and found.person == "a"
    assert database.identify(np.array([0.5, 0.5]), "euclidean", threshold=0.2).person is None


def test_the_summary_names_the_database_its_model_detector_and_counts(tmp_path: Path) -> None:
    empty = FaceDatabase(tmp_path / "class.npz", "Facenet", "yunet")
    assert empty.summary() == "class (Facenet + yunet), 0 people, 0 faces"
    one = FaceDatabase(tmp_path / "lab.npz", "Dlib", "opencv", np.array(["ada"]))
    assert one.summary() == "lab (Dlib + opencv), 1 person, 1 face"
