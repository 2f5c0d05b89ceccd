"""The on-disk array cache of decoded Omniglot sets.

A set is stored as packed bits in one ``.npz`` (:mod:`lab.disk_cache`) keyed by its name, the format version and
a fingerprint of its source, so a second start loads in a fraction of a second and a changed source is never
served from a stale cache. This module knows the fields of a set, not its class, so that lab.data.omniglot can
use it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np

from lab.config import array_cache_dir
from lab.disk_cache import Arrays, cached

# Still 1 in the file name: a file of the layout before lab.disk_cache (no key inside) is a miss at the same path,
# so it is overwritten once rather than left behind.
CACHE_FORMAT = 1
FIELDS = {"packed": "u", "shape": "i", "character_ids": "iu", "character_names": "U", "alphabet_names": "U",
          "alphabet_ranges": "i"}

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


C = TypeVar("C", bound=CachedFields)


def cache_path(set_name: str, fingerprint: str) -> Path:
    return array_cache_dir() / f"omniglot-{set_name}-v{CACHE_FORMAT}-{fingerprint}.npz"


def stored_set(set_name: str, fingerprint: str, shape: tuple[int, ...], decode: Callable[[], C],
               build: Callable[..., C]) -> C:
    """The set from the cache when it holds this source's set of ``shape`` (characters, drawers, rows, columns),
    made by ``build(images=, character_ids=, character_names=, alphabets=)``; else ``decode()``, then stored (a
    read-only cache folder costs speed, not correctness)."""
    key = f"omniglot;set={set_name};format={CACHE_FORMAT};source={fingerprint}"
    return cached([cache_path(set_name, fingerprint)], key, decode, FIELDS, _arrays,
                  lambda arrays: _fields(arrays, shape, build))


def _arrays(data: CachedFields) -> Arrays:
    names = list(data.alphabets)
    return {
        "packed": np.packbits(data.images.reshape(-1)),
        "shape": np.array(data.images.shape, dtype=np.int64),
        "character_ids": np.asarray(data.character_ids),
        "character_names": np.array(data.character_names, dtype=str),
        "alphabet_names": np.array(names, dtype=str),
        "alphabet_ranges": np.array([data.alphabets[n] for n in names], dtype=np.int64).reshape(-1, 2),
    }


def _fields(stored: Arrays, shape: tuple[int, ...], build: Callable[..., C]) -> C | None:
    """``build(...)`` of the stored arrays, or None when they do not make a set of ``shape``."""
    count, characters = int(np.prod(shape)), shape[0]
    names, ranges = stored["alphabet_names"], stored["alphabet_ranges"]
    if (stored["shape"].ndim != 1 or tuple(int(v) for v in stored["shape"]) != shape
            or stored["packed"].dtype != np.uint8 or stored["packed"].shape != (-(-count // 8),)
            or stored["character_ids"].shape != (characters,) or stored["character_names"].shape != (characters,)
            or names.ndim != 1 or ranges.shape != (len(names), 2)):
        return None
    images = np.unpackbits(stored["packed"], count=count).view(bool).reshape(shape)
    return build(
        images=images,
        character_ids=stored["character_ids"].astype(np.int32),
        character_names=tuple(str(n) for n in stored["character_names"]),
        alphabets={str(n): (int(a), int(b)) for n, (a, b) in zip(names, ranges)},
    )
