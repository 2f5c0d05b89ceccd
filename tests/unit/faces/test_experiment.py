"""The 2-fold experiment: embedding nearest neighbour against a CNN trained on the photos."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lab.faces.experiment import ExperimentResult, FoldResult, run_experiment, two_folds


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


def test_the_folds_export_parses_back() -> None:
    import csv
    import io

    result = ExperimentResult("Facenet", "yunet", "cosine", 5, [FoldResult(1, 5, 4, 0.5, 0.0),
                                                                 FoldResult(2, 4, 5, 0.4, 0.2)], [])
    rows = list(csv.DictReader(io.StringIO(result.folds_csv())))
    assert [r["fold"] for r in rows] == ["1", "2"] and float(rows[0]["chance_error"]) == pytest.approx(0.8)
    assert float(rows[1]["cnn_error"]) == 0.4 and float(rows[1]["embedding_error"]) == 0.2
    assert rows[0]["train_photos"] == "5" and rows[0]["model"] == "Facenet" and rows[0]["distance_metric"] == "cosine"


def test_chance_level_intervals_and_the_conclusion_against_guessing() -> None:
    folds = [FoldResult(1, 820, 830, 0.5, 0.012), FoldResult(2, 830, 820, 0.46, 0.015)]
    lfw = ExperimentResult("Facenet", "yunet", "cosine", 40, folds, [])
    assert lfw.chance_error == pytest.approx(0.975) and lfw.as_dict()["chance_error"] == pytest.approx(0.975)
    low, high = folds[0].interval(folds[0].cnn_error)
    assert low < 0.5 < high and high - low < 0.08  # 830 test photos: within a few points
    low, high = folds[0].interval(0.0)
    assert low == 0.0 and 0 < high < 0.01
    text = lfw.conclusion()
    assert "wrong on 1.4% of the test photos" in text and "Guessing would be wrong 97.5%" in text
    assert "no better than guessing" not in text
    worse = ExperimentResult("Facenet", "yunet", "cosine", 4, [FoldResult(1, 4, 4, 0.75, 0.0),
                                                              FoldResult(2, 4, 4, 1.0, 0.0)], [])
    assert worse.chance_error == 0.75 and "The CNN did no better than guessing" in worse.conclusion()
