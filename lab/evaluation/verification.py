"""Verification: is a pair the same character? Accuracy of similarity scores against a threshold."""

from __future__ import annotations

import numpy as np

from lab.evaluation.scoring import pair_similarity


def accuracy_at(scores: np.ndarray, same: np.ndarray, threshold: float) -> float:
    """Fraction of pairs decided right when 'same' means score > threshold."""
    return float(np.mean((np.asarray(scores) > threshold) == np.asarray(same, dtype=bool)))


def best_threshold(scores: np.ndarray, same: np.ndarray) -> tuple[float, float]:
    """(threshold, accuracy) that decides the most pairs right; the threshold is a midpoint between scores.

    Used on validation pairs only, to calibrate a model's threshold before it meets the evaluation set.
    """
    scores = np.asarray(scores, dtype=np.float64)
    same = np.asarray(same, dtype=bool)
    order = np.argsort(scores)
    sorted_scores, sorted_same = scores[order], same[order]
    # Threshold below position i: pairs [0, i) are called different, [i, n) same.
    correct_different = np.concatenate([[0], np.cumsum(~sorted_same)])
    correct_same = np.concatenate([np.cumsum(sorted_same[::-1])[::-1], [0]])
    correct = correct_different + correct_same
    distinct = np.concatenate([[True], sorted_scores[1:] != sorted_scores[:-1], [True]])
    correct = np.where(distinct, correct, -1)
    best = int(np.argmax(correct))
    if best == 0:
        threshold = sorted_scores[0] - 1e-6
    elif best == len(scores):
        threshold = sorted_scores[-1]
    else:
        threshold = (sorted_scores[best - 1] + sorted_scores[best]) / 2.0
    return float(threshold), float(correct[best] / len(scores))


def evaluation_pair_scores(codes: np.ndarray, pairs, head) -> np.ndarray:  # pairs: lab.data.pairs.PairBatch
    """Similarities of a batch of pairs, from the codes (characters, 20, d) of all drawings of a set."""
    return pair_similarity(codes[pairs.left[:, 0], pairs.left[:, 1]], codes[pairs.right[:, 0], pairs.right[:, 1]], head)
