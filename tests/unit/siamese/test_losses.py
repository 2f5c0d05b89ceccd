"""The three objectives on tiny inputs whose values are worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from lab.siamese.losses import bce, contrastive, pairwise_distances, triplet_batch_hard  # noqa: E402


def test_binary_cross_entropy_known_value() -> None:
    value = bce(tf.constant([1.0, 0.0]), tf.constant([0.9, 0.2]))
    assert float(value) == pytest.approx(-(math.log(0.9) + math.log(0.8)) / 2, rel=1e-6)


def test_binary_cross_entropy_is_finite_at_certainty() -> None:
    assert math.isfinite(float(bce(tf.constant([1.0, 0.0]), tf.constant([0.0, 1.0]))))


def test_contrastive_known_value() -> None:
    # same pair at 0.5 -> 0.25; different at 0.3 -> (1 - 0.3)^2 = 0.49; different at 1.5 -> 0 (beyond the margin)
    value = contrastive(tf.constant([1.0, 0.0, 0.0]), tf.constant([0.5, 0.3, 1.5]), margin=1.0)
    assert float(value) == pytest.approx((0.25 + 0.49 + 0.0) / 3, rel=1e-6)


def test_pairwise_distances_match_numpy() -> None:
    points = np.random.default_rng(0).normal(size=(6, 3)).astype(np.float32)
    expected = np.linalg.norm(points[:, None] - points[None], axis=-1)
    got = pairwise_distances(tf.constant(points)).numpy()
    assert np.allclose(got, expected, atol=1e-5)
    assert np.all(np.diag(got) == 0)


def test_triplet_batch_hard_known_value() -> None:
    # Points on a line: class 0 at 0 and 1, class 1 at 1.5 and 3 (margin 0.5).
    # anchor 0: pos 1.0, neg 1.5 -> 0;  anchor 1: pos 1.0, neg 0.5 -> 1.0
    # anchor 2: pos 1.5, neg 0.5 -> 1.5;  anchor 3: pos 1.5, neg 2.0 -> 0      mean 0.625
    points = tf.constant([[0.0, 0.0], [1.0, 0.0], [1.5, 0.0], [3.0, 0.0]])
    value = triplet_batch_hard(points, tf.constant([0, 0, 1, 1]), margin=0.5)
    assert float(value) == pytest.approx(0.625, rel=1e-6)


def test_triplet_is_zero_when_classes_are_far_apart() -> None:
    points = tf.constant([[0.0, 0.0], [0.1, 0.0], [5.0, 0.0], [5.1, 0.0]])
    assert float(triplet_batch_hard(points, tf.constant([0, 0, 1, 1]), margin=0.5)) == 0.0
