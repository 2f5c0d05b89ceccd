"""One optimisation step of a Siamese network: a freshly sampled batch, its augmentation and its gradient step,
compiled once per training run as a ``tf.function`` (BCE and contrastive on pairs, batch-hard triplets on P x K
drawings)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import numpy as np

from lab.data.pairs import sample_pair_indices
from lab.siamese.batches import triplet_batch

if TYPE_CHECKING:
    from lab.siamese.model import SiameseModel


class StepSettings(Protocol):
    """What a step needs of lab.siamese.training.TrainConfig (a frozen dataclass: read-only here too)."""

    @property
    def loss(self) -> str: ...

    @property
    def steps(self) -> int: ...

    @property
    def batch_size(self) -> int: ...

    @property
    def augment(self) -> bool: ...

    @property
    def hard_negatives(self) -> bool: ...

    @property
    def lr(self) -> float: ...

    @property
    def loss_margin(self) -> float | None: ...


def optimisation_step(
    config: StepSettings, model: SiameseModel, images: np.ndarray, alphabet_of: np.ndarray, rng: np.random.Generator
) -> Callable[[], float]:
    """One optimisation step on a freshly sampled batch; returns its loss."""
    import keras

    from lab.siamese.augment import random_affine_matrices

    schedule = keras.optimizers.schedules.CosineDecay(config.lr, decay_steps=config.steps, alpha=0.05)
    optimizer = keras.optimizers.Adam(schedule)
    size = images.shape[-1]
    if config.loss == "triplet":
        triplet_step = compiled_triplet_step(config, model.tower, optimizer)

        def step_on_triplets() -> float:
            batch, labels = triplet_batch(images, alphabet_of, config.batch_size, config.hard_negatives, rng)
            warp = random_affine_matrices(len(batch), size, rng)
            return float(triplet_step(batch[..., None], labels, warp))
        return step_on_triplets
    pair_step = compiled_pair_step(config, model.pair_model, optimizer)

    def step_on_pairs() -> float:
        pairs = sample_pair_indices(alphabet_of, config.batch_size, rng, within_alphabet=config.hard_negatives)
        left = images[pairs.left[:, 0], pairs.left[:, 1]][..., None]
        right = images[pairs.right[:, 0], pairs.right[:, 1]][..., None]
        loss = pair_step(left, right, pairs.targets,
                         random_affine_matrices(len(left), size, rng), random_affine_matrices(len(left), size, rng))
        return float(loss)
    return step_on_pairs


def compiled_pair_step(config: StepSettings, pair_model, optimizer):  # -> tf.function
    """(left, right, targets, left_warp, right_warp) -> loss, with BCE or the contrastive loss."""
    import tensorflow as tf

    from lab.siamese.augment import apply_affine
    from lab.siamese.losses import bce, contrastive

    margin = config.loss_margin

    @tf.function(reduce_retracing=True)
    def pair_step(left, right, targets, left_warp, right_warp):
        if config.augment:
            left, right = apply_affine(left, left_warp), apply_affine(right, right_warp)
        with tf.GradientTape() as tape:
            similarity = pair_model([left, right], training=True)[:, 0]
            if config.loss == "bce":
                loss = bce(targets, similarity)
            else:
                loss = contrastive(targets, 2.0 * (1.0 - similarity), margin)
            total = loss + tf.add_n(pair_model.losses) if pair_model.losses else loss
        variables = pair_model.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(total, variables), variables))
        return loss
    return pair_step


def compiled_triplet_step(config: StepSettings, tower, optimizer):  # -> tf.function
    """(batch, labels, warp) -> batch-hard triplet loss on the tower's codes."""
    import tensorflow as tf

    from lab.siamese.augment import apply_affine
    from lab.siamese.losses import triplet_batch_hard

    margin = config.loss_margin

    @tf.function(reduce_retracing=True)
    def triplet_step(batch, labels, warp):
        if config.augment:
            batch = apply_affine(batch, warp)
        with tf.GradientTape() as tape:
            loss = triplet_batch_hard(tower(batch, training=True), labels, margin)
            total = loss + tf.add_n(tower.losses) if tower.losses else loss
        variables = tower.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(total, variables), variables))
        return loss
    return triplet_step
