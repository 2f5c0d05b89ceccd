"""ROC analysis of verification scores: the curve and its AUC (scikit-learn), the equal error rate, and
the operating point of any threshold (confusion matrix, accuracy, false accept and false reject rates).

Convention everywhere in the lab: a pair is called "same" when its score is strictly above the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RocCurve:
    """False and true positive rates at each distinct score used as threshold, best-first (scikit-learn)."""

    false_positive_rate: np.ndarray
    true_positive_rate: np.ndarray
    thresholds: np.ndarray  # decreasing; the first is +inf (nothing accepted)
    auc: float


@dataclass(frozen=True)
class OperatingPoint:
    """What a threshold does to a set of scored pairs."""

    threshold: float
    true_accepts: int  # same pairs called same
    false_rejects: int  # same pairs called different
    false_accepts: int  # different pairs called same
    true_rejects: int  # different pairs called different

    @property
    def total(self) -> int:
        return self.true_accepts + self.false_rejects + self.false_accepts + self.true_rejects

    @property
    def accuracy(self) -> float:
        return (self.true_accepts + self.true_rejects) / self.total if self.total else float("nan")

    @property
    def false_accept_rate(self) -> float:
        """FAR: the fraction of different pairs called same (the ROC's false positive rate)."""
        different = self.false_accepts + self.true_rejects
        return self.false_accepts / different if different else float("nan")

    @property
    def false_reject_rate(self) -> float:
        """FRR: the fraction of same pairs called different (1 - the ROC's true positive rate)."""
        same = self.true_accepts + self.false_rejects
        return self.false_rejects / same if same else float("nan")

    def confusion_matrix(self) -> np.ndarray:
        """Rows: truth (same, different); columns: decision (same, different)."""
        return np.array([[self.true_accepts, self.false_rejects], [self.false_accepts, self.true_rejects]])


def _checked(scores: np.ndarray, same: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scores = np.asarray(scores, dtype=np.float64)
    same = np.asarray(same, dtype=bool)
    if scores.shape != same.shape or scores.ndim != 1:
        raise ValueError("scores and labels must be two 1-D arrays of the same length")
    if same.all() or not same.any():
        raise ValueError("an ROC needs both same and different pairs")
    return scores, same


def roc_curve(scores: np.ndarray, same: np.ndarray, drop_intermediate: bool = False) -> RocCurve:
    """Every threshold by default; ``drop_intermediate`` keeps only the corners (enough to draw the curve)."""
    from sklearn.metrics import roc_auc_score
    from sklearn.metrics import roc_curve as sklearn_roc_curve

    scores, same = _checked(scores, same)
    fpr, tpr, thresholds = sklearn_roc_curve(same, scores, drop_intermediate=drop_intermediate)
    return RocCurve(fpr, tpr, thresholds, float(roc_auc_score(same, scores)))


def equal_error_rate(curve: RocCurve) -> tuple[float, float]:
    """(EER, threshold): where the false accept rate equals the false reject rate (1 - TPR).

    Between the two ROC points where FAR - FRR changes sign, both rates and the threshold are interpolated
    linearly; an infinite first threshold is replaced by the next one.
    """
    far = curve.false_positive_rate
    frr = 1.0 - curve.true_positive_rate
    gap = far - frr  # rises from -1 (nothing accepted) to +1 (everything accepted)
    after = int(np.argmax(gap >= 0))
    thresholds = curve.thresholds.copy()
    if not np.isfinite(thresholds[0]):
        thresholds[0] = thresholds[1] if len(thresholds) > 1 else 0.0
    if after == 0 or gap[after] == 0:
        return float(far[after]), float(thresholds[after])
    before = after - 1
    weight = -gap[before] / (gap[after] - gap[before])
    eer = far[before] + weight * (far[after] - far[before])
    threshold = thresholds[before] + weight * (thresholds[after] - thresholds[before])
    return float(eer), float(threshold)


def operating_point(scores: np.ndarray, same: np.ndarray, threshold: float) -> OperatingPoint:
    scores = np.asarray(scores, dtype=np.float64)
    same = np.asarray(same, dtype=bool)
    accepted = scores > threshold
    return OperatingPoint(
        threshold=float(threshold),
        true_accepts=int(np.sum(accepted & same)),
        false_rejects=int(np.sum(~accepted & same)),
        false_accepts=int(np.sum(accepted & ~same)),
        true_rejects=int(np.sum(~accepted & ~same)),
    )


def operating_points(scores: np.ndarray, same: np.ndarray) -> dict[str, np.ndarray]:
    """Every operating point of the ROC under the lab's convention (same when score > threshold): one per distinct
    score used as threshold, from the lowest (almost everything accepted) to the highest (nothing accepted).

    Columns: ``threshold``, ``tpr`` (same pairs called same), ``far`` (the false positive rate), ``frr`` (1 - tpr)
    and ``accuracy``; counted with sorted scores, so 10,000 pairs take milliseconds, not a loop per threshold.
    """
    scores, same = _checked(scores, same)
    thresholds = np.unique(scores)
    n_same, n_different = int(same.sum()), int((~same).sum())
    # Scores <= t are rejected: searchsorted(..., "right") counts them in each sorted group.
    false_rejects = np.searchsorted(np.sort(scores[same]), thresholds, side="right")
    true_rejects = np.searchsorted(np.sort(scores[~same]), thresholds, side="right")
    tpr = (n_same - false_rejects) / n_same
    far = (n_different - true_rejects) / n_different
    accuracy = (n_same - false_rejects + true_rejects) / (n_same + n_different)
    return {"threshold": thresholds, "tpr": tpr, "far": far, "frr": 1.0 - tpr, "accuracy": accuracy}


def threshold_for_false_accept_rate(scores: np.ndarray, same: np.ndarray, target: float) -> float:
    """The lowest threshold whose false accept rate is at most ``target`` (so it rejects the fewest same pairs).

    With k = floor(target x different pairs) false accepts allowed, the threshold is the (k+1)-th highest
    different score: only the k scores above it are accepted (fewer where scores tie).
    """
    if not 0.0 <= target <= 1.0:
        raise ValueError("the target false accept rate must be between 0 and 1")
    scores, same = _checked(scores, same)
    different = np.sort(scores[~same])[::-1]
    allowed = int(np.floor(target * different.size + 1e-9))
    if allowed >= different.size:
        return float(different[-1] - 1e-9)  # everything accepted
    return float(different[allowed])


def score_histogram(scores: np.ndarray, bins: int = 50, low: float = 0.0, high: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(counts, bin edges) over [low, high]: binned once, so a plot redraw sends 50 bars, not 10,000 points."""
    counts, edges = np.histogram(np.clip(scores, low, high), bins=bins, range=(low, high))
    return counts, edges
