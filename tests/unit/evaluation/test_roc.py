"""ROC, AUC, equal error rate and operating points against hand-worked examples."""

from __future__ import annotations

import numpy as np
import pytest

from lab.evaluation.roc import (
    equal_error_rate, operating_point, operating_points, roc_curve, score_histogram, threshold_for_false_accept_rate,
)


def labelled(same: list[float], different: list[float]) -> tuple[np.ndarray, np.ndarray]:
    return np.array(same + different), np.array([True] * len(same) + [False] * len(different))


def test_auc_counts_correctly_ordered_pairs() -> None:
    # Same 0.9 and 0.8 beat all three different scores; same 0.4 beats 0.3 and 0.2 only: 8 of 9 orderings.
    scores, same = labelled([0.9, 0.8, 0.4], [0.7, 0.3, 0.2])
    curve = roc_curve(scores, same)
    assert curve.auc == pytest.approx(8 / 9)
    np.testing.assert_allclose(curve.false_positive_rate, [0, 0, 0, 1 / 3, 1 / 3, 2 / 3, 1])
    np.testing.assert_allclose(curve.true_positive_rate, [0, 1 / 3, 2 / 3, 2 / 3, 1, 1, 1])


def test_auc_matches_brute_force_on_random_scores() -> None:
    rng = np.random.default_rng(0)
    scores = rng.random(400)
    same = rng.random(400) < 0.5
    scores[same] += 0.3
    brute = np.mean(scores[same][:, None] > scores[~same][None, :])
    assert roc_curve(scores, same).auc == pytest.approx(brute)


def test_equal_error_rate_interpolates_between_roc_points() -> None:
    # Thresholds 0.8 -> 0.7: FAR goes 1/3 -> 2/3 while FRR stays 1/2, so FAR = FRR halfway: EER 0.5 at 0.75.
    scores, same = labelled([0.9, 0.5], [0.8, 0.7, 0.6])
    eer, threshold = equal_error_rate(roc_curve(scores, same))
    assert eer == pytest.approx(0.5)
    assert threshold == pytest.approx(0.75)


def test_equal_error_rate_on_a_roc_point_and_when_perfect() -> None:
    scores, same = labelled([0.9, 0.8, 0.4], [0.7, 0.3, 0.2])
    assert equal_error_rate(roc_curve(scores, same)) == pytest.approx((1 / 3, 0.7))
    scores, same = labelled([0.9, 0.8], [0.2, 0.1])
    eer, threshold = equal_error_rate(roc_curve(scores, same))
    assert eer == 0.0 and 0.2 <= threshold <= 0.8


def test_operating_point_counts_and_rates() -> None:
    scores, same = labelled([0.9, 0.8, 0.4], [0.7, 0.3, 0.2])
    point = operating_point(scores, same, 0.5)
    assert (point.true_accepts, point.false_rejects, point.false_accepts, point.true_rejects) == (2, 1, 1, 2)
    assert point.accuracy == pytest.approx(4 / 6)
    assert point.false_accept_rate == pytest.approx(1 / 3)
    assert point.false_reject_rate == pytest.approx(1 / 3)
    np.testing.assert_array_equal(point.confusion_matrix(), [[2, 1], [1, 2]])
    # "same" means strictly above the threshold.
    assert operating_point(scores, same, 0.9).true_accepts == 0


def test_operating_points_agree_with_operating_point_at_every_threshold() -> None:
    scores, same = labelled([0.9, 0.8, 0.4, 0.4], [0.7, 0.4, 0.2])  # a tie across the two groups
    points = operating_points(scores, same)
    np.testing.assert_array_equal(points["threshold"], [0.2, 0.4, 0.7, 0.8, 0.9])
    for i, threshold in enumerate(points["threshold"]):
        point = operating_point(scores, same, threshold)
        assert points["far"][i] == pytest.approx(point.false_accept_rate)
        assert points["frr"][i] == pytest.approx(point.false_reject_rate)
        assert points["tpr"][i] == pytest.approx(1 - point.false_reject_rate)
        assert points["accuracy"][i] == pytest.approx(point.accuracy)
    assert points["tpr"][-1] == 0 and points["far"][-1] == 0  # the highest score accepts nothing


def test_threshold_for_a_target_false_accept_rate() -> None:
    different = [i / 10 for i in range(1, 11)]  # 0.1 .. 1.0
    scores, same = labelled([0.95], different)
    for target, expected_far in ((0.2, 0.2), (0.25, 0.2), (0.0, 0.0), (1.0, 1.0)):
        threshold = threshold_for_false_accept_rate(scores, same, target)
        assert operating_point(scores, same, threshold).false_accept_rate == pytest.approx(expected_far)
    assert threshold_for_false_accept_rate(scores, same, 0.2) == pytest.approx(0.8)
    with pytest.raises(ValueError):
        threshold_for_false_accept_rate(scores, same, 1.5)


def test_bad_inputs_and_histogram() -> None:
    with pytest.raises(ValueError, match="both same and different"):
        roc_curve(np.array([0.1, 0.2]), np.array([True, True]))
    with pytest.raises(ValueError, match="same length"):
        roc_curve(np.array([0.1, 0.2]), np.array([True]))
    counts, edges = score_histogram(np.array([0.0, 0.01, 0.5, 1.0, 1.2]), bins=4)
    np.testing.assert_array_equal(counts, [2, 0, 1, 2])
    np.testing.assert_allclose(edges, [0, 0.25, 0.5, 0.75, 1.0])
