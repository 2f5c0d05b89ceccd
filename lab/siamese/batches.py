"""What a training step learns from: the downsampled training arrays, and triplet batches of P x K drawings."""

from __future__ import annotations

import numpy as np

from lab.data.omniglot import DRAWINGS_PER_CHARACTER, OmniglotSet
from lab.siamese.preprocess import downsample


def training_arrays(data: OmniglotSet, characters: np.ndarray, factor: int, rotations: bool):
    """Downsampled images (classes, 20, s, s) float32 and the alphabet number of each class."""
    images = downsample(data.images[characters], factor)
    alphabet = data.alphabet_index()[characters]
    if not rotations:
        return images, alphabet
    turned = [np.rot90(images, k, axes=(-2, -1)) for k in range(4)]
    # A rotated alphabet is its own alphabet: its characters are hard negatives for each other.
    return np.concatenate(turned), np.concatenate([alphabet * 4 + k for k in range(4)])


def triplet_batch(images: np.ndarray, alphabet_of: np.ndarray, batch_size: int, hard: bool, rng: np.random.Generator):
    """P = batch_size / 2 characters x K = 4 drawings (distinct drawers); characters grouped by alphabet
    when ``hard``, so the nearest negatives are look-alikes."""
    per_class = 4
    classes = batch_size // 2
    if hard:
        alphabets = np.unique(alphabet_of)
        chosen_alphabets = rng.choice(alphabets, size=max(1, classes // 8), replace=False)
        candidates = np.flatnonzero(np.isin(alphabet_of, chosen_alphabets))
        if candidates.size < classes:
            candidates = np.arange(len(images))
    else:
        candidates = np.arange(len(images))
    chosen = rng.choice(candidates, size=classes, replace=False)
    drawers = np.argsort(rng.random((classes, DRAWINGS_PER_CHARACTER)), axis=1)[:, :per_class]
    batch = images[chosen[:, None], drawers].reshape(-1, images.shape[-2], images.shape[-1])
    labels = np.repeat(np.arange(classes), per_class).astype(np.int32)
    return batch, labels
