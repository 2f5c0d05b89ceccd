"""Downsampling drawings for the towers."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from lab.siamese.preprocess import downsample  # noqa: E402


def test_downsample_averages_blocks() -> None:
    ink = np.zeros((2, 105, 105), dtype=bool)
    ink[0, :3, :3] = True  # one full block
    ink[1, 0, 0] = True  # one pixel of a block
    small = downsample(ink, 3)
    assert small.shape == (2, 35, 35) and small.dtype == np.float32
    assert small[0, 0, 0] == 1.0 and small[1, 0, 0] == pytest.approx(1 / 9) and small.sum() == pytest.approx(1 + 1 / 9)
    with pytest.raises(ValueError):
        downsample(ink, 4)


def test_boolean_drawings_give_the_same_floats_as_the_plain_mean() -> None:
    ink = np.random.default_rng(0).random((3, 2, 105, 105)) < 0.3
    for factor in (1, 3, 5):
        expected = ink.reshape(3, 2, 105 // factor, factor, 105 // factor, factor).mean(axis=(-3, -1), dtype=np.float32)
        assert np.array_equal(downsample(ink, factor), expected)
    assert np.array_equal(downsample(ink.astype(np.float32), 3), downsample(ink, 3))
