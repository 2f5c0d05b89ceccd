"""Threshold calibration, the 2-fold experiment, the catalog and the face CLI's verify/roc/detect."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lab.cli import main
from lab.faces.calibration import LabelledFaces, distance_point, pair_distances, threshold_report
from lab.faces.catalog import DETECTORS, MODELS, catalog, readiness
from lab.faces.experiment import run_experiment, two_folds


def toy_faces() -> LabelledFaces:
    """Three people on a line: a at 0 and 0.1, b at 1 and 1.3, c at 3. Euclidean distances are worked out by hand."""
    vectors = np.array([[0.0, 0], [0.1, 0], [1.0, 0], [1.3, 0], [3.0, 0]])
    return LabelledFaces("Facenet", "yunet", ["a", "a", "b", "b", "c"], list("12345"), vectors, [], [])


def test_pairs_and_operating_points_follow_deepfaces_rule_distance_at_most_threshold() -> None:
    found, same, pairs = pair_distances(toy_faces(), "euclidean")
    assert len(found) == 10 and same.sum() == 2
    assert sorted(found[same].round(6)) == [0.1, 0.3]
    point = distance_point(found, same, 0.3)  # 0.3 itself is accepted (<=)
    assert (point.true_accepts, point.false_accepts) == (2, 0)
    point = distance_point(found, same, 0.9)  # a(0.1)-b(1.0) = 0.9 is now a false match
    assert (point.true_accepts, point.false_accepts) == (2, 1)


def test_threshold_report_on_separable_toy_faces() -> None:
    report = threshold_report(toy_faces(), "euclidean", target_far=0.0)
    assert report.curve.auc == 1.0 and report.eer == 0.0
    # The closest different pair is a at 0.1 and b at 1.0: no false match allowed means just below 0.9.
    assert report.threshold_at_target == pytest.approx(0.9) and report.threshold_at_target < 0.9
    assert report.at_target.false_accept_rate == 0.0 and report.at_target.false_reject_rate == 0.0
    assert report.default.threshold == 10  # DeepFace's Facenet euclidean threshold
    one_person = LabelledFaces("Facenet", "yunet", ["a", "a"], ["1", "2"], np.ones((2, 2)), [], [])
    with pytest.raises(Exception, match="both same-person and different-person pairs"):
        threshold_report(one_person, "cosine")


def test_two_folds_are_balanced_seeded_and_leave_out_single_photos() -> None:
    people = ["a", "a", "a", "a", "b", "b", "c"]
    folds = two_folds(people, seed=3)
    assert np.array_equal(folds, two_folds(people, seed=3))
    assert folds[6] == -1
    for person in ("a", "b"):
        mine = folds[np.asarray(people) == person]
        assert (mine == 0).sum() == (mine == 1).sum()


def test_experiment_on_the_train_folder(faces_dir: Path) -> None:
    result = run_experiment(faces_dir / "train", "Facenet", "yunet", epochs=5)
    assert result.people == 4 and len(result.folds) == 2
    assert result.excluded == ["alex_lacamoire: only one photo with a face"]
    assert result.embedding_error == 0.0  # one photo per person is enough for the embedding
    assert 0.0 <= result.cnn_error <= 1.0
    assert "nearest neighbour" in result.conclusion() and "one-shot" in result.conclusion()


def test_catalog_names_are_deepfaces_and_offline_files_are_ready(tmp_path: Path) -> None:
    from deepface.modules.modeling import AVAILABLE_MODELS

    assert set(MODELS) == set(AVAILABLE_MODELS["facial_recognition"])
    assert set(DETECTORS) == set(AVAILABLE_MODELS["face_detector"])
    ready = {r.name for r in catalog() if r.ready}
    assert {"Facenet", "Dlib", "opencv", "yunet", "mtcnn", "centerface", "dlib"} <= ready
    assert readiness("model", "ArcFace").state == "will download"
    empty = readiness("model", "Facenet", tmp_path)
    assert empty.state == "will download" and "python -m lab faces weights" in empty.how


def test_cli_verify_json_detect_and_roc(faces_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["faces", "verify", str(faces_dir / "train/biden/biden.jpg"), str(faces_dir / "train/biden/biden2.jpg"),
                 "--model", "Dlib", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["verified"] is True and 0 <= answer["distance"] < answer["threshold"] == 0.07
    assert main(["faces", "detect", str(faces_dir / "test/kit_with_rose.jpg"), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["faces"]) == 2
    assert main(["faces", "detect", str(faces_dir / "test/kit_with_rose.jpg"), "--detector", "mediapipe"]) == 1
    assert "pip install mediapipe" in capsys.readouterr().err  # DeepFace's own hint for an optional detector
    assert main(["faces", "detect", str(faces_dir / "test/kit_with_rose.jpg"), "--scale-factor", "1.2"]) == 2
    assert "opencv" in capsys.readouterr().err
    assert main(["faces", "roc", str(faces_dir / "train"), "--model", "Dlib", "--json"]) == 0
    reports = json.loads(capsys.readouterr().out)["reports"]
    assert [r["distance_metric"] for r in reports] == ["cosine", "euclidean", "euclidean_l2", "angular"]
    assert reports[0]["auc"] == pytest.approx(reports[2]["auc"])  # cosine and euclidean_l2 rank pairs alike
    missing = faces_dir / "nowhere.jpg"
    assert main(["faces", "verify", str(missing), str(missing)]) == 1
    assert "cannot read" in capsys.readouterr().err
