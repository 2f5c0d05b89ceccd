"""Drawings between people and arrays: Omniglot arrays as pictures, and uploaded pictures as drawings."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np


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
MAX_UPLOAD_PIXELS = 25_000_000  # refuse decompression bombs before decoding them
MAX_UPLOAD_BYTES = 20_000_000


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
    from PIL import Image, UnidentifiedImageError

    from lab.errors import ImageError

    if not data:
        raise ImageError(f"{name} is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageError(f"{name} is {len(data) / 1e6:.0f} MB; upload a drawing under {MAX_UPLOAD_BYTES // 1_000_000} MB.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_UPLOAD_PIXELS:
                raise ImageError(f"{name} is {width}x{height} pixels; drawings over 25 megapixels are refused.")
            grey = np.asarray(image.convert("L"), dtype=np.float32)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageError(f"{name} is not an image that can be read (PNG, JPEG, ...): {exc}") from exc
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
