"""Drawings between people and arrays: Omniglot arrays as pictures, and uploaded pictures as drawings.

Also the checks every uploaded image gets, drawing or face photo (:func:`opened_upload`).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from lab.errors import ImageError


def to_display(ink: np.ndarray) -> np.ndarray:
    """Boolean ink (True = stroke) to an 8-bit grey image: black strokes on white paper, as drawn."""
    return np.where(ink, 0, 255).astype(np.uint8)


def side_by_side(left: np.ndarray, right: np.ndarray, gap: int = 6, gap_value: int = 160) -> np.ndarray:
    """Two display images of equal height joined with a grey gap, to show a pair as one picture."""
    if left.shape[0] != right.shape[0]:
        raise ValueError("both images must have the same height")
    spacer = np.full((left.shape[0], gap), gap_value, dtype=np.uint8)
    return np.concatenate([left, spacer, right], axis=1)


DRAWING_SIZE = 105
# Refused before decoding: a decompression bomb, or a 30 MP photo that would take 90 MB of memory per copy.
MAX_UPLOAD_PIXELS = 25_000_000
MAX_UPLOAD_BYTES = 20_000_000


@contextlib.contextmanager
def opened_upload(data: bytes, name: str, kind: str) -> Iterator[object]:
    """The uploaded ``data`` opened with PIL, after the checks every upload gets (``kind``: "drawing", "photo").

    Empty files, files over 20 MB and images over 25 megapixels (read from the header, before decoding) are
    refused; so is anything PIL cannot identify or decode, also while the caller converts it inside the block.
    Every refusal is an :class:`ImageError` that says why.
    """
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise ImageError(f"{name} is empty (0 bytes).")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageError(f"{name} is {len(data) / 1e6:.0f} MB; {kind}s over {MAX_UPLOAD_BYTES // 1_000_000} MB "
                         "are refused.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_UPLOAD_PIXELS:
                raise ImageError(
                    f"{name} is {width}x{height} pixels ({width * height / 1e6:.0f} megapixels); {kind}s over "
                    f"{MAX_UPLOAD_PIXELS // 1_000_000} megapixels are refused. Save a smaller copy and try again."
                )
            yield image
    except UnidentifiedImageError as exc:
        raise ImageError(f"{name} is not an image: upload a {kind} (JPEG, PNG, WebP or BMP).") from exc
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:  # truncated or damaged
        raise ImageError(f"{name} is a damaged image that cannot be decoded ({exc}).") from exc


@dataclass(frozen=True)
class UploadedDrawing:
    """A user's drawing as the networks see it: (105, 105) bool, True = ink; ``note`` says what was done."""

    ink: np.ndarray
    note: str


def read_drawing(data: bytes, name: str = "the file") -> UploadedDrawing:
    """Decode an uploaded image into an Omniglot-like drawing, or raise :class:`ImageError` saying why not.

    Any size is accepted up to 25 megapixels: it is resized to 105x105 (the note says so). Dark pixels are
    ink, whatever the colours; an image drawn light on dark is inverted so that ink is the minority.
    """
    from PIL import Image

    with opened_upload(data, name, "drawing") as image:
        width, height = image.size
        grey = np.asarray(image.convert("L"), dtype=np.float32)
    note = "105x105 pixels, used as it is"
    if grey.shape != (DRAWING_SIZE, DRAWING_SIZE):
        with Image.fromarray(grey.astype(np.uint8)) as small:
            grey = np.asarray(small.resize((DRAWING_SIZE, DRAWING_SIZE), Image.Resampling.BOX), dtype=np.float32)
        note = f"resized from {width}x{height} to 105x105 pixels"
    if grey.max() - grey.min() < 32:
        raise ImageError(f"{name} has no drawing in it: it is one flat shade.")
    ink = grey < (grey.min() + grey.max()) / 2.0
    if ink.mean() > 0.5:
        ink = ~ink
        note += "; light strokes on a dark background were inverted"
    return UploadedDrawing(ink=ink, note=note)


def png_data_uri(display: np.ndarray) -> str:
    """An 8-bit grey image as a PNG ``data:`` URI (for pictures inside plotly figures)."""
    import base64

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(display).save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
