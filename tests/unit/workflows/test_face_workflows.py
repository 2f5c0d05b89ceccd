"""The face workflows on the shared photos with the real DeepFace models (offline)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.errors import LabError
from lab.faces.calibration import embed_folder
from lab.faces.database import FaceDatabase
from lab.faces.photos import load_photo
from lab.roles import PermissionDeniedError, Role
from lab.workflows.faces import enrol_photos, identify_photo, share_thumbnails, threshold_analysis


def test_enrol_then_identify_every_face_of_a_group_photo(faces_dir: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    train = faces_dir / "train"
    enrol_photos("class", "obama", [load_photo(p) for p in sorted((train / "obama").iterdir())[:2]], "Facenet", "yunet",
                 url=url, role=Role.TEACHER)
    done = enrol_photos("class", "biden", [load_photo(p) for p in sorted((train / "biden").iterdir())[:1]], "Facenet",
                        "yunet", owner="session", url=url, role=Role.STUDENT)
    assert done.database.owned_by("session") == {"biden": [2]} and done.as_dict()["database"] == "class"
    stored = count_rows(url)
    assert sorted(done.database.persons()) == ["biden", "obama"] and done.as_dict()["people"] == 2
    found = identify_photo(load_photo(faces_dir / "test" / "obama_and_biden.jpg"), done.database)
    assert sorted(f.identification.nearest.person for f in found.faces) == ["biden", "obama"]
    assert [f.face for f in found.faces] == [0, 1] and found.as_dict()["faces"][0]["face"] == 1
    nobody = found.at(0.0)  # a threshold of 0: nobody is close enough
    assert all(f.identification.person is None for f in nobody.faces)
    assert count_rows(url) == stored  # the identified photo was not stored


def test_a_student_enrolling_under_the_teachers_person_is_refused_and_the_gallery_is_unchanged(
        faces_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lab.faces.database import NotYourPersonError

    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    train = faces_dir / "train"
    enrol_photos("class", "obama", [load_photo(p) for p in sorted((train / "obama").iterdir())[:2]], "Facenet", "yunet",
                 url=url, role=Role.TEACHER)  # the teacher's, before the class
    before = count_rows(url)
    embedded = []
    monkeypatch.setattr("lab.workflows.faces.embed", lambda *a: embedded.append(a))
    intruder = [load_photo(faces_dir / "test" / "obama1.jpg")]
    for name in ("obama", "Obama"):  # whatever its case: 'Obama' would pass for 'obama' in an identification
        with pytest.raises(NotYourPersonError, match="'obama' was enrolled by someone else"):
            enrol_photos("class", name, intruder, "Facenet", "yunet", owner="student-1", url=url, role=Role.STUDENT)
    assert count_rows(url) == before and embedded == []  # refused before the photo was even embedded
    monkeypatch.undo()
    mine = enrol_photos("class", "me", intruder, "Facenet", "yunet", owner="student-1", url=url, role=Role.STUDENT)
    again = enrol_photos("class", "me", intruder, "Facenet", "yunet", owner="student-1", url=url, role=Role.STUDENT)
    assert len(again.database.persons()["me"]) == 2 and mine.database.size == 3  # their own person: more photos
    with pytest.raises(NotYourPersonError):  # another student's session
        enrol_photos("class", "me", intruder, "Facenet", "yunet", owner="student-2", url=url, role=Role.STUDENT)
    teacher = enrol_photos("class", "me", intruder, "Facenet", "yunet", url=url, role=Role.TEACHER)
    assert len(teacher.database.persons()["me"]) == 3  # the teacher may add to anyone


def test_only_the_teacher_shares_thumbnails(faces_dir: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    photo = [load_photo(faces_dir / "test" / "obama1.jpg")]
    done = enrol_photos("class", "obama", photo, "Facenet", "yunet", owner="teacher", url=url, role=Role.TEACHER)
    assert done.database.thumbnails_shared is False  # off by default
    with pytest.raises(PermissionDeniedError, match="Only the teacher may show every face's thumbnail"):
        share_thumbnails("class", True, role=Role.STUDENT, url=url)
    assert share_thumbnails("class", True, role=Role.TEACHER, url=url).thumbnails_shared is True


def count_rows(url: str) -> tuple[int, int]:
    """Every face row and every gallery's revision: identifying changes neither."""
    import sqlalchemy as sa

    from lab.db.engine import read
    from lab.db.schema import faces, galleries

    return read(lambda c: (c.execute(sa.select(sa.func.count()).select_from(faces)).scalar(),
                           c.execute(sa.select(sa.func.sum(galleries.c.revision))).scalar()), url)


