"""The on-disk array cache of decoded Omniglot sets.

A set is stored as packed bits in one ``.npz`` keyed by its name, the format version and a fingerprint of
its source, so a second start loads in a fraction of a second and a changed source is never served from a
stale cache. This module knows the fields of a set, not its class, so that lab.data.omniglot can use it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np

from lab.config import array_cache_dir
from lab.files import atomic_write

CACHE_FORMAT = 1

T = TypeVar("T")


class CachedFields(Protocol):
    """What the cache stores of a set (lab.data.omniglot.OmniglotSet has these fields)."""

    @property
    def images(self) -> np.ndarray: ...  # (characters, 20, 105, 105) bool

    @property
    def character_ids(self) -> np.ndarray: ...

    @property
    def character_names(self) -> tuple[str, ...]: ...

    @property
    def alphabets(self) -> dict[str, tuple[int, int]]: ...


def cache_path(set_name: str, fingerprint: str) -> Path:
    return array_cache_dir() / f"omniglot-{set_name}-v{CACHE_FORMAT}-{fingerprint}.npz"


def save_cache(data: CachedFields, path: Path) -> None:
    """Write the set's arrays under a temporary name and rename (:func:`lab.files.atomic_write`): a crash
    mid-write never leaves a cache that looks valid."""
    path.parent.mkdir(parents=True, exist_ok=True)
    names = list(data.alphabets)

    def write(temporary: Path) -> None:
        with open(temporary, "wb") as stream:
            np.savez(
                stream,
                packed=np.packbits(data.images.reshape(-1)),
                shape=np.array(data.images.shape),
                character_ids=data.character_ids,
                character_names=np.array(data.character_names),
                alphabet_names=np.array(names),
                alphabet_ranges=np.array([data.alphabets[n] for n in names], dtype=np.int64).reshape(-1, 2),
            )

    atomic_write(path, write)


def load_cache(path: Path, build: Callable[..., T]) -> T | None:
    """``build(images=, character_ids=, character_names=, alphabets=)`` of the cached set; None if there is none.

    ``build`` runs inside the check, so a cache whose arrays it refuses counts as damaged too.
    """
    try:
        with np.load(path, allow_pickle=False) as stored:
            shape = tuple(int(v) for v in stored["shape"])
            count = int(np.prod(shape))
            images = np.unpackbits(stored["packed"], count=count).view(bool).reshape(shape)
            names = [str(n) for n in stored["alphabet_names"]]
            ranges = stored["alphabet_ranges"]
            return build(
                images=images,
                character_ids=stored["character_ids"].astype(np.int32),
                character_names=tuple(str(n) for n in stored["character_names"]),
                alphabets={n: (int(a), int(b)) for n, (a, b) in zip(names, ranges)},
            )
    except (OSError, KeyError, ValueError, EOFError):
        return None  # a missing or damaged cache is rebuilt from the source
