"""Batches of drawing pairs for verification, as in the course's ``get_batch``.

The first half of a batch pairs two different characters (target 0), the second half two drawings of the
same character by two different drawers (target 1). Sampling is vectorised and driven by a seeded
``numpy.random.Generator``, so a batch is reproducible from its seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.data.omniglot import DRAWINGS_PER_CHARACTER, OmniglotSet


@dataclass(frozen=True)
class PairBatch:
    """Indices of a batch of pairs: ``left[i]`` and ``right[i]`` are (character, drawer) rows."""

    left: np.ndarray  # (batch, 2) int
    right: np.ndarray  # (batch, 2) int
    targets: np.ndarray  # (batch,) float32: 1 = same character, 0 = different

    def __len__(self) -> int:
        return int(self.targets.shape[0])

    def images(self, data: OmniglotSet) -> tuple[np.ndarray, np.ndarray]:
        """The two image arrays, each (batch, 105, 105) bool."""
        return (
            data.images[self.left[:, 0], self.left[:, 1]],
            data.images[self.right[:, 0], self.right[:, 1]],
        )


def sample_pairs(
    data: OmniglotSet,
    batch_size: int,
    rng: np.random.Generator,
    within_alphabet: bool = False,
    characters: np.ndarray | None = None,
    drawers: np.ndarray | None = None,
) -> PairBatch:
    """Draw ``batch_size`` pairs of ``data``, half different (first) and half same (second).

    ``within_alphabet`` draws the different character from the same alphabet (the harder task);
    ``characters`` and ``drawers`` restrict the draw to a subset (e.g. a training split).
    """
    return sample_pair_indices(data.alphabet_index(), batch_size, rng, within_alphabet, characters, drawers)


def sample_pair_indices(
    alphabet_of: np.ndarray,
    batch_size: int,
    rng: np.random.Generator,
    within_alphabet: bool = False,
    characters: np.ndarray | None = None,
    drawers: np.ndarray | None = None,
) -> PairBatch:
    """:func:`sample_pairs` for any characters, given the alphabet number of each (``alphabet_of``)."""
    if batch_size < 2:
        raise ValueError("batch_size must be at least 2 (one same and one different pair)")
    pool = np.arange(alphabet_of.size) if characters is None else np.asarray(characters, dtype=np.int64)
    drawer_pool = np.arange(DRAWINGS_PER_CHARACTER) if drawers is None else np.asarray(drawers, dtype=np.int64)
    if pool.size < 2 or drawer_pool.size < 2:
        raise ValueError("need at least two characters and two drawers to form pairs")

    alphabet = alphabet_of[pool]
    if within_alphabet:
        counts = np.bincount(alphabet, minlength=alphabet.max() + 1)
        keep = counts[alphabet] >= 2
        pool, alphabet = pool[keep], alphabet[keep]
        if pool.size < 2:
            raise ValueError("no alphabet has two characters in the chosen subset")
    # Sort the pool by alphabet so that each alphabet is a contiguous group [group_start, group_start + size).
    order = np.argsort(alphabet, kind="stable")
    pool, alphabet = pool[order], alphabet[order]
    if within_alphabet:
        group_start = np.searchsorted(alphabet, alphabet, side="left")
        group_size = np.searchsorted(alphabet, alphabet, side="right") - group_start
    else:
        group_start = np.zeros_like(pool)
        group_size = np.full_like(pool, pool.size)

    position = rng.choice(pool.size, size=batch_size, replace=batch_size > pool.size)
    first = pool[position]
    half = batch_size // 2

    # Different pairs: step 1..size-1 places forward within the group, so never the same character.
    offset = position[:half] - group_start[position[:half]]
    step = rng.integers(1, group_size[position[:half]])
    other = pool[group_start[position[:half]] + (offset + step) % group_size[position[:half]]]
    second = np.concatenate([other, first[half:]])

    drawer_a = rng.integers(0, drawer_pool.size, size=batch_size)
    drawer_b = rng.integers(0, drawer_pool.size, size=batch_size)
    # Same pairs use two different drawers, so a pair is never one image twice.
    drawer_b[half:] = (drawer_a[half:] + rng.integers(1, drawer_pool.size, size=batch_size - half)) % drawer_pool.size

    targets = np.zeros(batch_size, dtype=np.float32)
    targets[half:] = 1.0
    return PairBatch(
        left=np.stack([first, drawer_pool[drawer_a]], axis=1),
        right=np.stack([second, drawer_pool[drawer_b]], axis=1),
        targets=targets,
    )
