"""Named NumPy arrays kept on disk under the key they were computed for, so that a result survives a server restart
(in the spirit of ``joblib.Memory``, without pickle).

A cache file is an ``.npz`` holding ``key`` (text: everything the arrays depend on, such as a source's fingerprint
or a model file's stamp) beside the caller's arrays. It is read without pickle and used only when its key is exactly
the caller's, every expected array is there with an expected dtype kind, and the caller accepts the arrays. A
missing, damaged, foreign, stale or older-layout file is a miss: the result is computed again and the file replaced,
never trusted and never an error. Files are written atomically (:func:`lab.files.atomic_write`), so a crash or a
full disk mid-write leaves the old file or none, never half of one.

Users: the decoded Omniglot sets (:mod:`lab.data.cache`), a model's codes (:mod:`lab.siamese.code_store`), the
embedded face folders (:mod:`lab.faces.folder_cache`) and the Hausdorff baseline (:mod:`lab.workflows.nway`).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

from lab.files import atomic_write

T = TypeVar("T")
Arrays = dict[str, np.ndarray]
# Each expected array's name and the dtype kinds it may have ("f" float, "i" signed, "u" unsigned, "b" bool,
# "U" text): a file whose arrays have other names or kinds was not written by this caller.
Fields = Mapping[str, str]
KEY = "key"

# What reading a damaged or foreign file can raise: a pickled object is refused by NumPy with ValueError, a flipped
# zip flag is NotImplementedError or (an "encrypted" entry) RuntimeError, a flipped array header may ask for more
# memory than there is.
_DAMAGED = (OSError, ValueError, KeyError, IndexError, EOFError, zipfile.BadZipFile, zlib.error, struct.error,
            NotImplementedError, RuntimeError, MemoryError)
NUMBERS = "biuf"


def read_arrays(path: Path, key: str, fields: Fields) -> Arrays | None:
    """The arrays named in ``fields`` stored in ``path`` under ``key``; None when the file is missing or damaged,
    its key differs, an array is missing or has another dtype kind."""
    try:
        stored = np.load(path, allow_pickle=False)
        if not isinstance(stored, np.lib.npyio.NpzFile):  # a bare .npy array: not written here
            return None
        with stored:
            if str(stored[KEY][()]) != key:
                return None
            arrays = {name: stored[name] for name in fields}
    except _DAMAGED:
        return None
    if any(arrays[name].dtype.kind not in kinds for name, kinds in fields.items()):
        return None
    return arrays


def write_arrays(path: Path, key: str, arrays: Mapping[str, np.ndarray]) -> None:
    """Store ``arrays`` under ``key`` in ``path`` (its folder is made); OSError if it cannot be written, and then
    the file that was there is left as it was."""
    if KEY in arrays:
        raise ValueError(f"{KEY!r} is the cache key's own name, not an array name")
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(temporary: Path) -> None:
        with open(temporary, "wb") as stream:
            np.savez(stream, **{KEY: np.array(key)}, **{name: np.asarray(array) for name, array in arrays.items()})

    atomic_write(path, write)


def cached(places: Sequence[Path], key: str, compute: Callable[[], T], fields: Fields,
           to_arrays: Callable[[T], Mapping[str, np.ndarray]], from_arrays: Callable[[Arrays], T | None]) -> T:
    """The result stored under ``key`` in the first of ``places`` that holds it, else ``compute()``'s, stored in
    the first writable place (a read-only folder, such as a shipped one, falls through to the next; none writable
    costs only time). ``from_arrays`` turns stored arrays back into a result, or refuses them with None (arrays that
    do not agree with each other count as damaged); ``to_arrays`` is its inverse."""
    for path in places:
        arrays = read_arrays(path, key, fields)
        found = None if arrays is None else from_arrays(arrays)
        if found is not None:
            return found
    result = compute()
    for path in places:
        try:
            write_arrays(path, key, to_arrays(result))
            return result
        except OSError:
            continue
    return result


def stored_array(places: Sequence[Path], key: str, compute: Callable[[], np.ndarray],
                 check: Callable[[np.ndarray], bool] | None = None) -> np.ndarray:
    """One array of numbers (stored as ``array``) through :func:`cached`; ``check`` may refuse a stored one."""
    def accepted(arrays: Arrays) -> np.ndarray | None:
        array = arrays["array"]
        return array if check is None or check(array) else None

    return cached(places, key, compute, {"array": NUMBERS}, lambda array: {"array": array}, accepted)
