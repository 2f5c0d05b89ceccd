"""How far an ROC measured on a few dozen people can be trusted: a bootstrap band over people.

Every pair of 1,652 LFW faces gives 1.4 million scores, but they are not 1.4 million independent observations:
each photo is in 1,651 pairs and each person in tens of thousands, and a Wilson or Clopper-Pearson interval that
counted every pair as independent would be far too narrow. What varies from one class (or data set) to the next is
*which people* it holds. So the people are drawn again with replacement (a cluster bootstrap): a person drawn k
times counts k times in the same-person pairs, and a pair of two different people drawn k and l times counts k x l
times; pairs between two copies of one person are not made up. The ROC of each redraw is evaluated on one grid of
false positive rates, and the band holds the middle 95% of those curves at each rate; the AUC and the EER get the
same percentile intervals.

Pairs are binned once by score (about 400 bins, finer where the false positive rate is small) and counted per pair
of people, so that a thousand redraws cost one matrix product instead of a thousand passes over 1.4 million pairs.
With more than :data:`MAX_GROUPS` people, people are dealt into that many groups, and groups are drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.evaluation.roc import RocCurve

MAX_GROUPS = 64  # (64 x 64 pairs of groups) x 400 bins: 13 MB of counts
LEVEL = 0.95


@dataclass(frozen=True)
class RocBand:
    """The bootstrap band of an ROC on a grid of false positive rates (fractions, increasing)."""

    false_positive_rate: np.ndarray  # the grid
    low: np.ndarray  # the lower percentile of the true positive rate at each grid value
    high: np.ndarray
    auc_interval: tuple[float, float]
    eer_interval: tuple[float, float]
    replicates: int  # redraws used (those with both kinds of pair)
    groups: int  # people, or groups of people, that were drawn
    level: float = LEVEL

    def at(self, false_positive_rate: float) -> tuple[float, float]:
        """(low, high) true positive rate at the largest grid value at most ``false_positive_rate``."""
        index = max(int(np.searchsorted(self.false_positive_rate, false_positive_rate, side="right")) - 1, 0)
        return float(self.low[index]), float(self.high[index])


def fpr_grid(different_pairs: int, points: int = 200, floor: float = 1e-4) -> np.ndarray:
    """0, then log-spaced false positive rates from the smallest worth showing (one different pair, or ``floor``) to 1:
    targets such as 0.1% false matches sit in the first decades, which a linear axis squeezes into one pixel."""
    low = min(max(1.0 / max(different_pairs, 1), floor), 1.0)
    return np.unique(np.concatenate([[0.0], np.geomspace(low, 1.0, points)]))


def tpr_on_grid(false_positive_rate: np.ndarray, true_positive_rate: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """The best true positive rate with a false positive rate at most each grid value, along an ROC whose false
    positive rates do not decrease (the threshold that a user could actually pick)."""
    index = np.searchsorted(false_positive_rate, grid, side="right") - 1
    return np.asarray(true_positive_rate)[np.clip(index, 0, None)]


def thin_curve(curve: RocCurve, grid: np.ndarray) -> RocCurve:
    """The curve's points at the grid (same AUC): hundreds of points to draw and to cache instead of a million."""
    index = np.clip(np.searchsorted(curve.false_positive_rate, grid, side="right") - 1, 0, None)
    return RocCurve(curve.false_positive_rate[index], curve.true_positive_rate[index], curve.thresholds[index],
                    curve.auc)


