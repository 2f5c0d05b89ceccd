"""Reading uploaded drawings: Omniglot PNGs as they are, other pictures resized or inverted, bad uploads refused."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from lab.errors import ImageError
from lab.images import read_drawing


def png_bytes(array: np.ndarray, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=fmt)
    return buffer.getvalue()


def test_read_drawing_accepts_omniglot_pngs_and_resizes_others(mini_evaluation) -> None:
    ink = mini_evaluation.images[3, 4]
    same = read_drawing(png_bytes(np.where(ink, 0, 255).astype(np.uint8)), "a.png")
    np.testing.assert_array_equal(same.ink, ink)
    assert "used as it is" in same.note
    big = np.kron(np.where(ink, 0, 255).astype(np.uint8), np.ones((4, 4), dtype=np.uint8))  # 420x420
    resized = read_drawing(png_bytes(big, "JPEG"), "b.jpg")
    assert resized.ink.shape == (105, 105) and "resized from 420x420" in resized.note
    assert np.mean(resized.ink == ink) > 0.97
    inverted = read_drawing(png_bytes(np.where(ink, 255, 0).astype(np.uint8)), "c.png")
    np.testing.assert_array_equal(inverted.ink, ink)
    assert "inverted" in inverted.note


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"%PDF-1.4 not an image", "not an image"),
        (png_bytes(np.full((50, 50), 200, dtype=np.uint8)), "one flat shade"),
        (png_bytes(np.zeros((5000, 6000), dtype=np.uint8)), "over 25 megapixels"),
    ],
)
def test_read_drawing_refuses_bad_uploads(data: bytes, message: str) -> None:
    with pytest.raises(ImageError, match=message):
        read_drawing(data, "upload")
