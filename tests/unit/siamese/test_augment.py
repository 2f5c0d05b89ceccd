"""Random affine warps of the training drawings."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from lab.siamese.augment import apply_affine, random_affine_matrices  # noqa: E402
from lab.siamese.preprocess import downsample  # noqa: E402


def test_identity_warp_changes_nothing_and_random_warps_keep_the_drawing(mini_evaluation) -> None:
    images = downsample(mini_evaluation.images[:8, 0], 3)[..., None]
    identity = np.tile(np.array([1, 0, 0, 0, 1, 0, 0, 0], np.float32), (8, 1))
    assert np.allclose(apply_affine(tf.constant(images), identity).numpy(), images, atol=1e-6)
    warped = apply_affine(tf.constant(images), random_affine_matrices(8, 35, np.random.default_rng(0))).numpy()
    ink_before, ink_after = images.sum(axis=(1, 2, 3)), warped.sum(axis=(1, 2, 3))
    assert np.all(ink_after > 0.5 * ink_before) and np.all(ink_after < 1.6 * ink_before), "scale 0.8-1.2 only"
