"""Writing files so that a crash or a full disk never leaves a half-written file under the final name."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(temporary)`` on a fresh file beside ``path``, then rename it to ``path``.

    The temporary file keeps ``path``'s suffix (so NumPy and Keras do not add theirs) and is removed if
    anything fails; the result is readable by everyone, like any other file the lab shares.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o644)  # mkstemp creates 0600
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
