"""From Omniglot's boolean 105x105 drawings to network inputs (pure NumPy)."""

from __future__ import annotations

import numpy as np

FULL_SIZE = 105


def downsample(ink: np.ndarray, factor: int) -> np.ndarray:
    """Average ``factor`` x ``factor`` blocks of the last two axes: 105 -> 35 for factor 3.

    A box filter keeps thin strokes as grey pixels instead of dropping them, as plain subsampling would.
    Returns float32 in [0, 1] (1 = ink) with the leading axes unchanged.
    """
    if factor == 1:
        return ink.astype(np.float32)
    *lead, height, width = ink.shape
    if height % factor or width % factor:
        raise ValueError(f"{height}x{width} images cannot be divided into {factor}x{factor} blocks")
    blocks = ink.reshape(*lead, height // factor, factor, width // factor, factor)
    if ink.dtype != bool or factor * factor > 255:
        return blocks.mean(axis=(-3, -1), dtype=np.float32)
    # Drawings are booleans: counting a block's ink as bytes is exact (a block holds at most 255 pixels) and six times faster than a
    # float mean over the strided block axes (paid by every training, on the whole background set).
    counts = np.zeros(blocks.shape[:-3] + blocks.shape[-2:-1], dtype=np.uint8)
    for row in range(factor):
        for column in range(factor):
            counts += blocks[..., row, :, column].view(np.uint8)
    return counts.astype(np.float32) / np.float32(factor * factor)


def input_size(factor: int) -> int:
    return FULL_SIZE // factor
