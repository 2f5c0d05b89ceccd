"""The face workflows on the shared photos with the real DeepFace models (offline)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.errors import LabError
from lab.faces.calibration import embed_folder
from lab.faces.database import FaceDatabase
from lab.faces.photos import load_photo
from lab.workflows.faces import enrol_photos, identify_photo, threshold_analysis


def test_enrol_then_identify_every_face_of_a_group_photo(faces_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "class.npz"
    train = faces_dir / "train"
    enrol_photos(path, "obama", [load_photo(p) for p in sorted((train / "obama").iterdir())[:2]], "Facenet", "yunet")
    done = enrol_photos(path, "biden", [load_photo(p) for p in sorted((train / "biden").iterdir())[:1]], "Facenet", "yunet")
    assert sorted(done.database.persons()) == ["biden", "obama"] and done.as_dict()["people"] == 2
    found = identify_photo(load_photo(faces_dir / "test" / "obama_and_biden.jpg"), done.database)
    assert sorted(f.identification.nearest.person for f in found.faces) == ["biden", "obama"]
    assert [f.face for f in found.faces] == [0, 1] and found.as_dict()["faces"][0]["face"] == 1
    nobody = found.at(0.0)  # a threshold of 0: nobody is close enough
    assert all(f.identification.person is None for f in nobody.faces)


def test_identify_refuses_an_empty_database_before_reading_anything(faces_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(LabError, match="empty"):
        identify_photo(load_photo(faces_dir / "test" / "obama1.jpg"), FaceDatabase(tmp_path / "x.npz", "Facenet", "yunet"))


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
    assert {"auc", "eer", "eer_threshold", "deepface_threshold", "threshold_at_target", "accuracy_at_target"} <= set(rows[0])
    assert float(rows[0]["auc"]) == analysis.report("cosine").curve.auc
    chosen = json.loads(analysis.as_json("euclidean", 0.5))
    assert chosen["distance_metric"] == "euclidean" and chosen["threshold"] == 0.5
    assert chosen["at_threshold"]["threshold"] == 0.5 and chosen["at_threshold"]["accuracy"] == 1.0  # same pairs <= 0.3
    assert chosen["people"] == 3 and chosen["detector"] == "yunet"
