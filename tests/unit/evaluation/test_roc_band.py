"""The bootstrap band over people: its counting against a brute-force weighted ROC, its width against the number of
people, and the grid helpers."""

from __future__ import annotations

import numpy as np
import pytest

from lab.evaluation import roc_band
from lab.evaluation.roc import roc_curve
from lab.evaluation.roc_band import bootstrap_band, fpr_grid, thin_curve, tpr_on_grid


def people_pairs(people: int, photos: int, separation: float, seed: int = 0):  # type: ignore[no-untyped-def]
    """Scores of every pair of ``photos`` photos of each of ``people`` people: each person has an own "quality", so
    pairs of one person are correlated, as real faces are."""
    rng = np.random.default_rng(seed)
    person = np.repeat(np.arange(people), photos)
    quality = rng.normal(0, 1.0, people)[person]
    first, second = np.triu_indices(person.size, k=1)
    same = person[first] == person[second]
    scores = rng.normal(0, 1, first.size) + separation * same + 0.5 * (quality[first] + quality[second]) * same
    return scores, same, person[first], person[second]


def weighted_tpr_fpr(scores, same, a, b, counts, cut):  # type: ignore[no-untyped-def]
    """Brute force: each pair weighted by how often its people were drawn (k, or k x l for two people)."""
    weight = np.where(a == b, counts[a], counts[a] * counts[b])
    accepted = scores > cut
    return (np.sum(weight * same * accepted) / np.sum(weight * same),
            np.sum(weight * ~same * accepted) / np.sum(weight * ~same))


def test_binned_counting_matches_a_brute_force_weighted_roc() -> None:
    scores, same, a, b = people_pairs(people=6, photos=4, separation=1.5)
    grid = fpr_grid(int((~same).sum()), points=30)
    cuts = roc_band._cut_points(scores, same, grid)
    alike, different = roc_band._group_counts(scores, same, a, b, cuts, 6)
    counts = np.array([[1, 1, 1, 1, 1, 1], [2, 0, 1, 0, 3, 0], [0, 0, 0, 0, 0, 6]], dtype=float)
    fpr, tpr, kept = roc_band._curves(alike, different, counts)
    assert kept.tolist() == [True, True, False]  # one person only: no different pairs, the redraw is dropped
    for row, draw in enumerate(counts[:2]):
        # Column j + 1 of a curve: the threshold at the (j + 1)-th highest cut, accepting the bins above it.
        for j, cut in enumerate(cuts[::-1][1:]):
            expected_tpr, expected_fpr = weighted_tpr_fpr(scores, same, a, b, draw.astype(int), cut)
            assert tpr[row, j + 2] == pytest.approx(expected_tpr) and fpr[row, j + 2] == pytest.approx(expected_fpr)
    # Everyone drawn once: the measured ROC itself, at the grid.
    curve = roc_curve(scores, same)
    exact = tpr_on_grid(curve.false_positive_rate, curve.true_positive_rate, grid)
    binned = tpr_on_grid(fpr[0], tpr[0], grid)
    assert np.max(np.abs(exact - binned)) < 0.05


def test_the_band_holds_the_curve_narrows_with_more_people_and_is_seeded() -> None:
    widths = []
    for people in (8, 60):
        scores, same, a, b = people_pairs(people=people, photos=5, separation=2.0)
        grid = fpr_grid(int((~same).sum()))
        band = bootstrap_band(scores, same, a, b, grid, replicates=300, seed=1)
        curve = roc_curve(scores, same)
        measured = tpr_on_grid(curve.false_positive_rate, curve.true_positive_rate, grid)
        inside = (band.low - 0.02 <= measured) & (measured <= band.high + 0.02)
        assert inside.mean() > 0.9 and np.all(band.low <= band.high)
        assert band.auc_interval[0] <= curve.auc <= band.auc_interval[1]
        assert band.replicates == 300 and band.groups == people and band.level == 0.95
        widths.append(float(np.mean(band.high - band.low)))
    assert widths[1] < widths[0] / 1.5  # more people, a narrower band
    again = bootstrap_band(scores, same, a, b, grid, replicates=300, seed=1)
    np.testing.assert_array_equal(again.low, band.low)
    low, high = band.at(0.01)
    assert band.low[np.searchsorted(grid, 0.01, side="right") - 1] == low and low <= high


def test_perfectly_separated_people_give_a_band_of_width_zero() -> None:
    scores, same, a, b = people_pairs(people=5, photos=3, separation=50.0)
    band = bootstrap_band(scores, same, a, b, fpr_grid(int((~same).sum())), replicates=100)
    assert band.auc_interval == pytest.approx((1.0, 1.0)) and band.eer_interval == (0.0, 0.0)
    assert np.all(band.low[1:] == 1.0)


def test_many_people_are_dealt_into_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(roc_band, "MAX_GROUPS", 10)
    scores, same, a, b = people_pairs(people=37, photos=3, separation=2.0)
    band = bootstrap_band(scores, same, a, b, fpr_grid(int((~same).sum())), replicates=200)
    assert band.groups == 10 and band.replicates == 200
    assert 0.5 < band.auc_interval[0] <= band.auc_interval[1] <= 1.0


def test_grid_and_thinned_curve() -> None:
    grid = fpr_grid(1_000_000, points=50)
    assert grid[0] == 0 and grid[1] == pytest.approx(1e-4) and grid[-1] == 1.0 and np.all(np.diff(grid) > 0)
    assert fpr_grid(32, points=50)[1] == pytest.approx(1 / 32)  # nothing below one different pair
    fpr, tpr = np.array([0, 0, 0.25, 0.5, 1]), np.array([0, 0.5, 0.5, 1, 1])
    np.testing.assert_allclose(tpr_on_grid(fpr, tpr, np.array([0, 0.2, 0.25, 0.7])), [0.5, 0.5, 0.5, 1])
    scores, same, *_ = people_pairs(people=20, photos=4, separation=1.0)
    curve = roc_curve(scores, same)
    thin = thin_curve(curve, fpr_grid(int((~same).sum()), points=100))
    assert thin.auc == curve.auc and len(thin.thresholds) <= 101 < len(curve.thresholds)
    assert np.all(np.diff(thin.false_positive_rate) >= 0)
