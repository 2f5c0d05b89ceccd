"""The custom layers: the fused batch normalisation computes what Keras's does, and survives a save and load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from lab.siamese.layers import FusedBatchNormalization  # noqa: E402


def _twin_layers(channels: int):  # -> tuple[keras.layers.BatchNormalization, FusedBatchNormalization]
    plain, fused = keras.layers.BatchNormalization(momentum=0.9), FusedBatchNormalization(momentum=0.9)
    for layer in (plain, fused):
        layer.build((None, 9, 9, channels))
        layer.gamma.assign(np.linspace(0.5, 2.0, channels))
        layer.beta.assign(np.linspace(-1.0, 1.0, channels))
    return plain, fused


def test_training_matches_keras_outputs_statistics_and_gradients() -> None:
    x = tf.constant(np.random.default_rng(0).normal(2.0, 3.0, (16, 9, 9, 8)).astype(np.float32))
    plain, fused = _twin_layers(8)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        outputs = [layer(x, training=True) for layer in (plain, fused)]
        losses = [tf.reduce_sum(y * tf.sin(x)) for y in outputs]  # a loss that weighs every output differently
    np.testing.assert_allclose(outputs[1], outputs[0], atol=1e-5)
    # Two updates: the moving variance follows the batch's biased variance, as in Keras.
    np.testing.assert_allclose(fused.moving_mean, plain.moving_mean, atol=1e-6)
    np.testing.assert_allclose(fused.moving_variance, plain.moving_variance, atol=1e-5)
    assert not np.allclose(plain.moving_mean, 0.0)
    for wrt_plain, wrt_fused in zip(tape.gradient(losses[0], [x, plain.gamma, plain.beta]),
                                    tape.gradient(losses[1], [x, fused.gamma, fused.beta])):
        np.testing.assert_allclose(wrt_fused, wrt_plain, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(fused(x, training=False), plain(x, training=False), atol=1e-5)


def test_frozen_layer_uses_its_moving_statistics() -> None:
    x = tf.constant(np.random.default_rng(1).normal(size=(4, 9, 9, 3)).astype(np.float32))
    plain, fused = _twin_layers(3)
    plain.trainable = fused.trainable = False
    np.testing.assert_allclose(fused(x, training=True), plain(x, training=True), atol=1e-6)
    assert np.allclose(fused.moving_mean, 0.0)  # nothing learned from the batch


def test_saved_and_loaded_in_safe_mode(tmp_path: Path) -> None:
    inputs = keras.Input((9, 9, 2))
    model = keras.Model(inputs, FusedBatchNormalization(momentum=0.9, name="bn")(inputs))
    model.get_layer("bn").moving_mean.assign([0.25, -0.5])
    model.save(tmp_path / "bn.keras")
    loaded = keras.saving.load_model(tmp_path / "bn.keras", safe_mode=True)
    assert isinstance(loaded.get_layer("bn"), FusedBatchNormalization)
    np.testing.assert_allclose(loaded.get_layer("bn").moving_mean, [0.25, -0.5])