def test_identify_refuses_an_empty_database_before_reading_anything(faces_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(LabError, match="empty"):
        identify_photo(load_photo(faces_dir / "test" / "obama1.jpg"), FaceDatabase("x", "Facenet", "yunet"))


def test_threshold_analysis_reports_every_metric_and_counts_pairs(faces_dir: Path) -> None:
    faces = embed_folder(faces_dir / "train", "Facenet", "yunet")
    analysis = threshold_analysis(faces, 0.05)
    assert [r.metric for r in analysis.reports] == ["cosine", "euclidean", "euclidean_l2", "angular"]
    same, different = analysis.pair_counts()
    n = len(faces.people)
    assert same + different == n * (n - 1) // 2 and same > 0 and different > 0
    rows = analysis.table()
    assert rows[0]["metric"] == "cosine" and "threshold for ≤ 5.0% false matches" in rows[0]
    assert analysis.report("cosine").curve.auc == pytest.approx(analysis.report("euclidean_l2").curve.auc)


def test_threshold_exports_parse_back(tmp_path: Path) -> None:
    """The Threshold lab's downloads, on hand-made vectors (no model needed): the table as CSV, one metric as JSON."""
    import csv
    import io
    import json

    import numpy as np

    from lab.faces.calibration import LabelledFaces

    vectors = np.array([[0.0, 1], [0.1, 1], [1.0, 0.2], [1.3, 0.1], [3.0, -1]])
    faces = LabelledFaces("Facenet", "yunet", ["a", "a", "b", "b", "c"], list("12345"), vectors, [], [])
    analysis = threshold_analysis(faces, 0.1)
    rows = list(csv.DictReader(io.StringIO(analysis.as_csv())))
    assert [r["metric"] for r in rows] == ["cosine", "euclidean", "euclidean_l2", "angular"]
    assert {"auc", "eer", "eer_threshold", "deepface_threshold", "threshold_at_target", "accuracy_at_target",
            "auc_ci95_low", "auc_ci95_high", "eer_ci95_low", "eer_ci95_high", "true_match_rate_at_target"} <= set(rows[0])
    assert float(rows[0]["auc"]) == analysis.report("cosine").curve.auc
    chosen = json.loads(analysis.as_json("euclidean", 0.5))
    assert chosen["distance_metric"] == "euclidean" and chosen["threshold"] == 0.5
    assert chosen["at_threshold"]["threshold"] == 0.5 and chosen["at_threshold"]["accuracy"] == 1.0  # same pairs <= 0.3
    assert chosen["people"] == 3 and chosen["detector"] == "yunet"


def test_threshold_analysis_on_lfw_photos_has_a_band_and_a_cached_folder(lfw_sample: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Real faces of 4 LFW people: the figures are no longer degenerate (AUC below 1 is allowed, the band has width)."""
    from lab.faces import calibration
    from lab.faces.calibration import cached_folder, distance_point, pair_distances

    faces = embed_folder(lfw_sample, "Facenet", "yunet")
    embedded: list[int] = []
    embed_photos = calibration._embed_photos
    monkeypatch.setattr(calibration, "_embed_photos", lambda photos, *rest: embedded.append(len(photos)) or
                        embed_photos(photos, *rest))
    again = embed_folder(lfw_sample, "Facenet", "yunet")
    assert embedded == [] and again.people == faces.people  # read back from the disk cache: no photo embedded again
    assert cached_folder(lfw_sample, "Facenet", "yunet") is not None
    analysis = threshold_analysis(faces, 0.01, ("cosine",))
    same, different = analysis.pair_counts()
    assert len(faces.people) + len(faces.skipped) == 24 and same >= 40 and different >= 200  # 4 people x 6 photos
    report = analysis.report("cosine")
    assert 0.8 < report.curve.auc <= 1.0 and report.band.groups == 4
    found, alike, _ = pair_distances(faces, "cosine")
    point = distance_point(found, alike, 0.4)
    assert analysis.as_json("cosine", 0.4, point) == analysis.as_json("cosine", 0.4)


def test_the_experiment_in_a_separate_process_reports_progress(lfw_sample: Path) -> None:
    from lab.workflows.faces import face_experiment

    reports: list[tuple[str, int, int]] = []
    result = face_experiment(lfw_sample, "Facenet", "yunet", epochs=2, separate_process=True,
                             progress=lambda stage, done, total: reports.append((stage, done, total)))
    assert result.people == 4 and result.chance_error == 0.75 and len(result.folds) == 2
    stages = list(dict.fromkeys(stage for stage, _, _ in reports))
    assert stages == ["detecting and embedding the photos", "training the CNN, fold 1 of 2 (epochs)",
                      "training the CNN, fold 2 of 2 (epochs)"]
    assert reports[-1][1:] == (2, 2) and ("detecting and embedding the photos", 24, 24) in reports


def test_an_experiment_that_fails_in_its_process_raises_the_lab_error(tmp_path: Path) -> None:
    from lab.errors import ImageError
    from lab.workflows.faces import face_experiment

    with pytest.raises(ImageError, match="no sub-folder with photos"):
        face_experiment(tmp_path, epochs=2, separate_process=True)
