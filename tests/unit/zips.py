"""Small zip archives made on the fly for tests: good ones, and every kind of bad one."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image


def png(size: int = 105, seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    pixels = rng.random((size, size)) > 0.1  # True = white paper, as in the official PNGs
    buffer = io.BytesIO()
    Image.fromarray(pixels).convert("1").save(buffer, format="PNG")
    return buffer.getvalue()


def write_zip(path: Path, entries: dict[str, bytes], symlinks: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name in symlinks:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return path


def copy_zip_without(source: Path, target: Path, drop_prefix: str) -> Path:
    """A copy of ``source`` without the entries under ``drop_prefix`` (e.g. one character's folder)."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            if not info.filename.startswith(drop_prefix):
                copy.writestr(info, original.read(info))
    return target
