"""Writing files so that a crash or a full disk never leaves a half-written file under the final name."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: Path, write: Callable[[Path], object], mode: int = 0o644) -> None:
    """Call ``write(temporary)`` on a fresh file beside ``path``, then rename it to ``path``.

    The temporary file keeps ``path``'s suffix (so NumPy and Keras do not add theirs) and is removed if
    anything fails; the result is readable by everyone, like any other file the lab shares (``mode``: a secret's).
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, mode)  # mkstemp creates 0600; a secret (a TLS key) keeps it
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Delete the temporary files that :func:`atomic_write` of ``path`` left behind when its process was killed.

    ``kill -9`` skips every clean-up, so such files (as large as ``path``) would pile up. Call this only while
    holding the lock that every writer of ``path`` holds: then no living writer's temporary file can be among them.
    """
    # mkstemp's names: the prefix, 8 characters of [a-z0-9_], the suffix (so ".k.x.….npz" is not database "k"'s).
    pattern = re.compile(rf"\.{re.escape(path.stem)}\.[a-z0-9_]{{8}}{re.escape(path.suffix)}")
    removed = []
    for candidate in path.parent.glob(f".{path.stem}.*{path.suffix}"):
        if pattern.fullmatch(candidate.name) and candidate.is_file():
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


def file_stamp(path: Path) -> tuple[int, int]:
    """(modification time in ns, size): changes whenever the file is rewritten, so caches keyed on it never serve
    a stale result (a model retrained under the same name, a database after an enrolment)."""
    info = Path(path).stat()
    return info.st_mtime_ns, info.st_size


def folder_stamp(folder: Path, suffixes: tuple[str, ...] | None = None) -> tuple[tuple[str, int, int], ...]:
    """The stamp of every file below ``folder`` (only those ending in ``suffixes``, if given), sorted by path:
    changes when a file is added, removed or rewritten. Empty for a folder that does not exist."""
    folder = Path(folder)
    if not folder.is_dir():
        return ()
    files = sorted(p for p in folder.rglob("*") if p.is_file() and (suffixes is None or p.suffix.lower() in suffixes))
    return tuple((str(p.relative_to(folder)), *file_stamp(p)) for p in files)
