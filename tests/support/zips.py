"""Small zip archives made on the fly for tests: good ones, and every kind of bad one."""

from __future__ import annotations

import io
import stat
import struct
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


# ------------------------------------------------------------------------------- hostile archives
# Built on the fly (no binaries in the repository), each small on disk and in memory.

MIB = 1 << 20


def write_zeros(path: Path, sizes: dict[str, int], others: dict[str, bytes] | None = None) -> Path:
    """A deflated zip whose entries ``sizes`` hold that many zero bytes: a zip bomb in miniature (1 GB of
    zeros packs into about 1 MB). Written a MiB at a time, so the test never holds an entry whole."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (others or {}).items():
            archive.writestr(name, data)
        for name, size in sizes.items():
            with archive.open(name, "w") as stream:
                for start in range(0, size, MIB):
                    stream.write(bytes(min(MIB, size - start)))
    return path


def flip_data_byte(path: Path, name: str, at: int = 5) -> Path:
    """Flip one byte inside the data of the entry ``name`` (write it ZIP_STORED), so its CRC no longer matches."""
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    # The data follows the 30-byte local header, the name and the extra field.
    raw[info.header_offset + 30 + len(info.filename) + len(info.extra) + at] ^= 0xFF
    path.write_bytes(bytes(raw))
    return path


def set_declared_size(path: Path, name: str, size: int) -> Path:
    """Patch the uncompressed size of ``name`` in its local header and its central-directory record, leaving
    the data (and CRC) as they are: an entry whose actual size differs from what it declares."""
    raw = bytearray(path.read_bytes())
    packed = struct.pack("<I", size)
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(name).header_offset
    raw[local + 22 : local + 26] = packed  # local header: uncompressed size at offset 22
    central = raw.find(b"PK\x01\x02", local)
    while raw[central + 46 : central + 46 + len(name)] != name.encode():
        central = raw.find(b"PK\x01\x02", central + 4)
    raw[central + 24 : central + 28] = packed  # central record: uncompressed size at offset 24, name at 46
    path.write_bytes(bytes(raw))
    return path
