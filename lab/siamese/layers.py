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
