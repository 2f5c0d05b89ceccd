"""Turning Omniglot arrays into pictures for people (pure NumPy, no plotting library)."""

from __future__ import annotations

import numpy as np


def to_display(ink: np.ndarray) -> np.ndarray:
    """Boolean ink (True = stroke) to an 8-bit grey image: black strokes on white paper, as drawn."""
    return np.where(ink, 0, 255).astype(np.uint8)


def side_by_side(left: np.ndarray, right: np.ndarray, gap: int = 6, gap_value: int = 160) -> np.ndarray:
    """Two display images of equal height joined with a grey gap, to show a pair as one picture."""
    if left.shape[0] != right.shape[0]:
        raise ValueError("both images must have the same height")
    spacer = np.full((left.shape[0], gap), gap_value, dtype=np.uint8)
    return np.concatenate([left, spacer, right], axis=1)
