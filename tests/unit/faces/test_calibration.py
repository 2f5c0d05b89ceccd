"""Threshold calibration of face distances, on hand-made vectors."""

from __future__ import annotations

import numpy as np
import pytest

from lab.faces.calibration import LabelledFaces, distance_point, metric_pairs, pair_distances, threshold_report


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


def test_a_metrics_pairs_give_the_operating_point_and_histograms_on_the_sliders_scale() -> None:
    pairs = metric_pairs(toy_faces(), "euclidean")
    found, same, _ = pair_distances(toy_faces(), "euclidean")
    assert np.array_equal(pairs.distances, found) and np.array_equal(pairs.same, same) and pairs.largest == 3.0
    assert pairs.at(0.9) == distance_point(found, same, 0.9)
    same_counts, different_counts, edges = pairs.histograms(bins=10)
    # Facenet's euclidean threshold is 10: the slider, and so the histogram, reaches 2.5 x 10, beyond every distance.
    assert (edges[0], edges[-1], len(edges)) == (0.0, 25.0, 11)
    assert same_counts.sum() == 2 and different_counts.sum() == 8


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


def test_the_report_carries_its_bootstrap_band_and_a_thinned_curve() -> None:
    rng = np.random.default_rng(0)
    people = [p for p in "abcdefgh" for _ in range(4)]
    centres = {p: rng.normal(size=8) * 3 for p in set(people)}
    vectors = np.array([centres[p] + rng.normal(size=8) for p in people])
    faces = LabelledFaces("Facenet", "yunet", people, [f"{p}/{i}.jpg" for i, p in enumerate(people)], vectors, [], [])
    report = threshold_report(faces, "euclidean", target_far=0.05, replicates=200)
    assert report.band.groups == 8 and report.band.replicates == 200
    assert report.band.auc_interval[0] <= report.curve.auc <= report.band.auc_interval[1]
    assert report.band.eer_interval[0] <= report.eer <= report.band.eer_interval[1]
    assert 0.05 in report.band.false_positive_rate  # the band is read exactly at the target
    assert len(report.curve.false_positive_rate) == len(report.band.false_positive_rate)
    shown = report.as_dict()
    assert shown["auc_ci95"] == list(report.band.auc_interval) and shown["eer_ci95"] == list(report.band.eer_interval)
    assert shown["at_target"]["true_match_rate_ci95"] == list(report.band.at(0.05))
    assert shown["bootstrap"] == {"replicates": 200, "people_or_groups": 8}
