"""The similarity of two codes (lab/evaluation/scoring.py): metric losses and the BCE head."""

from __future__ import annotations

import numpy as np
import pytest

from lab.evaluation.scoring import pair_similarity


def test_pair_similarity_metric_and_head() -> None:
    a = np.array([[1.0, 0.0]])
    b = np.array([[0.0, 1.0]])
    assert pair_similarity(a, a, None)[0] == pytest.approx(1.0)
    assert pair_similarity(a, -a, None)[0] == pytest.approx(0.0)
    head = (np.array([-2.0, -2.0]), 1.0)  # logit = -2 * (1 + 1) + 1 = -3
    assert pair_similarity(a, b, head)[0] == pytest.approx(1 / (1 + np.exp(3)))
