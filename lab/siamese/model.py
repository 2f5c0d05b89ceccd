"""A trained Siamese network: the Keras pair model, and fast NumPy scoring on its codes.

Scores of pairs are computed from the tower's codes with NumPy (lab.evaluation.scoring), so once a set's
codes are computed, any pair, N-way task or threshold needs no network call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lab.evaluation.scoring import Head, pair_similarity
from lab.siamese.losses import LOSSES
from lab.siamese.preprocess import downsample
from lab.siamese.towers import SPECS


def build_pair_model(tower, loss: str):  # -> keras.Model
    """Two images in, a similarity in [0, 1] out ("similarity"), sharing one tower."""
    import keras
    from keras import layers

    from lab.siamese.layers import L1Distance, UnitSimilarity

    shape = tower.input_shape[1:]
    left, right = keras.Input(shape, name="left"), keras.Input(shape, name="right")
    code_left, code_right = tower(left), tower(right)
    if loss == "bce":
        logit = layers.Dense(1, name="head")(L1Distance(name="l1")(code_left, code_right))
        similarity = layers.Activation("sigmoid", name="similarity")(logit)
    elif loss in LOSSES:
        similarity = UnitSimilarity(name="similarity")(code_left, code_right)
    else:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    return keras.Model([left, right], similarity, name="siamese")


@dataclass
class SiameseModel:
    """A pair model with what is needed to use it: its tower, loss and input scale.

    ``test_time_shift``: when > 0, a drawing's code is the mean of the codes of the drawing and of four copies moved
    by that many pixels (up, down, left, right), renormalised. Chosen per model on its validation alphabets at the
    end of training (lab.siamese.validation.choose_test_time_shift) and kept in its metadata; 0 for older models.
    """

    pair_model: object  # keras.Model
    architecture: str
    loss: str
    test_time_shift: int = 0

    @property
    def tower(self):  # -> keras.Model
        return self.pair_model.get_layer("tower")

    @property
    def downsample(self) -> int:
        return SPECS[self.architecture].downsample

    def head(self) -> Head | None:
        if self.loss != "bce":
            return None
        kernel, bias = self.pair_model.get_layer("head").get_weights()
        return kernel[:, 0].astype(np.float64), float(bias[0])

    def prepare(self, ink: np.ndarray) -> np.ndarray:
        """(n, 105, 105) bool drawings to the tower's (n, s, s, 1) float input."""
        return downsample(ink, self.downsample)[..., None]

    def embed(self, ink: np.ndarray, batch_size: int = 512) -> np.ndarray:
        """Codes of (n, 105, 105) drawings, (n, d) float32; computed in batches."""
        return tower_codes(self.tower, self.prepare(ink), batch_size, self.test_time_shift)

    def features(self, ink: np.ndarray, batch_size: int = 512) -> np.ndarray:
        """The encoder without its last dense layer (the lecture's nearest-neighbour exercise), (n, f) float32.

        For the compact tower that is the 256 values of the last convolution block before the projection;
        for Koch's tower the 9,216 values before the 4,096-unit dense layer. A tower without a dense layer
        gives its codes.
        """
        return tower_codes(feature_extractor(self.tower), self.prepare(ink), batch_size, self.test_time_shift)

    def similarity(self, codes_a: np.ndarray, codes_b: np.ndarray) -> np.ndarray:
        """Row-wise similarity in [0, 1] of two (n, d) code arrays (1 = surely the same character)."""
        return pair_similarity(codes_a, codes_b, self.head())


def feature_extractor(tower):  # -> keras.Model
    """The part of ``tower`` that feeds its last dense layer (or the whole tower if it has none)."""
    import keras

    dense = [layer for layer in tower.layers if isinstance(layer, keras.layers.Dense)]
    if not dense:
        return tower
    return keras.Model(tower.input, dense[-1].input, name="features")


def tower_codes(tower, inputs: np.ndarray, batch_size: int = 512, shift: int = 0) -> np.ndarray:
    """Codes of prepared (n, s, s, 1) inputs, (n, d) float32, in inference mode and in batches; with ``shift`` > 0,
    averaged over the inputs and their four copies moved by ``shift`` pixels (see SiameseModel)."""
    if shift:
        views = [tower_codes(tower, moved, batch_size) for moved in shifted_copies(inputs, shift)]
        mean = np.mean(views, axis=0)
        norms = np.linalg.norm(mean, axis=1, keepdims=True)
        return (mean / np.where(norms > 0, norms, 1.0)).astype(np.float32)
    codes = [np.asarray(tower(inputs[start : start + batch_size], training=False))
             for start in range(0, len(inputs), batch_size)]
    return np.concatenate(codes).astype(np.float32) if codes else np.zeros((0, tower.output_shape[-1]), np.float32)


def shifted_copies(inputs: np.ndarray, shift: int) -> list[np.ndarray]:
    """The (n, s, s, 1) inputs and four copies moved by ``shift`` pixels; what leaves one side comes in on the
    other, which is blank margin for Omniglot drawings."""
    return [inputs] + [np.roll(inputs, step, axis=axis) for axis in (1, 2) for step in (shift, -shift)]


class LazyModel:
    """A stored model whose network is loaded only when drawings must go through it.

    Everything else a page needs (the architecture, the loss, the BCE head's weights, and the codes of the
    evaluation drawings from :mod:`lab.siamese.code_store`) is known without it, so pages that score stored codes
    never import TensorFlow. ``load`` returns the network (memoised by the caller: the server's cache, or
    :func:`functools.cache`); it is called on every use that needs the network.
    """

    def __init__(self, architecture: str, loss: str, head: Head | None, load: Callable[[], SiameseModel]) -> None:
        self.architecture, self.loss, self._head, self._load = architecture, loss, head, load

    @property
    def network(self) -> SiameseModel:
        return self._load()

    @property
    def downsample(self) -> int:
        return SPECS[self.architecture].downsample

    def head(self) -> Head | None:
        return self._head

    def embed(self, ink: np.ndarray, batch_size: int = 512) -> np.ndarray:
        return self.network.embed(ink, batch_size)

    def features(self, ink: np.ndarray, batch_size: int = 512) -> np.ndarray:
        return self.network.features(ink, batch_size)

    def similarity(self, codes_a: np.ndarray, codes_b: np.ndarray) -> np.ndarray:
        return pair_similarity(codes_a, codes_b, self._head)