def _cut_points(scores: np.ndarray, same: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Score thresholds at which the redrawn curves are evaluated: the different pairs' quantiles at the grid's false
    positive rates, and the same pairs' quantiles, so that both ends of the curve are resolved."""
    different = np.quantile(scores[~same], np.clip(1.0 - grid, 0.0, 1.0))
    alike = np.quantile(scores[same], np.linspace(0.0, 1.0, 101))
    return np.unique(np.concatenate([different, alike]))


def _group_counts(scores: np.ndarray, same: np.ndarray, group_a: np.ndarray, group_b: np.ndarray,
                  cuts: np.ndarray, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """(same-pair counts per group and bin (G, K), different-pair counts per ordered group pair and bin (G*G, K));
    bin k holds the scores in (cut k-1, cut k]."""
    bins = cuts.size + 1
    index = np.searchsorted(cuts, scores, side="left")
    low, high = np.minimum(group_a, group_b), np.maximum(group_a, group_b)
    alike = np.bincount(low[same] * bins + index[same], minlength=groups * bins).reshape(groups, bins)
    pair = (low * groups + high)[~same]
    different = np.bincount(pair * bins + index[~same], minlength=groups * groups * bins)
    return alike.astype(np.float64), different.reshape(groups * groups, bins).astype(np.float64)


def _curves(alike: np.ndarray, different: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(fpr, tpr, kept) of each redraw, from (0, 0) to (1, 1) by decreasing threshold; ``counts``: (R, G) draws."""
    groups = counts.shape[1]
    # Different pairs of two groups count k x l times; pairs within one group k times (two copies are not a pair).
    weights = (counts[:, :, None] * counts[:, None, :]).reshape(len(counts), groups * groups)
    weights[:, np.arange(groups) * (groups + 1)] = counts
    same_bins, different_bins = counts @ alike, weights @ different  # (R, K)
    accepted_same = np.cumsum(same_bins[:, ::-1], axis=1)  # above each threshold, from the highest
    accepted_different = np.cumsum(different_bins[:, ::-1], axis=1)
    kept = (accepted_same[:, -1] > 0) & (accepted_different[:, -1] > 0)
    zeros = np.zeros((int(kept.sum()), 1))
    tpr = np.hstack([zeros, accepted_same[kept] / accepted_same[kept, -1:]])
    fpr = np.hstack([zeros, accepted_different[kept] / accepted_different[kept, -1:]])
    return fpr, tpr, kept


def _eer(fpr: np.ndarray, tpr: np.ndarray) -> float:
    gap = fpr - (1.0 - tpr)  # rises from -1 to +1
    after = int(np.argmax(gap >= 0))
    if after == 0 or gap[after] == 0:
        return float(fpr[after])
    weight = -gap[after - 1] / (gap[after] - gap[after - 1])
    return float(fpr[after - 1] + weight * (fpr[after] - fpr[after - 1]))


def bootstrap_band(scores: np.ndarray, same: np.ndarray, group_a: np.ndarray, group_b: np.ndarray, grid: np.ndarray,
                   replicates: int = 1000, seed: int = 0) -> RocBand:
    """The band of the ROC of ``scores`` (higher = more alike) over redraws of the people; ``group_a`` and ``group_b``:
    the person (0, 1, ...) on each side of each pair. Deterministic for a seed."""
    scores, same = np.asarray(scores, dtype=np.float64), np.asarray(same, dtype=bool)
    people = int(max(group_a.max(), group_b.max())) + 1
    rng = np.random.default_rng(seed)
    dealt = rng.permutation(people) % MAX_GROUPS if people > MAX_GROUPS else np.arange(people)
    groups = int(dealt.max()) + 1
    alike, different = _group_counts(scores, same, dealt[group_a], dealt[group_b], _cut_points(scores, same, grid),
                                     groups)
    counts = rng.multinomial(groups, np.full(groups, 1.0 / groups), size=replicates).astype(np.float64)
    fpr, tpr, _ = _curves(alike, different, counts)
    on_grid = np.stack([tpr_on_grid(f, t, grid) for f, t in zip(fpr, tpr)])
    aucs = np.trapezoid(tpr, fpr, axis=1)
    eers = np.array([_eer(f, t) for f, t in zip(fpr, tpr)])
    tails = [(1 - LEVEL) / 2, 1 - (1 - LEVEL) / 2]
    low, high = np.quantile(on_grid, tails, axis=0)
    return RocBand(grid, low, high, tuple(float(v) for v in np.quantile(aucs, tails)),
                   tuple(float(v) for v in np.quantile(eers, tails)), len(fpr), groups)
