"""Small hostile and unusual inputs, made by the tests themselves (nothing binary is committed).

Each maker returns bytes or writes into a folder the test owns. The zips (truncated, bad CRC, zip-slip,
symbolic links, bombs) are made by tests/support/zips.py.
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image


def encoded(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def sixteen_bit_png(photo: Path) -> bytes:
    """A photo as a 16-bit grey PNG (PIL mode I;16): PIL's own conversion of it to RGB is all white."""
    with Image.open(photo) as source:
        grey = np.asarray(source.convert("L"), dtype=np.uint16) * 257  # 0..255 -> 0..65535
    return encoded(Image.fromarray(grey))


def palette_png_with_transparency(size: int = 105) -> bytes:
    """A drawing as palette PNGs often are: index 0 transparent (black underneath), index 1 a black stroke."""
    indices = np.zeros((size, size), dtype=np.uint8)
    indices[size // 4: 3 * size // 4, size // 2 - 3: size // 2 + 3] = 1  # a vertical bar
    image = Image.frombytes("P", (size, size), indices.tobytes())
    image.putpalette([0, 0, 0, 0, 0, 0] + [0, 0, 0] * 254)
    return encoded(image, transparency=0)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels, with almost no data: a decompression-bomb shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def fifo(folder: Path, name: str = "photo.jpg") -> Path:
    """A named pipe that looks like a photo: opening it for reading would wait for a writer forever."""
    path = folder / name
    os.mkfifo(path)
    return path


def pickled_gallery_file(path: Path) -> bytes:
    """A face gallery file of earlier versions (.npz) whose people are Python objects: reading it would need pickle,
    which is refused. Returns the bytes written, for the check that the file is left as it is."""
    np.savez(path, model=np.array("Facenet"), detector=np.array("yunet"), people=np.array([object()], dtype=object),
             sources=np.array(["a"]), embeddings=np.zeros((1, 128)), thumbnails=np.zeros((1, 96, 96, 3), np.uint8))
    return path.read_bytes()
