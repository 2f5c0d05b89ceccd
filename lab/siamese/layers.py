"""The few custom Keras layers of the Siamese networks, registered so that ``.keras`` files load in safe
mode (no Lambda layers, whose Python bytecode safe mode rightly refuses)."""

from __future__ import annotations

import keras
from keras import ops

PACKAGE = "oneshot_lab"


@keras.saving.register_keras_serializable(package=PACKAGE)
class L1Distance(keras.layers.Layer):
    """|a - b|, component-wise: Koch et al.'s distance between two codes."""

    def call(self, a, b):
        return ops.abs(a - b)


@keras.saving.register_keras_serializable(package=PACKAGE)
class L2Normalize(keras.layers.Layer):
    """Scale each code to unit length."""

    def call(self, x):
        return x / ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis=-1, keepdims=True), 1e-12))


@keras.saving.register_keras_serializable(package=PACKAGE)
class UnitSimilarity(keras.layers.Layer):
    """1 - |a - b| / 2 for unit codes: a similarity in [0, 1], 1 for identical codes."""

    def call(self, a, b):
        distance = ops.sqrt(ops.maximum(ops.sum(ops.square(a - b), axis=-1, keepdims=True), 1e-12))
        return 1.0 - distance / 2.0


@keras.saving.register_keras_serializable(package=PACKAGE)
class FusedBatchNormalization(keras.layers.BatchNormalization):
    """Keras's batch normalisation, trained with TensorFlow's fused kernel.

    Keras 3 normalises a training batch with separate moment, subtract, scale and shift ops, whose forward and
    backward passes took 55% of a training step of the compact tower on the CPU (69 of 128 ms); TensorFlow's
    fused kernel does the same in one op each way. Same weights, same statistics (the moving variance is kept
    from the batch's biased variance, as Keras does), so a model saved with this layer behaves as Keras's;
    inference and every case the fused kernel does not cover (masks, frozen layers, other axes) use Keras's code.
    """

    def call(self, inputs, training=None, mask=None):
        if not (training and self.trainable) or mask is not None or self.renorm or not self._fusable(inputs):
            return super().call(inputs, training=training, mask=mask)
        import tensorflow as tf

        x = tf.cast(inputs, "float32")
        gamma = tf.cast(self.gamma, x.dtype) if self.scale else tf.ones(x.shape[-1], x.dtype)
        beta = tf.cast(self.beta, x.dtype) if self.center else tf.zeros(x.shape[-1], x.dtype)
        outputs, mean, unbiased_variance = tf.compat.v1.nn.fused_batch_norm(
            x, gamma, beta, epsilon=self.epsilon, is_training=True)
        count = tf.cast(tf.reduce_prod(tf.shape(x)[:-1]), x.dtype)
        variance = unbiased_variance * (count - 1.0) / count  # the kernel returns the Bessel-corrected variance
        self.moving_mean.assign(self.moving_mean * self.momentum + mean * (1.0 - self.momentum))
        self.moving_variance.assign(self.moving_variance * self.momentum + variance * (1.0 - self.momentum))
        return tf.cast(outputs, self.compute_dtype)

    def _fusable(self, inputs) -> bool:
        return (keras.backend.backend() == "tensorflow" and len(inputs.shape) == 4
                and self.axis in (-1, 3) and not self.synchronized)
