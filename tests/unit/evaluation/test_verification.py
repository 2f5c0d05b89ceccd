"""Same/different decisions: the best threshold and the accuracy at a threshold."""

from __future__ import annotations

import numpy as np
import pytest

from lab.evaluation.verification import accuracy_at, best_threshold


def test_best_threshold_hand_worked() -> None:
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.9, 0.6])
    same = np.array([0, 0, 1, 1, 1, 0], dtype=bool)
    # Sorted: 0.1 d, 0.35 s, 0.4 d, 0.6 d, 0.8 s, 0.9 s -> best cut between 0.6 and 0.8: 5 of 6 right.
    threshold, accuracy = best_threshold(scores, same)
    assert threshold == pytest.approx(0.7) and accuracy == pytest.approx(5 / 6)
    assert accuracy_at(scores, same, threshold) == pytest.approx(5 / 6)
    assert accuracy_at(scores, same, 0.5) == pytest.approx(4 / 6)


def test_best_threshold_all_same_or_ties() -> None:
    threshold, accuracy = best_threshold(np.array([0.5, 0.5, 0.5]), np.array([True, True, True]))
    assert accuracy == 1.0 and threshold < 0.5
