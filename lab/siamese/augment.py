"""Koch et al.'s affine distortions, applied to a batch inside the TensorFlow graph.

Each image gets its own random rotation (+-10 degrees), shear (+-0.3), scale (0.8 to 1.2 per axis) and
translation (+-2 pixels at 105x105, scaled to the input size), each component switched on with
probability 1/2 as in the paper.
"""

from __future__ import annotations

import numpy as np


def random_affine_matrices(count: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """(count, 8) projective transforms (output -> input coordinates) for ``ImageProjectiveTransformV3``."""
    on = rng.random((count, 4)) < 0.5
    theta = np.deg2rad(rng.uniform(-10, 10, count)) * on[:, 0]
    shear_x, shear_y = (rng.uniform(-0.3, 0.3, (2, count)) * on[:, 1])
    scale_x, scale_y = np.where(on[:, 2], rng.uniform(0.8, 1.2, (2, count)), 1.0)
    shift = 2.0 * size / 105.0
    t_x, t_y = rng.uniform(-shift, shift, (2, count)) * on[:, 3]

    cos, sin = np.cos(theta), np.sin(theta)
    # Forward map A = R @ Shear @ Scale about the image centre; the op wants the inverse map.
    forward = np.empty((count, 3, 3))
    forward[:, 0, 0] = cos * scale_x + (-sin) * shear_y * scale_x
    forward[:, 0, 1] = cos * shear_x * scale_y - sin * scale_y
    forward[:, 1, 0] = sin * scale_x + cos * shear_y * scale_x
    forward[:, 1, 1] = sin * shear_x * scale_y + cos * scale_y
    forward[:, 2] = [0.0, 0.0, 1.0]
    centre = (size - 1) / 2.0
    offset = np.array([centre, centre])
    linear = forward[:, :2, :2]
    forward[:, :2, 2] = offset - np.einsum("nij,j->ni", linear, offset) + np.stack([t_x, t_y], axis=1)
    forward[:, 2, :2] = 0.0
    inverse = np.linalg.inv(forward)
    inverse /= inverse[:, 2:3, 2:3]
    return inverse.reshape(count, 9)[:, :8].astype(np.float32)


def apply_affine(images, matrices):  # -> tf.Tensor
    """Warp a (batch, h, w, 1) float tensor with per-image transforms; outside pixels are paper (0)."""
    import tensorflow as tf

    shape = tf.shape(images)[1:3]
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=images, transforms=matrices, output_shape=shape, fill_value=0.0,
        interpolation="BILINEAR", fill_mode="CONSTANT",
    )
