"""Sampling same/different pairs, on the miniature Omniglot (and one property of the real evaluation set)."""

from __future__ import annotations

import numpy as np
import pytest

from lab.data.omniglot import OmniglotSet
from lab.data.pairs import sample_pairs


def test_half_different_then_half_same(mini_background: OmniglotSet) -> None:
    pairs = sample_pairs(mini_background, 32, np.random.default_rng(0))
    assert len(pairs) == 32
    assert pairs.targets.tolist() == [0.0] * 16 + [1.0] * 16
    assert (pairs.left[:16, 0] != pairs.right[:16, 0]).all()
    assert (pairs.left[16:, 0] == pairs.right[16:, 0]).all()
    assert (pairs.left[16:, 1] != pairs.right[16:, 1]).all(), "a same pair uses two different drawers"


def test_images_match_indices(mini_background: OmniglotSet) -> None:
    pairs = sample_pairs(mini_background, 6, np.random.default_rng(1))
    left, right = pairs.images(mini_background)
    assert left.shape == right.shape == (6, 105, 105)
    for i in range(6):
        assert np.array_equal(left[i], mini_background.images[pairs.left[i, 0], pairs.left[i, 1]])
        assert np.array_equal(right[i], mini_background.images[pairs.right[i, 0], pairs.right[i, 1]])


def test_same_seed_same_batch_other_seed_other_batch(mini_background: OmniglotSet) -> None:
    a = sample_pairs(mini_background, 32, np.random.default_rng(7))
    b = sample_pairs(mini_background, 32, np.random.default_rng(7))
    c = sample_pairs(mini_background, 32, np.random.default_rng(8))
    assert np.array_equal(a.left, b.left) and np.array_equal(a.right, b.right)
    assert not np.array_equal(a.left, c.left)


def test_within_alphabet_keeps_different_pairs_in_one_alphabet(mini_evaluation: OmniglotSet) -> None:
    pairs = sample_pairs(mini_evaluation, 200, np.random.default_rng(3), within_alphabet=True)
    alphabet = mini_evaluation.alphabet_index()
    assert (alphabet[pairs.left[:, 0]] == alphabet[pairs.right[:, 0]]).all()
    assert (pairs.left[:100, 0] != pairs.right[:100, 0]).all()


def test_global_pairs_mostly_cross_alphabets(evaluation: OmniglotSet) -> None:
    pairs = sample_pairs(evaluation, 400, np.random.default_rng(4))
    alphabet = evaluation.alphabet_index()
    assert (alphabet[pairs.left[:200, 0]] != alphabet[pairs.right[:200, 0]]).mean() > 0.8


def test_subset_of_characters_and_drawers_is_respected(mini_background: OmniglotSet) -> None:
    characters = np.arange(4, 12)
    drawers = np.array([0, 1, 2, 3])
    pairs = sample_pairs(mini_background, 64, np.random.default_rng(5), characters=characters, drawers=drawers)
    used = np.concatenate([pairs.left, pairs.right])
    assert np.isin(used[:, 0], characters).all()
    assert np.isin(used[:, 1], drawers).all()


def test_every_character_gets_drawn(mini_evaluation: OmniglotSet) -> None:
    rng = np.random.default_rng(6)
    seen = np.concatenate([sample_pairs(mini_evaluation, 64, rng).left[:, 0] for _ in range(200)])
    assert np.unique(seen).size == mini_evaluation.n_characters


@pytest.mark.parametrize("batch", [0, 1])
def test_too_small_batch_is_refused(mini_background: OmniglotSet, batch: int) -> None:
    with pytest.raises(ValueError):
        sample_pairs(mini_background, batch, np.random.default_rng(0))
