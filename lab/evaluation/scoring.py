"""Similarity of codes in NumPy, the same numbers as the pair model's output layer.

The BCE head is a logistic unit on the L1 distance; the metric models use 1 - distance / 2. Here (and not
beside the Keras model) so that evaluation can score codes without importing the network package.
"""

from __future__ import annotations

import numpy as np

# The BCE model's dense head on |a - b|: kernel (d,) and bias; None for the metric losses.
Head = tuple[np.ndarray, float]


def pair_similarity(codes_a: np.ndarray, codes_b: np.ndarray, head: Head | None) -> np.ndarray:
    """Similarity of code rows (broadcasting): the logistic head on |a - b|, or 1 - ||a - b|| / 2."""
    difference = np.asarray(codes_a, np.float64) - np.asarray(codes_b, np.float64)
    if head is None:
        return 1.0 - np.sqrt(np.sum(difference**2, axis=-1)) / 2.0
    kernel, bias = head
    logit = np.abs(difference) @ kernel + bias
    return 1.0 / (1.0 + np.exp(-logit))


def similarity_matrix(queries: np.ndarray, candidates: np.ndarray, head: Head | None) -> np.ndarray:
    """(q, c) similarities of every query code to every candidate code."""
    return pair_similarity(queries[:, None, :], candidates[None, :, :], head)
