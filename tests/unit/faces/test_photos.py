"""Reading photos: everything that is not a usable photo is refused with a message that says why.

Generated pictures (tests/support/photos.py) stand in for the sample photos: decoding needs no face.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lab.errors import ImageError
from lab.faces.photos import MAX_SIDE, load_photo, read_photo
from tests.support.photos import encoded, face_like, png_bytes


def test_empty_non_image_damaged_and_huge_files_are_refused_with_the_reason() -> None:
    with pytest.raises(ImageError, match="empty"):
        read_photo(b"", "empty.jpg")
    with pytest.raises(ImageError, match="not an image"):
        read_photo(b"name,age\nada,36\n", "people.csv")
    jpeg = encoded(face_like(), "JPEG")
    with pytest.raises(ImageError, match="damaged"):
        read_photo(jpeg[: len(jpeg) // 3], "cut.jpg")
    with pytest.raises(ImageError, match=r"6000x5000 pixels \(30 megapixels\).*refused"):
        read_photo(png_bytes(6000, 5000), "huge.png")  # refused from its header, before decoding 90 MB


def test_transparent_png_and_large_photos_become_bgr_of_bounded_size(tmp_path: Path) -> None:
    (tmp_path / "32bit.png").write_bytes(encoded(face_like(mode="RGBA"), "PNG"))
    transparent = load_photo(tmp_path / "32bit.png")
    assert transparent.bgr.ndim == 3 and transparent.bgr.shape[2] == 3 and transparent.bgr.dtype == np.uint8
    (tmp_path / "group.jpg").write_bytes(encoded(face_like(2000, 1428), "JPEG"))  # the size of obama_and_biden.jpg
    big = load_photo(tmp_path / "group.jpg")
    assert max(big.bgr.shape[:2]) == MAX_SIDE and "reduced to 1280x914" in big.note
