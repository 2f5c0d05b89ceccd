"""One NumPy array kept on disk with the key it was computed for, so that a result survives a server restart.

The file is an ``.npz`` holding ``key`` (text) and ``array``, read without pickle. It is used only when its key is
exactly the caller's and the array passes the caller's check; a missing, damaged, foreign or stale file is
recomputed and replaced, never trusted and never an error. Files are written atomically
(:func:`lab.files.atomic_write`), so a crash mid-write leaves the old file or none.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from lab.files import atomic_write

Check = Callable[[np.ndarray], bool]


def read_array(path: Path, key: str, check: Check | None = None) -> np.ndarray | None:
    """The array stored in ``path`` under ``key``; None when there is none, it is damaged, its key differs or
    ``check`` refuses it."""
    try:
        stored = np.load(path, allow_pickle=False)
        if not isinstance(stored, np.lib.npyio.NpzFile):  # a bare .npy array: not written here
            return None
        with stored:
            if str(stored["key"][()]) != key:
                return None
            array = stored["array"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, IndexError):
        return None
    return array if check is None or check(array) else None


def write_array(path: Path, key: str, array: np.ndarray) -> None:
    """Store ``array`` under ``key`` in ``path`` (its folder is made); OSError if the folder is not writable."""
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(temporary: Path) -> None:
        with open(temporary, "wb") as stream:
            np.savez(stream, key=np.array(key), array=np.asarray(array))

    atomic_write(path, write)


def stored_array(places: list[Path], key: str, compute: Callable[[], np.ndarray],
                 check: Check | None = None) -> np.ndarray:
    """The array under ``key`` from the first of ``places`` that holds it, else ``compute()`` stored in the first
    writable place (a read-only folder, such as a shipped one, falls through to the next; none costs only time)."""
    for path in places:
        found = read_array(path, key, check)
        if found is not None:
            return found
    array = compute()
    for path in places:
        try:
            write_array(path, key, array)
            return array
        except OSError:
            continue
    return array
