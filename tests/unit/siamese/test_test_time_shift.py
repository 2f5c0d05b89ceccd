"""Test-time shifts: a code averaged over a drawing and four moved copies, chosen on validation, kept in metadata."""

from __future__ import annotations

import numpy as np
import pytest

from lab.siamese.model import shifted_copies
from lab.siamese.store import shift_from_metadata


def test_shifted_copies_move_the_drawing_by_the_shift() -> None:
    inputs = np.zeros((1, 8, 8, 1), np.float32)
    inputs[0, 4, 4, 0] = 1.0
    copies = shifted_copies(inputs, 2)
    assert len(copies) == 5 and copies[0] is inputs
    assert sorted(tuple(np.argwhere(c[0, :, :, 0])[0]) for c in copies[1:]) == [(2, 4), (4, 2), (4, 6), (6, 4)]


@pytest.mark.parametrize("stored, shift", [(2, 2), (0, 0), (None, 0), (-1, 0), (9, 0), ("2", 0), (True, 0), (1.5, 0)])
def test_the_shift_in_metadata_is_a_small_whole_number_or_nothing(stored: object, shift: int) -> None:
    metadata = {} if stored is None else {"test_time_shift": stored}
    assert shift_from_metadata(metadata) == shift


def test_codes_with_a_shift_are_unit_averages_of_the_moved_copies() -> None:
    keras = pytest.importorskip("keras")
    from lab.siamese.model import tower_codes

    keras.utils.set_random_seed(0)
    tower = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(4),
                              keras.layers.UnitNormalization()])
    inputs = np.random.default_rng(0).random((3, 8, 8, 1)).astype(np.float32)
    plain, shifted = tower_codes(tower, inputs), tower_codes(tower, inputs, shift=1)
    expected = np.mean([tower_codes(tower, c) for c in shifted_copies(inputs, 1)], axis=0)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    np.testing.assert_allclose(shifted, expected, rtol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(shifted, axis=1), 1.0, rtol=1e-5)
    assert not np.allclose(plain, shifted)


def test_a_bce_model_keeps_no_shift() -> None:
    from lab.siamese.validation import choose_test_time_shift

    class Bce:
        loss = "bce"

    assert choose_test_time_shift(Bce(), validation=None, seed=0) == (0, {})  # type: ignore[arg-type]
